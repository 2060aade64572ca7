package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// httpMetrics counts requests by route pattern (never by raw path, which
// would make one series per pipeline name) and status. Several servers (one
// per dedicated tenant store) share one registry: the first registers the
// vectors, the others find them registered and use them too, each curried
// with its own store label, so every server's requests are counted.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration prometheus.ObserverVec
	handler  http.Handler
	olCaps   *prometheus.CounterVec // openlineage_caps.go
}

func newHTTPMetrics(reg *prometheus.Registry, store string) *httpMetrics {
	if store == "" {
		store = "shared"
	}
	requests := register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{Name: "dataxpipe_http_requests_total",
		Help: "HTTP requests by store, route and status."}, []string{"store", "method", "route", "status"}))
	duration := register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "dataxpipe_http_request_duration_seconds",
		Help: "HTTP request latency by store and route.", Buckets: prometheus.DefBuckets}, []string{"store", "method", "route"}))
	register[prometheus.Collector](reg, collectors.NewGoCollector())
	register[prometheus.Collector](reg, collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	olCaps := register(reg, newOpenLineageCaps())
	byStore := prometheus.Labels{"store": store}
	return &httpMetrics{
		requests: requests.MustCurryWith(byStore),
		duration: duration.MustCurryWith(byStore),
		handler:  promhttp.HandlerFor(reg, promhttp.HandlerOpts{}),
		olCaps:   olCaps,
	}
}

// register adds c to reg, or returns the equal collector registered before
// (by another server on the same registry).
func register[C prometheus.Collector](reg *prometheus.Registry, c C) C {
	err := reg.Register(c)
	var dup prometheus.AlreadyRegisteredError
	switch {
	case err == nil:
		return c
	case errors.As(err, &dup):
		if existing, ok := dup.ExistingCollector.(C); ok {
			return existing
		}
		return c
	default:
		panic(err) // a name clash with different labels: a programming error
	}
}

func (m *httpMetrics) observe(r *http.Request, status int, took time.Duration) {
	route := r.Pattern
	if route == "" || route == "/" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(r.Method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(r.Method, route).Observe(took.Seconds())
}

// metrics serves the Prometheus registry.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) error {
	s.httpMetrics.handler.ServeHTTP(w, r)
	return nil
}
