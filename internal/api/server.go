// Package api serves the JSON API of API.md over the catalog services.
// routes.go lists the whole surface; every route declares who may call it.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/prometheus/client_golang/prometheus"
)

// Store is everything the API needs of storage.
type Store interface {
	catalog.OrgService
	catalog.APIKeyService
	catalog.PipelineService
	catalog.AuditService
	catalog.MemberService
	catalog.PeopleService
	runStore     // runs and check results (runs.go)
	graphStore   // connections, datasets and lineage (graph.go)
	billingStore // Stripe customers and subscription state (billing.go)
	openLineageStore
	catalog.WebhookService // webhook endpoints and their deliveries (webhooks.go)
	LatePipelines(ctx context.Context, names []string) (map[string]time.Time, error)
	// FindPipelineWithLastRun is FindPipeline with the newest run of the
	// pipeline (nil for none) in one query: GET /pipelines/{name} answers
	// both.
	FindPipelineWithLastRun(ctx context.Context, name string) (*catalog.Pipeline, *catalog.Run, error)
	// Ping checks the database answers; Pending lists unapplied migrations.
	Ping(ctx context.Context) error
	Pending(ctx context.Context) ([]string, error)
	// ClassifyError turns a driver error a client can act on into a
	// *catalog.Error (a value it cannot store: EINVALID; the database
	// unreachable: EUNAVAILABLE) and returns any other error unchanged.
	ClassifyError(err error) error
}

// Options configure a Server.
type Options struct {
	Store   Store
	Auth    *auth.Authenticator
	Logger  *slog.Logger
	Billing Billing // nil: billing endpoints answer 503 billing_not_configured
	// RateLimit, when set, enforces per-organization and per-IP budgets.
	RateLimit *RateLimit
	// Metrics is the Prometheus registry served at /metrics (nil: a new one).
	Metrics *prometheus.Registry
	// StoreName labels this server's series on a registry that several
	// servers share (one per dedicated tenant store); "" is "shared".
	StoreName string
	Now       func() time.Time // nil: time.Now
	// UI serves every path that is neither a route of routeTable nor under
	// apiSpaces: the product UI's pages, with their own route table in
	// their own package. nil: such paths are problem+json 404s.
	UI http.Handler
	// WebhooksAllowHTTP accepts http:// webhook URLs (development); in
	// production only https is.
	WebhooksAllowHTTP bool
}

// Server is the API's http.Handler.
type Server struct {
	store       Store
	auth        *auth.Authenticator
	logger      *slog.Logger
	now         func() time.Time
	billing     Billing
	limits      *RateLimit
	httpMetrics *httpMetrics
	routes      []route
	ui          http.Handler
	handler     http.Handler

	webhooksAllowHTTP bool
}

// NewServer builds the handler with its routes and middleware.
func NewServer(o Options) *Server {
	s := &Server{store: o.Store, auth: o.Auth, logger: o.Logger, now: o.Now, billing: o.Billing, limits: o.RateLimit, ui: o.UI, webhooksAllowHTTP: o.WebhooksAllowHTTP}
	if o.Metrics == nil {
		o.Metrics = prometheus.NewRegistry()
	}
	s.httpMetrics = newHTTPMetrics(o.Metrics, o.StoreName)
	if s.auth != nil { // one invalidation point for cached credentials (credentials.go)
		s.store = watchStore(s.store, s.auth)
		if s.billing != nil {
			s.billing = watchedBilling{s.billing, s.auth}
		}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	s.routes = s.routeTable()
	mux := http.NewServeMux()
	// Recovery sits inside the access log and the metrics, so that a
	// panicking request is logged and counted as the 500 it answers.
	s.handler = s.withRequestID(s.withAccessLog(s.withRecover(s.withStorablePath(s.mount(mux)))))
	return s
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
