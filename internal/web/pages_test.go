package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// seed registers three pipelines in dev with runs, one run with a failed
// error-severity check, and returns the member key it used.
func (e *env) seed() string {
	e.t.Helper()
	key := e.apiKey(e.dev, catalog.RoleMember)
	e.pipeline(key, pipelineDef("orders_sync", "ecommerce@acme.com", "pii", "tier-1"))
	e.pipeline(key, pipelineDef("users_sync", "identity@acme.com", "pii"))
	e.pipeline(key, pipelineDef("ledger_load", "finance@acme.com", "finance"))
	for _, run := range []map[string]any{
		{"pipeline_id": "orders_sync", "run_id": "orders-1", "status": "success"},
		{"pipeline_id": "orders_sync", "run_id": "orders-2", "status": "failed", "error": "upstream table missing"},
		{"pipeline_id": "users_sync", "run_id": "users-1", "status": "running"},
	} {
		if status, body := e.api(key, "POST", "/api/v1/runs/", run); status != 201 {
			e.t.Fatalf("run: %d %s", status, body)
		}
	}
	status, body := e.api(key, "POST", "/api/v1/checks/results/", map[string]any{"results": []any{
		map[string]any{"run_id": "orders-2", "check_id": "not_empty", "status": "failed", "severity": "error", "message": "0 rows"},
		map[string]any{"run_id": "orders-2", "check_id": "freshness", "status": "passed", "severity": "warn"},
	}})
	if status != 201 && status != 200 {
		e.t.Fatalf("checks: %d %s", status, body)
	}
	return key
}

func names(p page) []string {
	var out []string
	p.Find("tbody td.name a").Each(func(_ int, s *goquerySelection) { out = append(out, s.Text()) })
	return out
}

func TestPipelinesPage_FiltersByTagsAndOwnerFromTheQuery(t *testing.T) {
	e := newEnv(t)
	e.seed()
	b := e.signIn("viewer")
	p := b.get("/pipelines")
	if p.status != 200 || strings.Join(names(p), ",") != "ledger_load,orders_sync,users_sync" {
		t.Fatalf("list = %d %v", p.status, names(p))
	}
	if got := strings.Join(names(b.get("/pipelines?tag=pii")), ","); got != "orders_sync,users_sync" {
		t.Fatalf("tag=pii: %s", got)
	}
	if got := strings.Join(names(b.get("/pipelines?tag=pii&tag=tier-1")), ","); got != "orders_sync" {
		t.Fatalf("tag=pii&tag=tier-1: %s", got)
	}
	if got := strings.Join(names(b.get("/pipelines?tag=pii&owner=identity@acme.com")), ","); got != "users_sync" {
		t.Fatalf("tag and owner: %s", got)
	}
	if got := strings.Join(names(b.get("/pipelines?q=ledger")), ","); got != "ledger_load" {
		t.Fatalf("q=ledger: %s", got)
	}
	// A chip toggles its tag and keeps the other filters.
	p = b.get("/pipelines?tag=pii&q=sync")
	href, _ := p.Find(`.chips a.chip[data-active="false"]`).First().Attr("href")
	if u, _ := url.Parse(href); u.Query().Get("q") != "sync" || strings.Join(u.Query()["tag"], ",") != "pii,tier-1" {
		t.Fatalf("inactive chip links to %q", href)
	}
	// Last run, strip and failed-check badge; states carry text, not only colour.
	p = b.get("/pipelines")
	row := p.Find("tbody tr").FilterFunction(func(_ int, s *goquerySelection) bool { return strings.Contains(s.Text(), "orders_sync") })
	if !strings.Contains(row.Text(), "failed") || row.Find(".check-badge").Length() != 1 || row.Find(".strip a").Length() != 2 {
		t.Fatalf("orders_sync row = %q", strings.Join(strings.Fields(row.Text()), " "))
	}
	if p.Find(".strip .visually-hidden").Length() != 3 {
		t.Fatal("run strip cells have no text for their state")
	}
	// Keyset paging keeps the filters.
	p = b.get("/pipelines?limit=2")
	next, ok := p.Find(`a:contains("Next page")`).Attr("href")
	if !ok || len(names(p)) != 2 {
		t.Fatalf("first page: %v, next %q", names(p), next)
	}
	if got := names(b.get(next)); len(got) != 1 || got[0] != "users_sync" {
		t.Fatalf("second page: %v", got)
	}
}

// Sorting is the store's: following the next links one pipeline a page
// visits every pipeline in the chosen order, not each page sorted alone.
func TestPipelinesPage_SortHoldsAcrossPages(t *testing.T) {
	e := newEnv(t)
	e.seed() // registered orders_sync, users_sync, ledger_load in that order
	b := e.signIn("viewer")
	for sort, want := range map[string]string{
		"":        "ledger_load,orders_sync,users_sync",
		"name":    "ledger_load,orders_sync,users_sync",
		"updated": "ledger_load,users_sync,orders_sync",
		"owner":   "orders_sync,ledger_load,users_sync", // ecommerce@, finance@, identity@
		"bogus":   "ledger_load,orders_sync,users_sync",
	} {
		var got []string
		for next := "/pipelines?limit=1&sort=" + sort; next != ""; {
			p := b.get(next)
			if p.status != 200 {
				t.Fatalf("sort %q: %s = %d", sort, next, p.status)
			}
			got = append(got, names(p)...)
			next = p.Find(`a:contains("Next page")`).AttrOr("href", "")
			if next != "" && !strings.Contains(next, "sort="+sort) {
				t.Fatalf("sort %q: the next link %q drops the sort", sort, next)
			}
		}
		if strings.Join(got, ",") != want {
			t.Errorf("sort %q paged %v, want %s", sort, got, want)
		}
	}
	if p := b.get("/pipelines?sort=owner"); p.Find(`#sort option[value="owner"][selected]`).Length() != 1 {
		t.Fatal("the chosen sort is not selected in the form")
	}
}

func TestPipelinesPage_EmptyStateShowsTheCLICommand(t *testing.T) {
	e := newEnv(t)
	p := e.signIn("member").get("/pipelines")
	cmd := p.text("#first-cmd")
	if want := "DATAXPIPE_API_URL=" + e.srv.URL + " DATAXPIPE_API_KEY=dxp_... dxp pipelines apply -f pipeline.yaml"; cmd != want {
		t.Fatalf("empty state command = %q, want %q", cmd, want)
	}
}

func TestPages_EscapeHostileNames(t *testing.T) {
	e := newEnv(t)
	hostile := "<script>alert(1)</script>"
	ctx := sqlstoretest.AsOrg(e.dev, catalog.RoleMember)
	def, _ := json.Marshal(map[string]any{"name": hostile, "owner": hostile, "schedule": "", "tags": []string{hostile},
		"sources": []any{}, "transforms": []any{}, "targets": []any{}, "checks": []any{}})
	_, _, err := e.db.RegisterPipeline(ctx, catalog.PipelineRegistration{Name: hostile, Version: "1", Owner: hostile, Tags: []string{hostile},
		Description: hostile, ContentHash: "h1", Definition: func(string) json.RawMessage { return def }, NextVersion: func(string) string { return "2" }})
	if err != nil {
		t.Fatal(err)
	}
	b := e.signIn("viewer")
	for _, path := range []string{"/pipelines", "/pipelines/" + url.PathEscape(hostile)} {
		p := b.get(path)
		if p.status != 200 {
			t.Fatalf("GET %s = %d", path, p.status)
		}
		if strings.Contains(p.body, hostile) || p.Find("script:not([src])").Length() != 0 {
			t.Fatalf("GET %s carries the name unescaped", path)
		}
		if !strings.Contains(p.Text(), hostile) || !strings.Contains(p.body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Fatalf("GET %s does not show the name as text", path)
		}
	}
}

func TestPages_AnotherOrganizationsObjectIsA404(t *testing.T) {
	e := newEnv(t)
	other := &catalog.Org{Slug: "other", Name: "Other", Plan: catalog.PlanFree}
	if err := e.db.CreateOrg(context.Background(), other, nil); err != nil {
		t.Fatal(err)
	}
	key := e.apiKey(other, catalog.RoleAdmin)
	e.pipeline(key, pipelineDef("secret_pipeline", "x@other.com"))
	if status, body := e.api(key, "POST", "/api/v1/runs/", map[string]any{"pipeline_id": "secret_pipeline", "run_id": "other-run", "status": "success"}); status != 201 {
		t.Fatalf("run: %d %s", status, body)
	}
	if status, body := e.api(key, "POST", "/api/v1/connections/", map[string]any{"id": "other-db", "type": "postgres", "config": map[string]any{}}); status != 201 {
		t.Fatalf("connection: %d %s", status, body)
	}
	b := e.signIn("admin")
	for _, path := range []string{"/pipelines/secret_pipeline", "/runs/other-run", "/datasets/secret_pipeline_clean",
		"/lineage/secret_pipeline_clean", "/settings/connections/other-db"} {
		p := b.get(path)
		if p.status != http.StatusNotFound || p.Find("h1").Text() != "Not found" {
			t.Errorf("GET %s = %d %q", path, p.status, p.Find("h1").Text())
		}
	}
	if names := names(b.get("/pipelines")); len(names) != 0 {
		t.Fatalf("dev lists another organization's pipelines: %v", names)
	}
}

func TestPages_CrossOriginFormIsRefused(t *testing.T) {
	e := newEnv(t)
	b := e.signIn("admin")
	req, _ := http.NewRequest("POST", e.srv.URL+"/settings/keys", strings.NewReader(url.Values{"name": {"evil"}, "role": {"admin"}, "expires_in_days": {"0"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	p := b.do(req)
	if p.status != http.StatusForbidden || !strings.Contains(p.Text(), "sent from another site") {
		t.Fatalf("cross-site POST = %d %q", p.status, p.text("h1"))
	}
	keys, _, err := e.db.ListAPIKeys(sqlstoretest.AsOrg(e.dev, catalog.RoleAdmin), catalog.Page{})
	if err != nil || len(keys) != 0 {
		t.Fatalf("a cross-site form made %d keys (%v)", len(keys), err)
	}
	// The same form from our own page works.
	if p := b.postPage("/settings/keys", url.Values{"name": {"ok"}, "role": {"member"}, "expires_in_days": {"0"}}); p.status != http.StatusCreated {
		t.Fatalf("same-origin POST = %d", p.status)
	}
}

func TestPages_ViewerSeesNoWriteControlsAndWritesAreRefused(t *testing.T) {
	e := newEnv(t)
	e.seed()
	viewer := e.signIn("viewer")
	for _, path := range []string{"/pipelines", "/pipelines/orders_sync", "/runs/orders-2", "/settings/connections", "/settings/billing"} {
		p := viewer.get(path)
		if p.status != 200 {
			t.Fatalf("viewer GET %s = %d", path, p.status)
		}
		// The only forms a viewer gets are navigation: filters (GET), the
		// organization switcher and sign-out.
		p.Find("form").Each(func(_ int, f *goquerySelection) {
			method, _ := f.Attr("method")
			action, _ := f.Attr("action")
			if strings.EqualFold(method, "post") && action != "/orgs/switch" && action != "/auth/logout" {
				t.Errorf("viewer sees a write form %s on %s", action, path)
			}
		})
		for _, nav := range []string{"/settings/keys", "/settings/members", "/settings/audit"} {
			if p.Find(`nav a[href="`+nav+`"]`).Length() != 0 {
				t.Errorf("viewer's navigation links %s on %s", nav, path)
			}
		}
	}
	for path, form := range map[string]url.Values{
		"/settings/connections":      {"id": {"x-db"}, "type": {"postgres"}, "config": {"{}"}},
		"/settings/keys":             {"name": {"k"}, "role": {"admin"}, "expires_in_days": {"0"}},
		"/settings/members":          {"email": {"x@acme.com"}, "role": {"admin"}},
		"/settings/billing/checkout": {"plan": {"team"}},
	} {
		if res := viewer.post(path, form); res.StatusCode != http.StatusForbidden {
			t.Errorf("viewer POST %s = %d, want 403", path, res.StatusCode)
		}
	}
	if list, _, _ := e.db.ListConnections(sqlstoretest.AsOrg(e.dev, catalog.RoleAdmin), catalog.Page{}); len(list) != 0 {
		t.Fatal("a viewer's form created a connection")
	}
	member := e.signIn("member")
	if p := member.get("/settings/connections"); p.Find(`form[action="/settings/connections"]`).Length() != 1 {
		t.Fatal("a member does not get the new-connection form")
	}
}
