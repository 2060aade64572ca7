package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowser_BlastRadius follows a failed check from its run to its blast
// radius, copies the incident summary, and walks on to a dataset's impact.
func TestBrowser_BlastRadius(t *testing.T) {
	chrome := chromium(t)
	e := newEnv(t)
	e.seedImpact()
	shots := newShooter(t)
	ctx := newBrowser(t, chrome, 60*time.Second)
	run := browserSteps(ctx, t)
	text := func(sel string) string {
		t.Helper()
		var s string
		run("read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
		return strings.TrimSpace(s)
	}
	run("sign in", chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitVisible(`.identity-list`, chromedp.ByQuery),
		chromedp.Click(`//button[contains(., "viewer@dev.localhost")]`), chromedp.WaitVisible(`tbody`, chromedp.ByQuery))

	run("open the failed run", chromedp.Navigate(e.srv.URL+"/runs/orders-2"), chromedp.WaitVisible(`a.blast-link`, chromedp.ByQuery))
	run("open its blast radius", chromedp.Click(`a.blast-link`, chromedp.ByQuery), chromedp.WaitVisible(`#incident-summary`, chromedp.ByQuery))
	if h := text("h1"); h != "not_empty" {
		t.Fatalf("blast radius h1 = %q", h)
	}
	summary := text("#incident-summary")
	if !strings.Contains(summary, "It guards orders_sync_clean.") || !strings.Contains(summary, "bi@acme.com: revenue") {
		t.Fatalf("summary = %q", summary)
	}
	var visible bool
	run("copy button", chromedp.Evaluate(`!document.querySelector('[data-copy="incident-summary"]').hidden`, &visible))
	if !visible {
		t.Fatal("the copy button stays hidden")
	}
	shots.shoot(ctx, "blast-radius")

	// The summary's button copies (the page's own fallback selects the
	// text when the clipboard API is not granted).
	run("copy", chromedp.Click(`[data-copy="incident-summary"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`//button[@data-copy="incident-summary" and contains(., "Copied")]`))

	run("a dataset's impact", chromedp.Click(`//td/a[normalize-space(.)="daily_revenue"]`), chromedp.WaitVisible(`#groups-h`, chromedp.ByQuery))
	if h := text("h1"); h != "daily_revenue" {
		t.Fatalf("impact h1 = %q", h)
	}
	run("the source's impact", chromedp.Navigate(e.srv.URL+"/lineage/orders_sync_raw/impact"), chromedp.WaitVisible(`#owners-h`, chromedp.ByQuery))
	shots.shoot(ctx, "impact")
}
