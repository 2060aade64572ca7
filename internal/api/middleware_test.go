package api_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/api"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/prometheus/client_golang/prometheus"
)

// panickingStore injects a failure: listing audit events panics.
type panickingStore struct{ *sqlstore.DB }

func (panickingStore) ListAuditEvents(context.Context, catalog.AuditFilter) ([]*catalog.AuditEvent, string, error) {
	panic("injected failure")
}

// TestMiddleware_PanicIsLoggedAndCounted: a panicking request answers a
// bare 500 and, like every request, gets its access-log line and its count
// in the metrics (recovery sits inside both).
func TestMiddleware_PanicIsLoggedAndCounted(t *testing.T) {
	e := sqliteEnv(t)
	reg := prometheus.NewRegistry()
	e.srv = api.NewServer(api.Options{Store: panickingStore{e.db}, Auth: e.auth, Now: e.clock.Now, Metrics: reg,
		Logger: slog.New(slog.NewTextHandler(e.logs, nil))})
	res := e.do("GET", "/api/v1/audit-events/", "admin-key", "").expect(500)
	if body := res.Body.String(); strings.Contains(body, "injected") || strings.Contains(body, "goroutine") {
		t.Fatalf("the 500 shows the panic: %s", body)
	}
	id := res.Header().Get("X-Request-ID")
	logs := e.logs.String()
	if !strings.Contains(logs, `msg=request request_id=`+id) || !strings.Contains(logs, "status=500") {
		t.Fatalf("no access-log line for the panicking request %s:\n%s", id, logs)
	}
	if !strings.Contains(logs, "injected failure") {
		t.Fatalf("the panic is not in the log:\n%s", logs)
	}
	if got := counter(t, reg, "dataxpipe_http_requests_total", map[string]string{"route": "GET /api/v1/audit-events/{$}", "status": "500"}); got != 1 {
		t.Fatalf("500s counted for the route: %v, want 1", got)
	}
}
