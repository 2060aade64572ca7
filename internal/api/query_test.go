package api_test

import (
	"strings"
	"testing"
)

// A misspelt filter used to be ignored, so /runs/?pipeline=x answered with
// every run. It is refused, naming what the endpoint takes.
func TestQuery_UnknownParametersRefused(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", "free")
	m := e.do("GET", "/api/v1/runs/?pipeline=orders&stauts=failed", key, "").expect(400).json()
	if m["code"] != "malformed_request" {
		t.Fatalf("code = %v", m["code"])
	}
	errs, _ := m["errors"].([]any)
	if len(errs) != 2 {
		t.Fatalf("want one problem per unknown parameter, got %v", m)
	}
	got := map[string]string{}
	for _, x := range errs {
		fe := x.(map[string]any)
		got[fe["field"].(string)] = fe["message"].(string)
	}
	if !strings.Contains(got["pipeline"], `did you mean "pipeline_id"`) || !strings.Contains(got["stauts"], `did you mean "status"`) {
		t.Fatalf("no suggestions: %v", got)
	}
	if d := m["detail"].(string); !strings.Contains(d, "pipeline_id") || !strings.Contains(d, "since") {
		t.Fatalf("detail does not list the allowed parameters: %s", d)
	}
	// Known parameters, repeated ones and the lineage format still pass.
	e.do("GET", "/api/v1/runs/?pipeline_id=orders&limit=5", key, "").expect(200)
	e.do("GET", "/api/v1/pipelines/?tag=a&tag=b&owner=x", key, "").expect(200)
	e.do("GET", "/api/v1/api-keys/?limit=2", key, "").expect(200)
	e.do("GET", "/api/v1/api-keys/?owner=x", key, "").expect(400)
}
