package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestPlanLimitRefusalLinksToBilling(t *testing.T) {
	e := newEnv(t)
	b := e.signIn("member")
	for _, id := range []string{"one", "two"} { // Free allows two connections
		if res := b.post("/settings/connections", url.Values{"id": {id}, "type": {"postgres"}, "config": {"{}"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("connection %s = %d", id, res.StatusCode)
		}
	}
	p := b.postPage("/settings/connections", url.Values{"id": {"three"}, "type": {"postgres"}, "config": {"{}"}})
	if p.status != http.StatusForbidden || p.text("h1") != "Plan limit reached" || p.Find(`a[href="/settings/billing"].btn`).Length() != 1 {
		t.Fatalf("beyond the plan = %d %q", p.status, p.text("h1"))
	}
	if !strings.Contains(p.text("main"), "connections") {
		t.Fatalf("the refusal does not say which limit: %q", p.text("main"))
	}
}
