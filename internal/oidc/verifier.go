package oidc

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
)

// Verifier checks bearer JWTs against one issuer. It is safe for concurrent
// use and meant to live as long as the process, so its key cache and
// refetch cooldown are shared by all requests.
type Verifier struct {
	idv  *gooidc.IDTokenVerifier
	algs []string
	now  func() time.Time
}

// New performs OIDC discovery once and builds one long-lived verifier.
// ctx bounds discovery only; the verifier does not keep it.
func New(ctx context.Context, cfg Config) (*Verifier, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	// NewProvider also checks that the discovery document names cfg.Issuer.
	provider, err := gooidc.NewProvider(gooidc.ClientContext(ctx, cfg.HTTPClient), cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("oidc: discovery for %q: %w", cfg.Issuer, err)
	}
	var meta struct {
		JWKSURL string `json:"jwks_uri"`
	}
	if err := provider.Claims(&meta); err != nil || meta.JWKSURL == "" {
		return nil, fmt.Errorf("oidc: discovery for %q: no jwks_uri", cfg.Issuer)
	}
	// The key set is built by hand (not provider.Verifier) so that its JWKS
	// requests go through the cooldown gate; see cooldown.go. It gets a
	// background context because it outlives ctx.
	jwksClient := newJWKSClient(cfg.HTTPClient, cfg.RefetchCooldown, cfg.Now)
	keySet := gooidc.NewRemoteKeySet(gooidc.ClientContext(context.Background(), jwksClient), meta.JWKSURL)
	idv := gooidc.NewVerifier(cfg.Issuer, keySet, &gooidc.Config{
		ClientID:             cfg.Audience,
		SupportedSigningAlgs: cfg.Algorithms,
		Now:                  cfg.Now,
	})
	return &Verifier{idv: idv, algs: cfg.Algorithms, now: cfg.Now}, nil
}

// Verify checks signature (algorithm allowlist), issuer, audience, exp, nbf
// and iat, and returns the identity. Every failure wraps ErrInvalidToken.
func (v *Verifier) Verify(ctx context.Context, rawJWT string) (Identity, error) {
	// go-oidc also enforces the allowlist before using keys; checking here
	// first makes that guarantee ours and gives a clearer reason for logs.
	if err := v.checkAlg(rawJWT); err != nil {
		return Identity{}, invalid(err)
	}
	// go-oidc checks the signature, iss, aud (must contain Audience) and exp.
	tok, err := v.idv.Verify(ctx, rawJWT)
	if err != nil {
		return Identity{}, invalid(err)
	}
	var c claims
	if err := tok.Claims(&c); err != nil {
		return Identity{}, invalid(fmt.Errorf("decoding claims: %v", err))
	}
	if err := c.checkTimes(v.now(), tok.Expiry); err != nil {
		return Identity{}, invalid(err)
	}
	// Users are keyed by (iss, sub); a token without sub identifies nobody.
	if tok.Subject == "" {
		return Identity{}, invalid(errors.New("missing sub"))
	}
	return Identity{
		Issuer:        tok.Issuer,
		Subject:       tok.Subject,
		Email:         c.Email,
		Name:          c.Name,
		EmailVerified: bool(c.EmailVerified),
	}, nil
}

// checkAlg rejects a token whose header alg is not allowlisted, reading only
// the header, so that no key lookup (and no JWKS fetch) can happen for it.
func (v *Verifier) checkAlg(rawJWT string) error {
	header, _, ok := strings.Cut(rawJWT, ".")
	if !ok {
		return errors.New("malformed jwt")
	}
	b, err := base64.RawURLEncoding.DecodeString(header)
	if err != nil {
		return errors.New("malformed jwt header")
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return errors.New("malformed jwt header")
	}
	if !slices.Contains(v.algs, h.Alg) {
		return fmt.Errorf("algorithm %q not allowed", h.Alg)
	}
	return nil
}

// invalid wraps a failure reason in ErrInvalidToken. The reason is kept as
// text only: callers must treat all failures alike.
func invalid(reason error) error {
	return fmt.Errorf("%w: %v", ErrInvalidToken, reason)
}
