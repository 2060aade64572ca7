package api_test

import (
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
)

func TestOrgs_AdminAPI(t *testing.T) {
	e := sqliteEnv(t)
	slug, key := e.newOrg("acme-corp", catalog.PlanFree)
	if !strings.HasPrefix(key, "dxp_") || len(key) != 42 {
		t.Fatalf("first admin key %q", key)
	}
	e.do("POST", "/api/v1/admin/organizations/", "platform-key", `{"slug":"acme-corp","name":"Again"}`).expect(409)
	m := e.do("POST", "/api/v1/admin/organizations/", "platform-key", `{"slug":"-Bad-","name":"","plan":"gold"}`).expect(422).json()
	if n := len(m["errors"].([]any)); n != 3 {
		t.Fatalf("want 3 problems (slug, name, plan), got %v", m["errors"])
	}
	m = e.do("POST", "/api/v1/admin/organizations/", "platform-key", `{"slug":"x","name":"X","organization_id":"org_1"}`).expect(422).json()
	if !strings.Contains(m["errors"].([]any)[0].(map[string]any)["message"].(string), "credential") {
		t.Fatalf("organization_id problem = %v", m["errors"])
	}
	e.do("POST", "/api/v1/admin/organizations/", "platform-key", `{"slug":"x","name":"X","colour":"red"}`).expect(422)
	e.do("PATCH", "/api/v1/admin/organizations/"+slug, "platform-key", `{"plan":"platinum"}`).expect(422)
	e.do("PATCH", "/api/v1/admin/organizations/nope", "platform-key", `{"plan":"team"}`).expect(404)
	e.do("PATCH", "/api/v1/admin/organizations/"+slug, "platform-key", `{"plan":"business"}`).expect(200)

	me := e.do("GET", "/api/v1/organizations/me", key, "").expect(200).json()
	limits := me["limits"].(map[string]any)
	if me["plan"] != "business" || limits["pipelines"] != nil || limits["connections"] != nil || limits["requests_per_minute"] != float64(2000) {
		t.Fatalf("me after upgrade = %v", me)
	}
	list := e.do("GET", "/api/v1/admin/organizations/?limit=1", "platform-key", "").expect(200).json()
	if len(list["items"].([]any)) != 1 || list["next_cursor"] == nil {
		t.Fatalf("admin list page = %v", list)
	}
}

func TestErrors_NoInternalsLeak(t *testing.T) {
	e := sqliteEnv(t)
	e.do("GET", "/nope", "", "").expect(404)
	res := e.do("POST", "/api/v1/admin/organizations/", "platform-key", `{"slug": 5}`).expect(422)
	if ct := res.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q", ct)
	}
	e.db.Close() // every query now fails inside the store
	res = e.do("GET", "/api/v1/admin/organizations/", "platform-key", "").expect(500)
	body := strings.ToLower(res.Body.String())
	for _, leak := range []string{"sql", "select", "database", "closed", "goroutine"} {
		if strings.Contains(body, leak) {
			t.Fatalf("500 body leaks %q: %s", leak, body)
		}
	}
	if !strings.Contains(e.logs.String(), res.json()["request_id"].(string)) {
		t.Fatalf("the log does not carry the request id of the 500")
	}
	e.do("GET", "/readyz", "", "").expect(503)
}
