package api_test

import (
	"slices"
	"strings"
	"testing"
)

// problemFields lists the errors[].field of a 422 answer, in order.
func problemFields(t *testing.T, r response) []string {
	t.Helper()
	var fields []string
	for _, e := range r.json()["errors"].([]any) {
		fields = append(fields, e.(map[string]any)["field"].(string))
	}
	return fields
}

// problemMessages joins the errors[].message of a 422 answer.
func problemMessages(t *testing.T, r response) string {
	t.Helper()
	var msgs []string
	for _, e := range r.json()["errors"].([]any) {
		msgs = append(msgs, e.(map[string]any)["message"].(string))
	}
	return strings.Join(msgs, "\n")
}

// Every write route lists every problem of its body at once, named by JSON
// paths: two unknown fields are two errors, four wrong types four, and the
// handler's own rules are added for the fields that could be read.
func TestBody_EveryProblemAtOnce(t *testing.T) {
	e := sqliteEnv(t)
	e.do("POST", "/api/v1/pipelines/", "dev-key", pipelineJSON("orders_sync", "1.0.0")).expect(201)
	e.do("POST", "/api/v1/runs/", "dev-key", `{"pipeline_id":"orders_sync","status":"running","run_id":"r1"}`).expect(201)
	cases := []struct {
		name, method, path, body string
		want                     []string
	}{
		{"run, two unknown fields", "POST", "/api/v1/runs/", `{"pipeline_id":"orders_sync","status":"running","pipline":"x","stauts":"y"}`,
			[]string{"pipline", "stauts"}},
		{"run, four wrong types", "POST", "/api/v1/runs/", `{"pipeline_id":1,"status":true,"run_id":[],"error":{}}`,
			[]string{"error", "pipeline_id", "run_id", "status"}},
		{"run, unknown field and a rule", "POST", "/api/v1/runs/", `{"status":"bogus","extra":1,"started_at":"soon"}`,
			[]string{"extra", "pipeline_id", "started_at", "status"}},
		{"run patch", "PATCH", "/api/v1/runs/r1", `{"status":3,"finishd_at":"x"}`,
			[]string{"finishd_at", "status"}},
		{"check result", "POST", "/api/v1/checks/results/", `{"run_id":"r1","check_id":7,"status":"passed","sevrity":"warn"}`,
			[]string{"check_id", "sevrity"}},
		{"check batch", "POST", "/api/v1/checks/results/", `{"results":[{"run_id":"r1","check_id":7,"status":"passed"},{"run_id":"r1","check_id":"c","status":1,"x":2}]}`,
			[]string{"results[0].check_id", "results[1].status", "results[1].x"}},
		{"connection", "POST", "/api/v1/connections/", `{"id":"pg","type":5,"confg":{},"descripton":"x"}`,
			[]string{"confg", "config", "descripton", "type"}},
		{"connection replace", "PUT", "/api/v1/connections/pg", `{"type":"postgres","config":[],"id":"other"}`,
			[]string{"config", "id"}},
		{"api key", "POST", "/api/v1/api-keys/", `{"name":42,"role":"owner","expires":"x"}`,
			[]string{"expires", "name", "role"}},
		{"api key rotation", "POST", "/api/v1/api-keys/key_x/rotate", `{"grace_period_seconds":1.5,"grace":1}`,
			[]string{"grace", "grace_period_seconds"}},
		{"member", "POST", "/api/v1/members/", `{"email":"nope","role":"boss","rle":"admin"}`,
			[]string{"email", "rle", "role"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			key := "dev-key"
			if strings.Contains(c.path, "api-keys") || strings.Contains(c.path, "members") {
				key = "admin-key"
			}
			r := e.do(c.method, c.path, key, c.body).expect(422)
			got := problemFields(t, r)
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Fatalf("fields %v, want %v\n%s", got, c.want, r.Body.String())
			}
			if msgs := problemMessages(t, r); strings.Contains(msgs, "Request.") || strings.Contains(msgs, "json:") {
				t.Fatalf("messages name Go types or the decoder:\n%s", msgs)
			}
		})
	}
}

func TestBody_UnknownFieldSuggestsTheField(t *testing.T) {
	e := sqliteEnv(t)
	r := e.do("POST", "/api/v1/runs/", "dev-key", `{"pipeline":"orders_sync","status":"running"}`).expect(422)
	if msg := problemMessages(t, r); !strings.Contains(msg, "did you mean pipeline_id?") {
		t.Fatalf("message %q has no suggestion", msg)
	}
	r = e.do("POST", "/api/v1/runs/", "dev-key", `{"organization_id":"org_x","status":"running"}`).expect(422)
	if msg := problemMessages(t, r); !strings.Contains(msg, "comes from the credential") {
		t.Fatalf("message %q", msg)
	}
}

// A timestamp that is not RFC 3339 is a 422 on its field, on every route
// that takes one, never a 400 quoting Go's time layout.
func TestBody_BadTimestampIsAFieldProblem(t *testing.T) {
	e := sqliteEnv(t)
	r := e.do("POST", "/api/v1/api-keys/", "admin-key", `{"name":"ci","expires_at":"next week"}`).expect(422)
	if f := problemFields(t, r); !slices.Equal(f, []string{"expires_at"}) {
		t.Fatalf("fields %v", f)
	}
	if msg := problemMessages(t, r); !strings.Contains(msg, "RFC 3339") || strings.Contains(msg, "2006") {
		t.Fatalf("message %q", msg)
	}
	e.do("POST", "/api/v1/api-keys/", "admin-key", `{"name":"ci","expires_at":"2030-01-01T00:00:00Z"}`).expect(201)
}

func TestBody_NotAnObject(t *testing.T) {
	e := sqliteEnv(t)
	r := e.do("POST", "/api/v1/runs/", "dev-key", `["orders_sync"]`).expect(422)
	if msg := problemMessages(t, r); msg != "The body must be a JSON object, but it is an array." {
		t.Fatalf("message %q", msg)
	}
	e.do("POST", "/api/v1/runs/", "dev-key", `{"status":`).expect(400)
}
