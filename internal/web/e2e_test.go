package web_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/dataxpipe/catalog/internal/billing"
	"github.com/dataxpipe/catalog/internal/billing/stripemocktest"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/oidctest"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
	"github.com/dataxpipe/catalog/internal/web"
)

// chromium returns Debian's Chromium, or skips: the browser test runs under
// CI=true (where a missing browser fails it) and otherwise skips.
func chromium(t *testing.T) string {
	t.Helper()
	if os.Getenv("CI") != "true" {
		t.Skip("browser test: runs under CI=true (needs /usr/bin/chromium; .ci/run installs it)")
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	t.Fatal("CI=true but no chromium: apt-get install -y chromium")
	return ""
}

// shooter saves full-page screenshots at both widths; they are kept in
// DATAXPIPE_SCREENSHOTS when set, else in the test's temporary directory.
type shooter struct {
	t   *testing.T
	dir string
}

// newBrowser starts headless Chromium at 1280×900 for the test and closes
// it when the test ends; timeout is a hang guard for the whole test.
func newBrowser(t *testing.T, chrome string, timeout time.Duration) context.Context {
	t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.Flag("headless", "new"), chromedp.WindowSize(1280, 900))...)
	ctx, cancelBrowser := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTimeout(); cancelBrowser(); cancelAlloc() })
	return ctx
}

// browserSteps runs chromedp actions as a named step, failing the test
// with the step's name.
func browserSteps(ctx context.Context, t *testing.T) func(step string, actions ...chromedp.Action) {
	return func(step string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
}

func newShooter(t *testing.T) shooter {
	dir := os.Getenv("DATAXPIPE_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return shooter{t: t, dir: dir}
}

func (s shooter) shoot(ctx context.Context, name string) {
	s.t.Helper()
	for _, width := range []int64{1280, 390} {
		var png []byte
		if err := chromedp.Run(ctx, chromedp.EmulateViewport(width, 900), chromedp.Sleep(50*time.Millisecond), chromedp.FullScreenshot(&png, 100)); err != nil {
			s.t.Fatalf("screenshot %s at %d: %v", name, width, err)
		}
		if err := os.WriteFile(filepath.Join(s.dir, fmt.Sprintf("%s-%d.png", name, width)), png, 0o644); err != nil {
			s.t.Fatal(err)
		}
	}
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		s.t.Fatal(err)
	}
}

// TestBrowser_EndToEnd drives Chromium through the product: a real
// authorization-code sign-in against the in-process issuer, signup, a key
// shown once, pipelines registered with it through the API, filters, a
// pipeline and a failed run, an invitation, a viewer without write
// controls, and Upgrade going to Stripe Checkout (stripe-mock).
func TestBrowser_EndToEnd(t *testing.T) {
	chrome := chromium(t)
	stripeURL := stripemocktest.Start(t)
	iss := oidctest.NewIssuer(t)
	e := newEnv(t, func(e *env, o *web.Options) {
		o.Scaffold = false
		o.Config.Env = "production"
		o.Config.OIDCIssuer, o.Config.OIDCAudience, o.Config.OIDCClientID = iss.URL(), "dataxpipe-web", "dataxpipe-web"
		svc, err := billing.New(billing.Config{SecretKey: stripemocktest.SecretKey, WebhookSecret: "whsec_test", PriceTeam: "price_team",
			PriceBusiness: "price_business", APIBase: stripeURL, AppURL: e.srv.URL}, e.db)
		if err != nil {
			t.Fatal(err)
		}
		o.Billing = svc
	})
	shots := newShooter(t)

	ctx := newBrowser(t, chrome, 90*time.Second)

	// Stripe Checkout is outside this machine: the browser's request for it
	// is answered here, and its URL recorded.
	var mu sync.Mutex
	var checkoutURL string
	chromedp.ListenTarget(ctx, func(ev any) {
		if p, ok := ev.(*fetch.EventRequestPaused); ok {
			mu.Lock()
			checkoutURL = p.Request.URL
			mu.Unlock()
			go func() {
				body := base64.StdEncoding.EncodeToString([]byte("<!doctype html><title>Stripe Checkout</title><h1>Stripe Checkout (test double)</h1>"))
				_ = chromedp.Run(ctx, fetch.FulfillRequest(p.RequestID, 200).WithBody(body).
					WithResponseHeaders([]*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/html"}}))
			}()
		}
	})
	run := browserSteps(ctx, t)
	text := func(sel string) string {
		t.Helper()
		var s string
		run("read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
		return strings.TrimSpace(s)
	}
	location := func() string {
		t.Helper()
		var u string
		run("location", chromedp.Location(&u))
		return u
	}
	count := func(js string) int {
		t.Helper()
		var n int
		run("count", chromedp.Evaluate(js, &n))
		return n
	}
	run("intercept Stripe", network.Enable(), fetch.Enable().WithPatterns([]*fetch.RequestPattern{{URLPattern: "https://checkout.stripe.com/*"}}))

	// 1. Sign in through the code flow; a person in no organization signs up.
	iss.SignInAs(oidctest.Login{Subject: "ana-1", Email: "ana@acme.com", Name: "Ana Admin", EmailVerified: true})
	run("open", chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitVisible(`#slug`, chromedp.ByQuery))
	if !strings.HasSuffix(location(), "/signup") {
		t.Fatalf("after sign-in the browser is at %s, want /signup", location())
	}
	shots.shoot(ctx, "signup")
	run("sign up", chromedp.SendKeys(`#name`, "Acme Corp", chromedp.ByQuery), chromedp.SendKeys(`#slug`, "acme-corp", chromedp.ByQuery),
		chromedp.Submit(`#slug`, chromedp.ByQuery), chromedp.WaitVisible(`#first-cmd`, chromedp.ByQuery))
	if cmd := text("#first-cmd"); !strings.Contains(cmd, "DATAXPIPE_API_URL="+e.srv.URL) {
		t.Fatalf("empty state command = %q", cmd)
	}
	if plan := text(".badge.plan"); plan != "Free plan" {
		t.Fatalf("plan badge = %q", plan)
	}
	shots.shoot(ctx, "pipelines-empty")

	// 2. A key, shown once.
	run("create key", chromedp.Navigate(e.srv.URL+"/settings/keys"), chromedp.SendKeys(`#key-name`, "airflow-prod", chromedp.ByQuery),
		chromedp.SetValue(`#key-role`, "member", chromedp.ByQuery), chromedp.Submit(`#key-name`, chromedp.ByQuery),
		chromedp.WaitVisible(`#new-key`, chromedp.ByQuery))
	key := text("#new-key")
	if !strings.HasPrefix(key, "dxp_") {
		t.Fatalf("new key = %q", key)
	}
	if n := count(`document.querySelectorAll('[data-copy="new-key"]:not([hidden])').length`); n != 1 {
		t.Fatal("no copy button for the new key")
	}
	shots.shoot(ctx, "key-created")
	var html string
	run("reload keys", chromedp.Navigate(e.srv.URL+"/settings/keys"), chromedp.WaitVisible(`#list-h`, chromedp.ByQuery), chromedp.OuterHTML("html", &html))
	if strings.Contains(html, key) {
		t.Fatal("the key is in a page after the one that created it")
	}

	// 3. Pipelines through the API with that key.
	e.pipeline(key, pipelineDef("orders_sync", "ecommerce@acme.com", "pii", "tier-1"))
	e.pipeline(key, pipelineDef("users_sync", "identity@acme.com", "pii"))
	e.pipeline(key, pipelineDef("ledger_load", "finance@acme.com", "finance"))
	for _, r := range []map[string]any{
		{"pipeline_id": "orders_sync", "run_id": "orders-1", "status": "success"},
		{"pipeline_id": "orders_sync", "run_id": "orders-2", "status": "failed", "error": "upstream table raw.orders missing"},
	} {
		if status, body := e.api(key, "POST", "/api/v1/runs/", r); status != 201 {
			t.Fatalf("run: %d %s", status, body)
		}
	}
	if status, body := e.api(key, "POST", "/api/v1/checks/results/", map[string]any{"results": []any{
		map[string]any{"run_id": "orders-2", "check_id": "not_empty", "status": "failed", "severity": "error", "message": "0 rows in analytics.orders_sync"},
	}}); status != 201 && status != 200 {
		t.Fatalf("checks: %d %s", status, body)
	}

	// 4. Filter by tag (a chip), then by owner.
	run("list", chromedp.Navigate(e.srv.URL+"/pipelines"), chromedp.WaitVisible(`tbody`, chromedp.ByQuery))
	shots.shoot(ctx, "pipelines")
	run("tag chip", chromedp.Click(`//a[contains(@class,"chip") and normalize-space(.)="pii"]`), chromedp.WaitVisible(`.chip[data-active="true"]`, chromedp.ByQuery))
	if n := count(`document.querySelectorAll('tbody td.name').length`); n != 2 || !strings.Contains(location(), "tag=pii") {
		t.Fatalf("tag=pii shows %d rows at %s", n, location())
	}
	// The answer renders the filter as a value attribute, which typing into
	// the old page's input does not set: waiting for it waits for the new page.
	run("owner", chromedp.SendKeys(`#owner`, "ecommerce@acme.com", chromedp.ByQuery), chromedp.Submit(`#owner`, chromedp.ByQuery),
		chromedp.WaitVisible(`input#owner[value="ecommerce@acme.com"]`, chromedp.ByQuery), chromedp.WaitVisible(`tbody`, chromedp.ByQuery))
	if n := count(`document.querySelectorAll('tbody td.name').length`); n != 1 || !strings.Contains(location(), "owner=ecommerce%40acme.com") || !strings.Contains(location(), "tag=pii") {
		t.Fatalf("tag and owner show %d rows at %s", n, location())
	}

	// 5. The pipeline, then its failed run with the failed check.
	run("open pipeline", chromedp.Click(`tbody td.name a`, chromedp.ByQuery), chromedp.WaitVisible(`#def-h`, chromedp.ByQuery))
	if h := text("h1"); h != "orders_sync" {
		t.Fatalf("pipeline page h1 = %q", h)
	}
	shots.shoot(ctx, "pipeline")
	run("open run", chromedp.Click(`a[href="/runs/orders-2"]`, chromedp.ByQuery), chromedp.WaitVisible(`#checks-h`, chromedp.ByQuery))
	if s := text(".page-head"); !strings.Contains(s, "failed") || !strings.Contains(s, "error check failed") {
		t.Fatalf("run head = %q", s)
	}
	if s := text("#main"); !strings.Contains(s, "not_empty") || !strings.Contains(s, "0 rows in analytics.orders_sync") {
		t.Fatal("the run page does not show the failed check")
	}
	shots.shoot(ctx, "run")
	run("open the blast radius of the failed check", chromedp.Click(`a.blast-link`, chromedp.ByQuery), chromedp.WaitVisible(`#incident-summary`, chromedp.ByQuery))
	if s := text("#incident-summary"); !strings.Contains(s, "Check not_empty (error) failed in orders_sync, run orders-2") || !strings.Contains(s, "It guards orders_sync_clean.") {
		t.Fatalf("incident summary = %q", s)
	}

	// 6. Invite a viewer.
	run("invite", chromedp.Navigate(e.srv.URL+"/settings/members"), chromedp.SendKeys(`#invite-email`, "vic@acme.com", chromedp.ByQuery),
		chromedp.SetValue(`#invite-role`, "viewer", chromedp.ByQuery), chromedp.Submit(`#invite-email`, chromedp.ByQuery),
		chromedp.WaitVisible(`.alert-ok`, chromedp.ByQuery))
	if s := text("tbody"); !strings.Contains(s, "vic@acme.com") || !strings.Contains(s, "invited") {
		t.Fatalf("members = %q", s)
	}
	shots.shoot(ctx, "members")
	run("billing page", chromedp.Navigate(e.srv.URL+"/settings/billing"), chromedp.WaitVisible(`#usage-h`, chromedp.ByQuery))
	shots.shoot(ctx, "billing")
	for name, path := range map[string]string{"dataset": "/datasets/orders_sync_clean", "lineage": "/lineage/orders_sync_clean",
		"audit": "/settings/audit", "connections": "/settings/connections", "keys": "/settings/keys"} {
		run(name, chromedp.Navigate(e.srv.URL+path), chromedp.WaitVisible(`h1`, chromedp.ByQuery))
		if name == "lineage" {
			run("lineage drawing", chromedp.WaitVisible(`.ln-stage svg .ln-node`, chromedp.ByQuery))
		}
		shots.shoot(ctx, name)
	}

	// 7. The viewer signs in, lands in Acme and finds no write controls.
	run("sign out", chromedp.Click(`//button[normalize-space(.)="Sign out"]`), chromedp.WaitVisible(`//h1[contains(., "signed out")]`))
	iss.SignInAs(oidctest.Login{Subject: "vic-1", Email: "vic@acme.com", Name: "Vic Viewer", EmailVerified: true})
	run("viewer sign-in", chromedp.Navigate(e.srv.URL+"/pipelines"), chromedp.WaitVisible(`tbody`, chromedp.ByQuery))
	if role := text(".badge.role"); role != "viewer" {
		t.Fatalf("viewer's role badge = %q", role)
	}
	for _, path := range []string{"/pipelines", "/pipelines/orders_sync", "/runs/orders-2", "/settings/connections", "/settings/billing"} {
		run("viewer "+path, chromedp.Navigate(e.srv.URL+path), chromedp.WaitVisible(`#main`, chromedp.ByQuery))
		writes := count(`[...document.querySelectorAll('form[method="post"]')].filter(f => !["/orgs/switch", "/auth/logout"].includes(f.getAttribute("action"))).length`)
		if writes != 0 {
			t.Fatalf("viewer sees %d write forms on %s", writes, path)
		}
	}
	shots.shoot(ctx, "viewer-billing")

	// 8. The admin upgrades: Checkout at Stripe.
	run("sign out viewer", chromedp.Click(`//button[normalize-space(.)="Sign out"]`), chromedp.WaitVisible(`//h1[contains(., "signed out")]`))
	iss.SignInAs(oidctest.Login{Subject: "ana-1", Email: "ana@acme.com", Name: "Ana Admin", EmailVerified: true})
	run("upgrade", chromedp.Navigate(e.srv.URL+"/settings/billing"), chromedp.WaitVisible(`//button[normalize-space(.)="Upgrade to Team"]`),
		chromedp.Click(`//button[normalize-space(.)="Upgrade to Team"]`), chromedp.WaitVisible(`//h1[contains(., "Stripe Checkout")]`))
	mu.Lock()
	got := checkoutURL
	mu.Unlock()
	if !strings.HasPrefix(got, "https://checkout.stripe.com/") {
		t.Fatalf("Upgrade went to %q, want Stripe Checkout", got)
	}
}

// TestBrowser_DevelopmentPages signs in with a scaffold identity and
// photographs the pages the main flow does not reach.
func TestBrowser_DevelopmentPages(t *testing.T) {
	chrome := chromium(t)
	e := newEnv(t)
	e.seed()
	key := e.apiKey(e.dev, "admin")
	if status, body := e.api(key, "POST", "/api/v1/connections/", map[string]any{"id": "pg-prod", "type": "postgres",
		"description": "Production orders database", "config": map[string]any{"host": "db.internal", "port": 5432}}); status != 201 {
		t.Fatalf("connection: %d %s", status, body)
	}
	shots := newShooter(t)
	ctx := newBrowser(t, chrome, 60*time.Second)
	run := browserSteps(ctx, t)
	run("login page", chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitVisible(`.identity-list`, chromedp.ByQuery))
	shots.shoot(ctx, "login-dev")
	run("continue as admin", chromedp.Click(`//button[contains(., "admin@dev.localhost")]`), chromedp.WaitVisible(`tbody`, chromedp.ByQuery))
	var who string
	run("role", chromedp.Text(`.badge.role`, &who, chromedp.ByQuery))
	if who != "admin" {
		t.Fatalf("scaffold admin has role %q", who)
	}
	keys, _, err := e.db.ListAPIKeys(sqlstoretest.AsOrg(e.dev, catalog.RoleAdmin), catalog.Page{})
	if err != nil || len(keys) == 0 {
		t.Fatal(err)
	}
	for name, path := range map[string]string{"admin-orgs": "/admin/organizations", "connection": "/settings/connections/pg-prod",
		"revoke": "/settings/keys/" + keys[0].ID + "/revoke", "not-found": "/runs/no-such-run", "orgs": "/orgs"} {
		run(name, chromedp.Navigate(e.srv.URL+path), chromedp.WaitVisible(`h1`, chromedp.ByQuery))
		shots.shoot(ctx, name)
	}
}
