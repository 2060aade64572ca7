package oidc_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/oidc"
	"github.com/dataxpipe/catalog/internal/oidctest"
)

// TestVerify runs each token past a fresh verifier (so its key cache starts
// empty) on a clock fixed at now.
func TestVerify(t *testing.T) {
	iss := oidctest.NewIssuer(t)
	clk := newClock()
	now := clk.Now()
	at := func(d time.Duration) int64 { return now.Add(d).Unix() }
	stranger, _ := oidctest.NewKey(t)
	currentKid := headerKid(t, iss.Token(t, nil))

	tests := []struct {
		name   string
		claims map[string]any
		opts   oidctest.TokenOptions
		ok     bool
		// noFetch: rejected before any key lookup, so the JWKS is not fetched.
		noFetch bool
	}{
		{name: "valid", claims: map[string]any{"aud": audience}, ok: true},
		{name: "audience list containing ours", claims: map[string]any{"aud": []string{"other", audience}}, ok: true},
		{name: "wrong issuer", claims: map[string]any{"aud": audience, "iss": "https://evil.example"}},
		{name: "wrong audience", claims: map[string]any{"aud": "other-app"}},
		{name: "no audience", claims: map[string]any{}},
		{name: "expired by 1s", claims: map[string]any{"aud": audience, "exp": at(-time.Second)}},
		{name: "expires exactly now", claims: map[string]any{"aud": audience, "exp": at(0)}},
		{name: "no exp", claims: map[string]any{"aud": audience, "exp": nil}},
		{name: "nbf beyond skew", claims: map[string]any{"aud": audience, "nbf": at(31 * time.Second)}},
		{name: "nbf within skew", claims: map[string]any{"aud": audience, "nbf": at(30 * time.Second)}, ok: true},
		{name: "iat beyond skew", claims: map[string]any{"aud": audience, "iat": at(31 * time.Second)}},
		{name: "iat within skew", claims: map[string]any{"aud": audience, "iat": at(30 * time.Second)}, ok: true},
		{name: "no sub", claims: map[string]any{"aud": audience, "sub": nil}},
		{name: "alg none", claims: map[string]any{"aud": audience}, opts: oidctest.TokenOptions{Alg: "none"}, noFetch: true},
		{name: "HS256 keyed with public key", claims: map[string]any{"aud": audience}, opts: oidctest.TokenOptions{Alg: "HS256"}, noFetch: true},
		{name: "RS384 not allowlisted", claims: map[string]any{"aud": audience}, opts: oidctest.TokenOptions{Alg: "RS384"}, noFetch: true},
		{name: "known kid, wrong key", claims: map[string]any{"aud": audience}, opts: oidctest.TokenOptions{Key: stranger, Kid: currentKid}},
		{name: "unknown key and kid", claims: map[string]any{"aud": audience}, opts: oidctest.TokenOptions{Key: stranger}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVerifier(t, iss, clk)
			// Pin iat to the fixed clock: the issuer's default is wall-clock
			// time, which would drift past the skew on a very slow run.
			if _, set := tt.claims["iat"]; !set {
				tt.claims["iat"] = now.Unix()
			}
			raw := iss.TokenWith(t, tt.claims, tt.opts)
			before := iss.JWKSFetches()
			id, err := v.Verify(context.Background(), raw)
			if tt.ok {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if id.Subject != oidctest.DefaultSubject || id.Issuer != iss.URL() {
					t.Errorf("identity = %+v, want sub %q iss %q", id, oidctest.DefaultSubject, iss.URL())
				}
				return
			}
			if !errors.Is(err, oidc.ErrInvalidToken) {
				t.Fatalf("Verify error = %v, want ErrInvalidToken", err)
			}
			if tt.noFetch && iss.JWKSFetches() != before {
				t.Errorf("JWKS fetched %d times for a disallowed alg, want 0", iss.JWKSFetches()-before)
			}
			t.Logf("rejected as expected: %v", err)
		})
	}
}

func TestVerifyGarbage(t *testing.T) {
	iss := oidctest.NewIssuer(t)
	v := newVerifier(t, iss, newClock())
	for _, raw := range []string{"", "abc", "a.b.c", "dxp_live_123", "eyJhbGciOiJSUzI1NiJ9.e30."} {
		if _, err := v.Verify(context.Background(), raw); !errors.Is(err, oidc.ErrInvalidToken) {
			t.Errorf("Verify(%q) error = %v, want ErrInvalidToken", raw, err)
		}
	}
}
