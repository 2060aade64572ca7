package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/ratelimit"
	"github.com/dataxpipe/catalog/internal/testrig"
	"github.com/dataxpipe/catalog/internal/web"
)

// withLimiter gives API and UI one Memory limiter on a fake clock.
func withLimiter(clock *testrig.Clock) envOption {
	return func(_ *env, o *web.Options) { o.Limiter = ratelimit.NewMemory(clock.Now) }
}

func newClock() *testrig.Clock { return testrig.NewClock(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)) }

// The billing page shows this minute's API requests against the plan's
// budget, and looking at it spends none of that budget.
func TestBillingPage_RequestsPerMinuteBar(t *testing.T) {
	e := newEnv(t, withLimiter(newClock()))
	key := e.apiKey(e.dev, catalog.RoleMember)
	for range 7 {
		if status, body := e.api(key, "GET", "/api/v1/pipelines/", nil); status != http.StatusOK {
			t.Fatalf("list pipelines: %d %s", status, body)
		}
	}
	b := e.signIn("admin")
	for range 2 { // the second view proves the first spent nothing of the API budget
		p := b.get("/settings/billing")
		bar := p.Find(`.requests-usage progress`)
		if bar.AttrOr("value", "") != "7" || bar.AttrOr("max", "") != "100" {
			t.Fatalf("requests bar value=%q max=%q, want 7 of the free plan's 100", bar.AttrOr("value", ""), bar.AttrOr("max", ""))
		}
		if got := p.text(".requests-usage .bar-label"); !strings.Contains(got, "7 of 100 requests this minute") {
			t.Fatalf("requests label %q", got)
		}
	}
}

func TestBillingPage_WithoutRateLimitingSaysSo(t *testing.T) {
	e := newEnv(t)
	p := e.signIn("admin").get("/settings/billing")
	if p.Find(".requests-usage").Length() != 0 || !strings.Contains(p.text(".usage"), "Rate limiting is off") {
		t.Fatalf("billing without a limiter: %q", p.text(".usage"))
	}
}

// Page views spend the person's own budget: an organization whose API
// budget is spent still reaches its pages, and a person past their own
// budget gets a 429 page with Retry-After while a colleague does not.
func TestPages_PersonalBudgetApartFromTheAPI(t *testing.T) {
	clock := newClock()
	e := newEnv(t, withLimiter(clock))
	key := e.apiKey(e.dev, catalog.RoleMember)
	for {
		status, _ := e.api(key, "GET", "/api/v1/pipelines/", nil)
		if status == http.StatusTooManyRequests {
			break
		}
	}
	admin := e.signIn("admin")
	if p := admin.get("/pipelines"); p.status != http.StatusOK {
		t.Fatalf("a page with the organization's API budget spent = %d, want 200", p.status)
	}
	if p := admin.get("/settings/billing"); !strings.Contains(p.text(".requests-usage"), "limit reached") {
		t.Fatalf("billing with the API budget spent: %q", p.text(".requests-usage"))
	}
	// The free plan's 100 a minute; sign-in and the two pages spent some.
	var refused page
	for i := 0; i < 200; i++ {
		if p := admin.get("/pipelines"); p.status != http.StatusOK {
			refused = p
			break
		}
	}
	if refused.status != http.StatusTooManyRequests {
		t.Fatalf("200 page views in a minute were all served; want a 429 within the plan's 100")
	}
	if refused.res.Header.Get("Retry-After") != "1" || !strings.Contains(refused.text("main"), "Wait 1 second") {
		t.Fatalf("429 page: Retry-After %q, text %q", refused.res.Header.Get("Retry-After"), refused.text("main"))
	}
	if p := e.signIn("viewer").get("/pipelines"); p.status != http.StatusOK {
		t.Fatalf("a colleague's page = %d, want 200: budgets are per person", p.status)
	}
	clock.Advance(time.Second) // 100 a minute refills one every 600 ms
	if p := admin.get("/pipelines"); p.status != http.StatusOK {
		t.Fatalf("after Retry-After = %d, want 200", p.status)
	}
}
