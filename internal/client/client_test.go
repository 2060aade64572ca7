package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// fakeAPI serves h and returns a client for it with key "dxp_test".
func fakeAPI(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := New(srv.URL, "dxp_test")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func problem(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

func TestNew(t *testing.T) {
	c, err := New("", "k")
	if err != nil || c.BaseURL.String() != DefaultBaseURL {
		t.Fatalf("New(\"\") = %v, %v; want the default URL", c, err)
	}
	if c, _ := New("https://catalog.example.com/", "k"); c.endpoint("/api/v1/x", nil) != "https://catalog.example.com/api/v1/x" {
		t.Fatalf("trailing slash kept: %s", c.endpoint("/api/v1/x", nil))
	}
	for _, bad := range []string{"localhost:8000", "ftp://x", "http://"} {
		if _, err := New(bad, "k"); err == nil {
			t.Errorf("New(%q) accepted", bad)
		}
	}
}

func TestError_ValidationShowsEveryField(t *testing.T) {
	c := fakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-API-KEY") != "dxp_test" || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("headers = %v", r.Header)
		}
		problem(w, 422, `{"status": 422, "code": "validation_failed", "detail": "The request has 2 problems; see errors.",
		  "errors": [{"field": "name", "message": "name is required."}, {"field": "role", "message": "role is wrong."}]}`)
	})
	_, err := c.CreateKey(context.Background(), NewKey{})
	var e *Error
	if !errors.As(err, &e) || e.Status != 422 || e.Code != "validation_failed" || len(e.Errors) != 2 {
		t.Fatalf("err = %#v", err)
	}
	want := "The request has 2 problems; see errors.\n  name: name is required.\n  role: role is wrong."
	if err.Error() != want {
		t.Fatalf("Error() = %q, want %q", err.Error(), want)
	}
}

func TestError_PlanLimitAndNoRoute(t *testing.T) {
	c := fakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/pipelines/":
			problem(w, 403, `{"status": 403, "code": "plan_limit_exceeded", "detail": "The Free plan allows 3 pipelines.",
			  "plan": "free", "resource": "pipelines", "limit": 3, "usage": 3, "upgrade_url": "/api/v1/billing/checkout"}`)
		case "/api/v1/pipelines/gone":
			problem(w, 404, `{"status": 404, "code": "not_found", "detail": "No pipeline \"gone\" in this organization."}`)
		default:
			problem(w, 404, `{"status": 404, "code": "not_found", "detail": "No route GET `+r.URL.Path+`."}`)
		}
	})
	ctx := context.Background()
	_, err := c.RegisterPipeline(ctx, []byte(`{}`))
	var e *Error
	if !errors.As(err, &e) || e.Limit != 3 || e.Plan != "free" || e.UpgradeURL == "" {
		t.Fatalf("plan limit: %#v", err)
	}
	_, err = c.GetPipeline(ctx, "gone")
	if !IsNotFound(err) || !errors.As(err, &e) || e.NoRoute() {
		t.Fatalf("missing pipeline: %v (NoRoute must be false)", err)
	}
	_, err = c.Lineage(ctx, "clean_orders", LineageQuery{})
	if !errors.As(err, &e) || !e.NoRoute() {
		t.Fatalf("missing route: %v", err)
	}
}

func TestError_NotProblemJSON(t *testing.T) {
	c := fakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprint(w, "<html>bad gateway</html>")
	})
	_, err := c.Me(context.Background())
	var e *Error
	if !errors.As(err, &e) || e.Status != 502 || !strings.Contains(e.Detail, "502 Bad Gateway") {
		t.Fatalf("err = %#v", err)
	}
}

func TestAllPipelines_FollowsCursorsAndSendsFilters(t *testing.T) {
	pages := map[string]string{
		"":   `{"items": [{"name": "a"}, {"name": "b"}], "next_cursor": "c1"}`,
		"c1": `{"items": [{"name": "c"}], "next_cursor": "c2"}`,
		"c2": `{"items": [], "next_cursor": null}`,
	}
	c := fakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if got := q["tag"]; len(got) != 2 || got[0] != "pii" || got[1] != "tier-1" || q.Get("owner") != "o@x" || q.Get("limit") != "500" {
			t.Errorf("query = %v", q)
		}
		fmt.Fprint(w, pages[q.Get("cursor")])
	})
	got, err := c.AllPipelines(context.Background(), PipelineFilter{Tags: []string{"pii", "tier-1"}, Owner: "o@x"})
	if err != nil || len(got) != 3 || got[2].Name != "c" {
		t.Fatalf("AllPipelines = %+v, %v", got, err)
	}
}

func TestDo_RetriesRateLimitedRequests(t *testing.T) {
	var calls atomic.Int32
	c := fakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body["pipeline_id"] != "orders_sync" {
			t.Errorf("attempt %d body = %v, %v", calls.Load(), body, err)
		}
		if calls.Add(1) < 3 {
			w.Header().Set("Retry-After", "0")
			problem(w, 429, `{"status": 429, "code": "rate_limited", "detail": "Slow down."}`)
			return
		}
		w.WriteHeader(201)
		fmt.Fprint(w, `{"run_id": "run-20260607-001", "status": "running"}`)
	})
	run, err := c.CreateRun(context.Background(), NewRun{PipelineID: "orders_sync", Status: RunRunning})
	if err != nil || run.RunID != "run-20260607-001" || calls.Load() != 3 {
		t.Fatalf("run = %+v, err = %v, calls = %d", run, err, calls.Load())
	}
	c.MaxRetries = 0
	calls.Store(0)
	if _, err := c.CreateRun(context.Background(), NewRun{PipelineID: "orders_sync"}); err == nil {
		t.Fatal("a 429 with no retries left succeeded")
	}
}

func TestReportCheckResults_OneOrBatch(t *testing.T) {
	var bodies []string
	c := fakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		var raw json.RawMessage
		json.NewDecoder(r.Body).Decode(&raw)
		bodies = append(bodies, string(raw))
		w.WriteHeader(201)
		fmt.Fprint(w, `{}`)
	})
	ctx := context.Background()
	one := CheckResult{RunID: "r", CheckID: "c", Status: "passed", ObservedValue: 0.0}
	if err := c.ReportCheckResults(ctx, one); err != nil {
		t.Fatal(err)
	}
	if err := c.ReportCheckResults(ctx, one, one); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 2 || !strings.HasPrefix(bodies[0], `{"run_id":"r"`) || !strings.Contains(bodies[0], `"observed_value":0`) ||
		!strings.HasPrefix(bodies[1], `{"results":[`) {
		t.Fatalf("bodies = %q", bodies)
	}
}

func TestCollect_StopsAtLimitAndAsksForNoMore(t *testing.T) {
	var limits []string
	c := fakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limits = append(limits, q.Get("limit"))
		switch q.Get("cursor") {
		case "":
			fmt.Fprint(w, `{"items": [{"run_id": "a"}, {"run_id": "b"}], "next_cursor": "c1"}`)
		default:
			fmt.Fprint(w, `{"items": [{"run_id": "c"}, {"run_id": "d"}], "next_cursor": "c2"}`)
		}
	})
	var progress []int
	page := func(ctx context.Context, p Page) (*List[Run], error) { return c.ListRuns(ctx, RunFilter{}, p) }
	got, err := Collect(context.Background(), page, 3, func(n int) { progress = append(progress, n) })
	if err != nil || len(got) != 3 || got[2].RunID != "c" {
		t.Fatalf("Collect = %+v, %v", got, err)
	}
	if len(limits) != 2 || limits[0] != "3" || limits[1] != "1" || len(progress) != 1 || progress[0] != 2 {
		t.Fatalf("limits asked %v, progress %v", limits, progress)
	}
}
