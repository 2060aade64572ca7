package web_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dataxpipe/catalog/internal/api"
)

// TestAPIDocs_EveryOperationAndSchema: the reference page, open to anyone,
// shows every operation and every schema of the API's OpenAPI document.
func TestAPIDocs_EveryOperationAndSchema(t *testing.T) {
	e := newEnv(t)
	p := e.browser().get("/docs/api")
	if p.status != 200 {
		t.Fatalf("GET /docs/api: %d", p.status)
	}
	var doc struct {
		Paths      map[string]map[string]struct{ OperationID string }
		Components struct{ Schemas map[string]json.RawMessage }
	}
	b, _ := json.Marshal(api.OpenAPI())
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	ops := 0
	for path, item := range doc.Paths {
		for method, op := range item {
			ops++
			got := p.text("#op-" + op.OperationID + " .apidocs-line")
			if want := strings.ToUpper(method) + " " + path; got != want {
				t.Errorf("operation %s: the page says %q, want %q", op.OperationID, got, want)
			}
		}
	}
	for name := range doc.Components.Schemas {
		if p.Find("#schema-"+name).Length() != 1 {
			t.Errorf("schema %s is not on the page", name)
		}
	}
	if ops < 40 || p.Find(".apidocs-op").Length() != ops {
		t.Errorf("the page shows %d operations of %d", p.Find(".apidocs-op").Length(), ops)
	}
	if !strings.Contains(p.text("#schema-Problem"), "plan_limit_exceeded") {
		t.Error("the Problem schema does not list its codes")
	}
	if n := p.Find(`#op-getRunsRunId a[href="#schema-RunDetail"]`).Length(); n != 1 {
		t.Errorf("GET /api/v1/runs/{run_id} links its answer's schema %d times", n)
	}
}

// TestBrowser_APIDocs renders the page in Chromium at both widths
// (screenshots kept in DATAXPIPE_SCREENSHOTS when set) and checks that
// it needs no horizontal scrolling on a phone.
func TestBrowser_APIDocs(t *testing.T) {
	chrome := chromium(t)
	e := newEnv(t)
	shots := newShooter(t)
	ctx := newBrowser(t, chrome, 60*time.Second)
	var title string
	if err := chromedp.Run(ctx, chromedp.Navigate(e.srv.URL+"/docs/api"), chromedp.Text("h1", &title)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(title, "DataXPipe Catalog API") {
		t.Fatalf("h1 = %q", title)
	}
	shots.shoot(ctx, "apidocs")
	var overflow bool
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(390, 900),
		chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow)); err != nil {
		t.Fatal(err)
	}
	if overflow {
		t.Error("the API reference scrolls sideways at 390 px")
	}
}
