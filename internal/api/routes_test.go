package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/api"
)

// The UI gets every path the route table and the API's spaces do not own;
// the API keeps its own 404s and 405s, and its routes stay its own.
func TestUI_GetsOnlyPathsOutsideTheAPI(t *testing.T) {
	e := sqliteEnv(t)
	ui := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusTeapot)
	})
	srv := api.NewServer(api.Options{Store: e.db, Auth: e.auth, UI: ui})
	cases := []struct {
		method, path string
		status       int
		problem      bool
	}{
		{"GET", "/", http.StatusTeapot, false},
		{"GET", "/pipelines/orders_sync", http.StatusTeapot, false},
		{"POST", "/login", http.StatusTeapot, false},
		{"GET", "/healthz", http.StatusOK, false},
		{"GET", "/api/v1/nope", http.StatusNotFound, true},
		{"GET", "/api", http.StatusNotFound, true},
		{"GET", "/webhooks/nope", http.StatusNotFound, true},
		{"PUT", "/api/v1/runs/", http.StatusMethodNotAllowed, true},
		{"GET", "/webhooks/stripe", http.StatusMethodNotAllowed, true},
		{"GET", "/api/v1/pipelines/", http.StatusUnauthorized, true},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
		problem := strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json")
		if rec.Code != c.status || problem != c.problem {
			t.Errorf("%s %s: status %d (problem+json %v), want %d (%v); body %s", c.method, c.path, rec.Code, problem, c.status, c.problem, rec.Body.String())
		}
	}
}

// Without a UI every unknown path is the API's problem+json 404.
func TestUI_AbsentMeansProblem404(t *testing.T) {
	e := sqliteEnv(t)
	res := e.do("GET", "/pipelines/orders_sync", "", "").expect(http.StatusNotFound)
	if ct := res.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("Content-Type %q, want problem+json", ct)
	}
}
