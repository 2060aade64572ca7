// Package oidc verifies the OIDC bearer JWTs that the product UI sends on
// behalf of signed-in people, and turns them into an Identity.
//
// Only verification lives here: membership and roles are resolved elsewhere
// from the (Issuer, Subject) pair.
package oidc

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ErrInvalidToken is returned (wrapped with a reason meant for logs) for every
// verification failure, so callers can answer with one uniform 401.
var ErrInvalidToken = errors.New("invalid token")

// Identity is who a verified token speaks for. Users are keyed by
// (Issuer, Subject); Email and Name are informational claims.
type Identity struct {
	Issuer, Subject, Email, Name string
	EmailVerified                bool
}

// Config configures a Verifier. Issuer and Audience come from
// DATAXPIPE_OIDC_ISSUER and DATAXPIPE_OIDC_AUDIENCE.
type Config struct {
	Issuer, Audience string
	// Algorithms is the allowlist of JWS algorithms; default {"RS256","ES256"}.
	// "none" and HMAC algorithms are refused by New.
	Algorithms []string
	// RefetchCooldown is the minimum time between JWKS fetches; default 1m.
	RefetchCooldown time.Duration
	// HTTPClient is used for discovery and JWKS fetches; optional.
	HTTPClient *http.Client
	// Now is the clock, for tests; optional.
	Now func() time.Time
}

const (
	defaultCooldown = time.Minute
	// clockSkew is tolerated for nbf and iat only; exp is checked strictly.
	clockSkew = 30 * time.Second
	// jwksTimeout bounds JWKS requests when the caller's client has no
	// timeout. go-oidc fetches with a context that is never cancelled, so
	// without it one hung fetch would block every later refetch.
	jwksTimeout = 10 * time.Second
)

var defaultAlgorithms = []string{"RS256", "ES256"}

// withDefaults validates cfg and returns a copy with defaults filled in.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Issuer == "" {
		return cfg, errors.New("oidc: issuer is required")
	}
	// An empty audience would make go-oidc refuse every token at best, or
	// tempt someone into SkipClientIDCheck at worst; fail at startup instead.
	if cfg.Audience == "" {
		return cfg, errors.New("oidc: audience is required")
	}
	if len(cfg.Algorithms) == 0 {
		cfg.Algorithms = defaultAlgorithms
	}
	// Copy so later changes to the caller's slice cannot widen the allowlist.
	cfg.Algorithms = append([]string(nil), cfg.Algorithms...)
	for _, alg := range cfg.Algorithms {
		// "none" means no signature; HS* would treat a public key as a shared
		// secret (the classic algorithm-confusion attack).
		if strings.EqualFold(alg, "none") || strings.HasPrefix(strings.ToUpper(alg), "HS") {
			return cfg, fmt.Errorf("oidc: algorithm %q is not allowed", alg)
		}
	}
	if cfg.RefetchCooldown <= 0 {
		cfg.RefetchCooldown = defaultCooldown
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg, nil
}
