package api_test

import (
	"strings"
	"testing"
)

// The Bearer scheme is case-insensitive (RFC 9110 11.1), and every 401
// says how to authenticate (WWW-Authenticate, RFC 9110 11.6.1).
func TestAuth_BearerSchemeAnyCase(t *testing.T) {
	e := sqliteEnv(t)
	for _, scheme := range []string{"Bearer", "bearer", "BEARER", "beAReR"} {
		e.do("GET", "/api/v1/pipelines/", "", "", "Authorization", scheme+" dev-key").expect(200)
	}
	e.do("GET", "/api/v1/pipelines/", "", "", "Authorization", "Bearer   dev-key  ").expect(200)
	// Another scheme carries no bearer token, whatever follows it.
	e.do("GET", "/api/v1/pipelines/", "", "", "Authorization", "Basic dev-key").expect(401)
}

func TestAuth_401CarriesChallenge(t *testing.T) {
	e := sqliteEnv(t)
	for _, r := range []response{
		e.do("GET", "/api/v1/pipelines/", "", ""),
		e.do("GET", "/api/v1/runs/", "dxp_unknown", ""),
		e.do("POST", "/api/v1/lineage", "", "", "Authorization", "Bearer not-a-key"),
	} {
		r.expect(401)
		got := r.Header().Get("WWW-Authenticate")
		if !strings.HasPrefix(got, `Bearer realm="dataxpipe"`) || !strings.Contains(got, "X-API-KEY") {
			t.Fatalf("WWW-Authenticate %q, want the Bearer scheme and the API-key header", got)
		}
		if ct := r.Header().Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("Content-Type %q", ct)
		}
	}
	if got := e.do("GET", "/api/v1/pipelines/", "dev-key", "").expect(200).Header().Get("WWW-Authenticate"); got != "" {
		t.Fatalf("a 200 carries WWW-Authenticate %q", got)
	}
}

// Every answer under /api/ is problem+json: a path the mux would clean
// (and redirect with an HTML body) is a 404 naming the clean path, and an
// item path with a trailing slash is a 404 saying to drop it. Collections
// answer with and without their slash (API.md).
func TestPaths_ProblemJSONForUncleanAndSlashedPaths(t *testing.T) {
	e := sqliteEnv(t)
	e.do("POST", "/api/v1/pipelines/", "dev-key", pipelineJSON("orders_sync", "1.0.0")).expect(201)
	cases := []struct{ method, path, hint string }{
		{"GET", "//api/v1/pipelines", "use /api/v1/pipelines."},
		{"GET", "/api/v1//pipelines", "use /api/v1/pipelines."},
		{"POST", "/api/v1/./runs/", "use /api/v1/runs/."},
		{"GET", "/api/v1/pipelines/../runs", "use /api/v1/runs."},
		{"GET", "/api/v1/pipelines/orders_sync/", "drop it and use /api/v1/pipelines/orders_sync."},
		{"DELETE", "/api/v1/connections/pg/", "drop it and use /api/v1/connections/pg."},
		{"GET", "/api/v1/pipelines/orders_sync/versions/1.0.0/", "drop it and use /api/v1/pipelines/orders_sync/versions/1.0.0."},
	}
	for _, c := range cases {
		r := e.do(c.method, c.path, "dev-key", "").expect(404)
		if ct := r.Header().Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("%s %s: Content-Type %q", c.method, c.path, ct)
		}
		if detail := r.json()["detail"].(string); !strings.HasSuffix(detail, c.hint) {
			t.Fatalf("%s %s: detail %q, want it to end %q", c.method, c.path, detail, c.hint)
		}
	}
	for _, p := range []string{"/api/v1/pipelines", "/api/v1/pipelines/", "/api/v1/pipelines/orders_sync/versions",
		"/api/v1/pipelines/orders_sync/versions/", "/api/v1/pipelines/orders_sync"} {
		e.do("GET", p, "dev-key", "").expect(200)
	}
	r := e.do("GET", "/api/v1/nothing/here/", "dev-key", "").expect(404)
	if detail := r.json()["detail"].(string); strings.Contains(detail, "slash") {
		t.Fatalf("an unknown path is told to drop its slash: %q", detail)
	}
}
