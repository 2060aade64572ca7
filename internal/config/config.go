// Package config reads the server's settings from DATAXPIPE_* (and STRIPE_*)
// environment variables. Every variable may instead be read from a file named
// by <NAME>_FILE, which is how secrets arrive from orchestrators.
package config

import (
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"time"
)

// Config is the whole configuration, passed explicitly to what needs it.
type Config struct {
	Env                    string // development or production
	Addr                   string
	DB                     string // SQLite path or postgres:// URL
	SecretKey              string
	PGPoolMin, PGPoolMax   int
	RateLimitEnabled       bool
	RateLimitAnonPerMinute int
	Replicas               int
	RedisURL               string
	OIDCIssuer             string
	OIDCAudience           string
	OIDCClientID           string // the web UI's OAuth client; defaults to OIDCAudience
	OIDCClientSecret       string // "" for a public client (PKCE alone)
	PlatformAdmins         []string
	TenantsFile            string
	AppURL                 string
	LineageRetention       time.Duration
	Webhooks               Webhooks
	PprofAddr              string // "" (off): where Go's profiles are served, on a listener of their own
	Stripe                 Stripe
}

// Webhooks tunes the delivery of webhook events and the lateness scan.
type Webhooks struct {
	Enabled          bool          // run the delivery worker and lateness scan in this process
	Timeout          time.Duration // of one delivery attempt
	Poll             time.Duration // between looks at the outbox when it is empty
	LatenessInterval time.Duration // between lateness scans
}

// Stripe holds the billing settings; billing is off without SecretKey.
type Stripe struct {
	SecretKey, WebhookSecret, PriceTeam, PriceBusiness, APIBase string
}

// Development reports whether scaffold keys and other conveniences are on.
func (c Config) Development() bool { return c.Env == "development" }

// DefaultDB is the SQLite file used when DATAXPIPE_DB is unset.
const DefaultDB = "dataxpipe.db"

// Load reads the configuration through getenv and reports every problem at
// once, so a broken deployment is fixed in one round.
func Load(getenv func(string) string) (Config, error) {
	r := reader{getenv: getenv}
	c := Config{
		DB:                     r.str("DATAXPIPE_DB", ""),
		Addr:                   r.str("DATAXPIPE_ADDR", ":8000"),
		SecretKey:              r.str("DATAXPIPE_SECRET_KEY", ""),
		PGPoolMin:              r.int("DATAXPIPE_PG_POOL_MIN", 1),
		PGPoolMax:              r.int("DATAXPIPE_PG_POOL_MAX", 10),
		RateLimitEnabled:       r.bool("DATAXPIPE_RATE_LIMIT_ENABLED", false),
		RateLimitAnonPerMinute: r.int("DATAXPIPE_RATE_LIMIT_ANON_PER_MINUTE", 60),
		Replicas:               r.int("DATAXPIPE_REPLICAS", 1),
		RedisURL:               r.str("DATAXPIPE_REDIS_URL", ""),
		OIDCIssuer:             r.str("DATAXPIPE_OIDC_ISSUER", ""),
		OIDCAudience:           r.str("DATAXPIPE_OIDC_AUDIENCE", ""),
		OIDCClientSecret:       r.str("DATAXPIPE_OIDC_CLIENT_SECRET", ""),
		PlatformAdmins:         r.list("DATAXPIPE_PLATFORM_ADMINS"),
		TenantsFile:            r.str("DATAXPIPE_TENANTS", ""),
		AppURL:                 strings.TrimRight(r.str("DATAXPIPE_APP_URL", "http://localhost:8000"), "/"),
		LineageRetention:       r.duration("DATAXPIPE_LINEAGE_EVENT_RETENTION", 30*24*time.Hour),
		Webhooks: Webhooks{
			Enabled:          r.bool("DATAXPIPE_WEBHOOKS_ENABLED", true),
			Timeout:          r.duration("DATAXPIPE_WEBHOOK_TIMEOUT", 10*time.Second),
			Poll:             r.duration("DATAXPIPE_WEBHOOK_POLL", time.Second),
			LatenessInterval: r.duration("DATAXPIPE_LATENESS_INTERVAL", time.Minute),
		},
		PprofAddr: r.str("DATAXPIPE_PPROF_ADDR", ""),
		Stripe: Stripe{
			SecretKey:     r.str("STRIPE_SECRET_KEY", ""),
			WebhookSecret: r.str("STRIPE_WEBHOOK_SECRET", ""),
			PriceTeam:     r.str("STRIPE_PRICE_TEAM", ""),
			PriceBusiness: r.str("STRIPE_PRICE_BUSINESS", ""),
			APIBase:       r.str("STRIPE_API_BASE", ""),
		},
	}
	// Development is the default only for the embedded SQLite default, so a
	// deployment that names its database never gets scaffold keys by accident.
	defaultEnv := "production"
	if c.DB == "" {
		defaultEnv = "development"
		c.DB = DefaultDB
	}
	c.Env = r.str("DATAXPIPE_ENV", defaultEnv)
	c.OIDCClientID = r.str("DATAXPIPE_OIDC_CLIENT_ID", c.OIDCAudience)
	r.problems = append(r.problems, c.validate()...)
	if len(r.problems) > 0 {
		sort.Strings(r.problems)
		return c, errors.New("invalid configuration:\n  - " + strings.Join(r.problems, "\n  - "))
	}
	return c, nil
}

func (c Config) validate() []string {
	var p []string
	if c.Env != "development" && c.Env != "production" {
		p = append(p, fmt.Sprintf("DATAXPIPE_ENV is %q; use development or production", c.Env))
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		p = append(p, fmt.Sprintf("DATAXPIPE_ADDR is %q; use host:port such as :8000", c.Addr))
	}
	p = append(p, c.validatePprof()...)
	if c.PGPoolMin < 0 || c.PGPoolMax < 1 || c.PGPoolMin > c.PGPoolMax {
		p = append(p, "DATAXPIPE_PG_POOL_MIN and DATAXPIPE_PG_POOL_MAX need 0 <= min <= max and max >= 1")
	}
	if c.RateLimitAnonPerMinute < 1 {
		p = append(p, "DATAXPIPE_RATE_LIMIT_ANON_PER_MINUTE must be at least 1")
	}
	if c.Replicas < 1 {
		p = append(p, "DATAXPIPE_REPLICAS must be at least 1")
	}
	if c.SecretKey != "" {
		if _, err := DecodeSecretKey(c.SecretKey); err != nil {
			p = append(p, "DATAXPIPE_SECRET_KEY: "+err.Error())
		}
	} else if c.Env == "production" {
		p = append(p, "DATAXPIPE_SECRET_KEY is required in production (32 random bytes, base64 or hex: openssl rand -base64 32)")
	}
	if c.Webhooks.Timeout <= 0 || c.Webhooks.Timeout > time.Minute {
		p = append(p, "DATAXPIPE_WEBHOOK_TIMEOUT must be more than 0 and at most 1m")
	}
	if c.Webhooks.Poll <= 0 || c.Webhooks.LatenessInterval <= 0 {
		p = append(p, "DATAXPIPE_WEBHOOK_POLL and DATAXPIPE_LATENESS_INTERVAL must be more than 0")
	}
	if (c.OIDCIssuer == "") != (c.OIDCAudience == "") {
		p = append(p, "DATAXPIPE_OIDC_ISSUER and DATAXPIPE_OIDC_AUDIENCE must be set together")
	}
	if c.OIDCIssuer == "" && (c.OIDCClientSecret != "" || c.OIDCClientID != c.OIDCAudience) {
		p = append(p, "DATAXPIPE_OIDC_CLIENT_ID and DATAXPIPE_OIDC_CLIENT_SECRET need DATAXPIPE_OIDC_ISSUER (and _AUDIENCE)")
	}
	return p
}

// validatePprof keeps the profiles off the public listener: they show the
// process's memory and can stall it (a CPU profile runs for seconds), so
// they get an address of their own, meant for loopback or a private network.
func (c Config) validatePprof() []string {
	if c.PprofAddr == "" {
		return nil
	}
	_, port, err := net.SplitHostPort(c.PprofAddr)
	if err != nil {
		return []string{fmt.Sprintf("DATAXPIPE_PPROF_ADDR is %q; use host:port such as 127.0.0.1:6060", c.PprofAddr)}
	}
	if _, public, err := net.SplitHostPort(c.Addr); err == nil && port == public && port != "0" {
		return []string{fmt.Sprintf("DATAXPIPE_PPROF_ADDR (%s) must not share DATAXPIPE_ADDR's port (%s): profiles never go on the public listener", c.PprofAddr, c.Addr)}
	}
	return nil
}
