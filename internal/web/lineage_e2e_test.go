package web_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowser_LineageExplorer opens a lineage page in Chromium, zooms,
// raises the downstream depth, expands a node at the edge of the drawing
// and follows a node's link, checking the URL carries the view each time.
func TestBrowser_LineageExplorer(t *testing.T) {
	chrome := chromium(t)
	e := newEnv(t)
	key := e.seedLineage()
	fanout(e, key, 220, 6)
	shots := newShooter(t)
	ctx := newBrowser(t, chrome, 90*time.Second)
	run := browserSteps(ctx, t)
	location := func() string {
		t.Helper()
		var loc string
		run("location", chromedp.Evaluate(`location.pathname + location.search`, &loc))
		return loc
	}
	count := func(sel string) int {
		t.Helper()
		var n int
		run("count "+sel, chromedp.Evaluate(`document.querySelectorAll(`+"`"+sel+"`"+`).length`, &n))
		return n
	}
	run("sign in", chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitVisible(`.identity-list`, chromedp.ByQuery),
		chromedp.Click(`//button[contains(., "viewer@dev.localhost")]`), chromedp.WaitVisible(`tbody`, chromedp.ByQuery))

	// 1. Open the page: an inline drawing, the focus in it, the zoom
	// buttons shown by the script.
	run("open", chromedp.Navigate(e.srv.URL+"/lineage/fct_orders?up=1&down=1"), chromedp.WaitVisible(`.ln-stage svg .ln-focus`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-lineage-zoom] [data-zoom="in"]`, chromedp.ByQuery))
	if count(`.ln-stage g.ln-node`) != 7 || count(`.ln-stage g.ln-node[data-id="ledger_export"]`) != 0 {
		t.Fatalf("up=1&down=1 draws %d nodes", count(`.ln-stage g.ln-node`))
	}
	var before string
	var zoomed bool
	run("zoom", chromedp.AttributeValue(`.ln-stage svg`, "viewBox", &before, nil, chromedp.ByQuery),
		chromedp.Click(`[data-zoom="in"]`, chromedp.ByQuery),
		chromedp.Poll(`document.querySelector(".ln-stage svg").getAttribute("viewBox") !== `+strconv.Quote(before), &zoomed, chromedp.WithPollingTimeout(10*time.Second)))
	run("keyboard zoom back", chromedp.Focus(`.ln-stage`, chromedp.ByQuery), chromedp.KeyEvent("0"))

	// 2. One more step downstream: the + beside the depth.
	run("deeper", chromedp.Click(`a[aria-label="One step more downstream"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ln-stage g.ln-node[data-id="ledger_export"]`, chromedp.ByQuery))
	if loc := location(); !strings.Contains(loc, "down=2") || !strings.Contains(loc, "up=1") {
		t.Fatalf("after raising the depth the URL is %s", loc)
	}
	// The typed depth works too.
	run("type depth", chromedp.SetValue(`#up`, "0", chromedp.ByQuery), chromedp.Submit(`#up`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`.ln-stage g.ln-node[data-id="stg_orders"]`, chromedp.ByQuery))
	run("back to up=1", chromedp.Navigate(e.srv.URL+"/lineage/fct_orders?up=1&down=2"), chromedp.WaitVisible(`.ln-stage svg .ln-focus`, chromedp.ByQuery))

	// 3. Expand stg_orders, at the upstream edge: raw_orders appears.
	run("expand", chromedp.Click(`.ln-stage g.ln-node[data-id="stg_orders"] a.ln-expand`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ln-stage g.ln-node[data-id="raw_orders"]`, chromedp.ByQuery))
	if loc := location(); !strings.Contains(loc, "expand=stg_orders") {
		t.Fatalf("after expanding the URL is %s", loc)
	}
	if count(`.ln-stage g.ln-node[data-id="raw_customers"]`) != 0 {
		t.Fatal("expanding stg_orders also expanded stg_customers")
	}
	run("shot", chromedp.Navigate(e.srv.URL+"/lineage/fct_orders?up=2&down=2&columns=1"), chromedp.WaitVisible(`.ln-stage svg .ln-coledge`, chromedp.ByQuery))
	// The picture for the README: without the development-mode banner,
	// which says nothing about lineage.
	run("hide devbar", chromedp.Evaluate(`document.querySelector(".devbar") && document.querySelector(".devbar").remove()`, nil))
	shots.shoot(ctx, "lineage")
	run("folded", chromedp.Navigate(e.srv.URL+"/lineage/"+rootID+"?up=0&down=2"), chromedp.WaitVisible(`.ln-stage svg .ln-group`, chromedp.ByQuery))
	shots.shoot(ctx, "lineage-folded")
	var view []byte
	run("folded viewport", chromedp.ScrollIntoView(`.ln-canvas`, chromedp.ByQuery), chromedp.CaptureScreenshot(&view))
	if err := os.WriteFile(filepath.Join(shots.dir, "lineage-folded-view.png"), view, 0o644); err != nil {
		t.Fatal(err)
	}

	// 4. Follow a node's link: the page of mart_revenue_daily, same depths.
	run("follow", chromedp.Navigate(e.srv.URL+"/lineage/fct_orders?up=1&down=2"), chromedp.WaitVisible(`.ln-stage svg .ln-focus`, chromedp.ByQuery),
		chromedp.Click(`.ln-stage g.ln-node[data-id="mart_revenue_daily"] a.ln-link`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ln-stage g.ln-node.ln-focus[data-id="mart_revenue_daily"]`, chromedp.ByQuery))
	if loc := location(); !strings.HasPrefix(loc, "/lineage/mart_revenue_daily?") || !strings.Contains(loc, "down=2") {
		t.Fatalf("after following a node the URL is %s", loc)
	}
	var h1 string
	run("title", chromedp.Text(`h1`, &h1, chromedp.ByQuery))
	if h1 != "mart_revenue_daily" {
		t.Fatalf("h1 %q", h1)
	}
}
