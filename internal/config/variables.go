package config

// Variable is one setting Load reads, described for help texts such as
// `dxp serve --help`.
type Variable struct {
	Name    string
	Default string // as a person reads it; "" when unset means off
	About   string
}

// Variables lists every variable Load reads, in the order help shows them.
// A test holds it to what Load actually reads, so help cannot fall behind.
// Each may also be read from the file named by <NAME>_FILE.
var Variables = []Variable{
	{"DATAXPIPE_DB", DefaultDB, "a SQLite file path, or postgres://..."},
	{"DATAXPIPE_ENV", "development when DATAXPIPE_DB is unset, else production", "development or production; scaffold keys exist only in development"},
	{"DATAXPIPE_ADDR", ":8000", "listen address, host:port"},
	{"DATAXPIPE_SECRET_KEY", "", "seals connection secrets, required in production: 32 bytes, base64 or hex (openssl rand -base64 32)"},
	{"DATAXPIPE_PG_POOL_MIN", "1", "Postgres connections kept open"},
	{"DATAXPIPE_PG_POOL_MAX", "10", "Postgres connections at most"},
	{"DATAXPIPE_RATE_LIMIT_ENABLED", "false", "per-organization request budgets"},
	{"DATAXPIPE_RATE_LIMIT_ANON_PER_MINUTE", "60", "per-IP budget of unauthenticated requests"},
	{"DATAXPIPE_REPLICAS", "1", "replicas sharing a budget, for the local fallback when Redis is down"},
	{"DATAXPIPE_REDIS_URL", "", "redis://... shares rate-limit budgets between replicas"},
	{"DATAXPIPE_OIDC_ISSUER", "", "OIDC issuer URL for people's sign-in (with DATAXPIPE_OIDC_AUDIENCE)"},
	{"DATAXPIPE_OIDC_AUDIENCE", "", "the audience OIDC tokens must carry"},
	{"DATAXPIPE_OIDC_CLIENT_ID", "the audience", "the web UI's OAuth client id (redirect URI: DATAXPIPE_APP_URL/auth/callback)"},
	{"DATAXPIPE_OIDC_CLIENT_SECRET", "", "the web UI's client secret; unset for a public client (PKCE alone)"},
	{"DATAXPIPE_PLATFORM_ADMINS", "", "comma-separated OIDC sub or email values of platform admins"},
	{"DATAXPIPE_TENANTS", "", "YAML file mapping hosts to dedicated stores (Postgres only)"},
	{"DATAXPIPE_APP_URL", "http://localhost:8000", "base of the links the server hands out"},
	{"DATAXPIPE_LINEAGE_EVENT_RETENTION", "720h", "how long raw OpenLineage events are kept"},
	{"DATAXPIPE_WEBHOOKS_ENABLED", "true", "deliver webhook events and scan for late pipelines in this process"},
	{"DATAXPIPE_WEBHOOK_TIMEOUT", "10s", "timeout of one webhook delivery attempt (at most 1m)"},
	{"DATAXPIPE_WEBHOOK_POLL", "1s", "how often an idle worker looks for due webhook deliveries"},
	{"DATAXPIPE_LATENESS_INTERVAL", "1m", "how often scheduled pipelines are checked for a late run"},
	{"DATAXPIPE_PPROF_ADDR", "", "host:port of a separate listener serving Go's profiles at /debug/pprof/ (e.g. 127.0.0.1:6060); off when unset"},
	{"STRIPE_SECRET_KEY", "", "turns billing on; then the other STRIPE_* settings are required"},
	{"STRIPE_WEBHOOK_SECRET", "", "verifies Stripe webhook signatures"},
	{"STRIPE_PRICE_TEAM", "", "Stripe price of the Team plan"},
	{"STRIPE_PRICE_BUSINESS", "", "Stripe price of the Business plan"},
	{"STRIPE_API_BASE", "https://api.stripe.com", "Stripe API base URL (stripe-mock in tests)"},
}
