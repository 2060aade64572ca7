package api_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/api"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// counter sums the samples of a counter whose labels include want.
func counter(t *testing.T, reg *prometheus.Registry, name string, want map[string]string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if labels[k] != v {
					continue metrics
				}
			}
			sum += counterValue(m)
		}
	}
	return sum
}

func counterValue(m *dto.Metric) float64 { return m.GetCounter().GetValue() }

// TestMetrics_EveryServerOnASharedRegistry: with dedicated tenant stores one
// process runs several servers on one registry; each one's requests are
// counted under its store label, and /metrics of any server shows all.
func TestMetrics_EveryServerOnASharedRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	shared := newEnv(t, sqlstoretest.Open(t, sqlstore.SQLite))
	tenant := newEnv(t, sqlstoretest.Open(t, sqlstore.SQLite))
	shared.srv = api.NewServer(api.Options{Store: shared.db, Auth: shared.auth, Now: shared.clock.Now, Metrics: reg})
	tenant.srv = api.NewServer(api.Options{Store: tenant.db, Auth: tenant.auth, Now: tenant.clock.Now, Metrics: reg, StoreName: "a.api.test"})
	for range 2 {
		shared.do("GET", "/healthz", "", "").expect(200)
	}
	for range 3 {
		tenant.do("GET", "/healthz", "", "").expect(200)
	}
	route := map[string]string{"route": "GET /healthz", "status": "200"}
	if got := counter(t, reg, "dataxpipe_http_requests_total", route); got != 5 {
		t.Fatalf("requests counted over both servers: %v, want 5", got)
	}
	if got := counter(t, reg, "dataxpipe_http_requests_total", map[string]string{"route": "GET /healthz", "store": "a.api.test"}); got != 3 {
		t.Fatalf("the tenant server's requests: %v, want 3", got)
	}
	rec := httptest.NewRecorder()
	tenant.srv.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if body := rec.Body.String(); !strings.Contains(body, `store="shared"`) || !strings.Contains(body, `store="a.api.test"`) {
		t.Fatalf("/metrics lacks a server:\n%.2000s", body)
	}
}
