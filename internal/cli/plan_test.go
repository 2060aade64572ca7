package cli

import (
	"context"
	"encoding/json"
	"testing"
)

// registerOthers registers n pipelines that are not among the examples.
func registerOthers(t *testing.T, tc *testCatalog, names ...string) {
	t.Helper()
	c := tc.client(t, tc.admin)
	for _, name := range names {
		body := `{"name": "` + name + `", "owner": "ops@acme.com", "schedule": "@daily"}`
		if _, err := c.RegisterPipeline(context.Background(), []byte(body)); err != nil {
			t.Fatalf("register %s: %v", name, err)
		}
	}
}

func TestPlanCheck_FailsBeforeTheDeployWould(t *testing.T) {
	tc := newTestCatalog(t, "free")
	registerOthers(t, tc, "legacy_export", "web_events")
	r := tc.dxp(t, "plan", "check", "-f", "../../examples")
	want := "3 new pipelines would bring acme-corp to 5 of 3 allowed on Free; upgrade to Team"
	if r.err == nil || r.err.Error() != want {
		t.Fatalf("err = %v, want %q", r.err, want)
	}
	if _, ok := r.err.(usageError); ok {
		t.Fatalf("a plan overrun is a failure (exit 1), not a usage error")
	}
	r = tc.dxp(t, "plan", "check", "-f", "../../examples", "--output", "json")
	var rep planReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.err == nil || rep.OK || *rep.Limit != 3 || rep.Usage != 2 || len(rep.New) != 3 {
		t.Fatalf("json: %v %v %s", err, r.err, r.stdout)
	}
}

func TestPlanCheck_OKCountsOnlyNewNames(t *testing.T) {
	tc := newTestCatalog(t, "free")
	r := tc.dxp(t, "plan", "check", "-f", "../../examples").must(t)
	if got, want := r.stdout, "ok: 3 new pipelines would bring acme-corp to 3 of 3 allowed on Free\n"; got != want {
		t.Fatalf("stdout = %q, want %q", got, want)
	}
	tc.dxp(t, "pipelines", "apply", "-f", "../../examples").must(t)
	// New versions of registered pipelines are always allowed.
	r = tc.dxp(t, "plan", "check", "-f", "../../examples").must(t)
	if got, want := r.stdout, "ok: no new pipelines; acme-corp has 3 of 3 allowed on Free\n"; got != want {
		t.Fatalf("stdout = %q, want %q", got, want)
	}
}

func TestPlanCheck_UnlimitedPlanSaysSo(t *testing.T) {
	tc := newTestCatalog(t, "business")
	registerOthers(t, tc, "legacy_export")
	r := tc.dxp(t, "plan", "check", "-f", "../../examples").must(t)
	if got, want := r.stdout, "ok: acme-corp is on Business, which allows unlimited pipelines (1 registered, 3 new)\n"; got != want {
		t.Fatalf("stdout = %q, want %q", got, want)
	}
}
