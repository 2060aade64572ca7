package web

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/billing"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/ratelimit"
)

// Store is what the pages need of storage: the services internal/api
// calls, plus the web sessions.
type Store interface {
	catalog.OrgService
	catalog.APIKeyService
	catalog.PipelineService
	catalog.AuditService
	catalog.MemberService
	catalog.PeopleService
	catalog.RunService
	catalog.CheckService
	catalog.ConnectionService
	catalog.LineageService
	catalog.ImpactService
	catalog.OpenLineageEventService
	catalog.SessionService
	catalog.WebhookService
	LatePipelines(ctx context.Context, names []string) (map[string]time.Time, error)
}

// Billing is the part of the Stripe use case the billing page starts
// (*billing.Service, or the API's Billing).
type Billing interface {
	Checkout(ctx context.Context, org *catalog.Org, plan, priceID string) (billing.Session, error)
	Portal(ctx context.Context, org *catalog.Org) (billing.Session, error)
}

// Options configure the UI.
type Options struct {
	Store Store
	// Auth, when set, watches the writes that change what a credential may
	// do (auth.Watch), so cached keys and people see them at once.
	Auth   *auth.Authenticator
	Config config.Config // AppURL, OIDC settings, platform admins, development mode
	// Billing is nil when Stripe is not configured.
	Billing Billing
	Logger  *slog.Logger
	// Scaffold offers the development sign-in as the dev organization's
	// admin, member or viewer. It is honoured only when Config is in
	// development mode, so production never has it.
	Scaffold bool
	// LineagePause, for tests only, is called in the middle of every
	// lineage layout with the request's context (lineagedraw.Options.Pause).
	LineagePause func(ctx context.Context)
	// OpenAPI is the API's OpenAPI document (api.OpenAPI), rendered as the
	// reference page /docs/api; nil: no page.
	OpenAPI func() map[string]any
	// Limiter is the API's rate limiter (api.RateLimit.Limiter), nil when
	// rate limiting is off. Each person's page views spend their own budget
	// in it (ratelimit.go), and the billing page peeks at the
	// organization's API budget.
	Limiter ratelimit.Limiter
	// HTTPClient reaches the OIDC issuer (nil: a client with a 15 s timeout).
	HTTPClient *http.Client
	Now        func() time.Time
}

// Session lifetimes. A session ends IdleLifetime after its last request or
// AbsoluteLifetime after sign-in, whichever comes first.
const (
	IdleLifetime     = 12 * time.Hour
	AbsoluteLifetime = 7 * 24 * time.Hour
)

// UI serves the pages. internal/api mounts it for every path outside its
// own (api.Options.UI), so the API's request ids, recovery, access log and
// metrics cover the pages too.
type UI struct {
	store    Store
	writes   auth.CredentialWrites // the store, watched by the authenticator
	cfg      config.Config
	billing  Billing
	logger   *slog.Logger
	scaffold bool
	client   *http.Client
	// lineagePause is Options.LineagePause.
	lineagePause func(ctx context.Context)
	limiter      ratelimit.Limiter
	now          func() time.Time
	pages        []page
	handler      http.Handler

	oidcMu sync.Mutex
	oidc   *oidcClient // discovered on first use

	openAPI func() map[string]any
	apiRefCache
}

// New builds the UI handler, for api.Options.UI.
func New(o Options) *UI {
	u := &UI{store: o.Store, writes: o.Store, cfg: o.Config, billing: o.Billing, logger: o.Logger,
		scaffold: o.Scaffold && o.Config.Development(), client: o.HTTPClient, lineagePause: o.LineagePause, limiter: o.Limiter, now: o.Now, openAPI: o.OpenAPI}
	if u.logger == nil {
		u.logger = slog.New(slog.DiscardHandler)
	}
	if u.now == nil {
		u.now = time.Now
	}
	if u.client == nil {
		u.client = &http.Client{Timeout: 15 * time.Second} // the issuer must not hold a sign-in forever
	}
	if o.Auth != nil {
		u.writes = o.Auth.Watch(o.Store)
	}
	u.pages = u.routes()
	mux := http.NewServeMux()
	u.mount(mux)
	csrf := http.NewCrossOriginProtection()
	// Behind a proxy that rewrites Host, the browser's Origin is still the
	// public URL: trust it explicitly.
	if err := csrf.AddTrustedOrigin(u.cfg.AppURL); err != nil {
		u.logger.Warn("DATAXPIPE_APP_URL is not an origin; cross-origin checks use Host only", "app_url", u.cfg.AppURL, "err", err)
	}
	csrf.SetDenyHandler(http.HandlerFunc(u.csrfRefused))
	u.handler = withSecurityHeaders(csrf.Handler(mux))
	return u
}

// ServeHTTP serves one page.
func (u *UI) ServeHTTP(w http.ResponseWriter, r *http.Request) { u.handler.ServeHTTP(w, r) }

// withSecurityHeaders sets the headers every page carries. The policy
// allows scripts and styles only from our own origin (no inline script, so
// an injected <script> would not run even if escaping failed), no framing,
// and no referrer to other origins. form-action is left open because the
// billing forms end in a redirect to Stripe.
func withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self'; base-uri 'none'; frame-ancestors 'none'")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// csrfRefused answers a cross-origin state-changing request.
func (u *UI) csrfRefused(w http.ResponseWriter, r *http.Request) {
	u.renderError(w, r, nil, http.StatusForbidden, "Request refused",
		"This form was sent from another site, so it was not carried out. Go back to the page and send it again.")
}
