package oidc_test

import (
	"context"
	"testing"

	"github.com/dataxpipe/catalog/internal/oidc"
	"github.com/dataxpipe/catalog/internal/oidctest"
)

func TestNewRejectsBadConfig(t *testing.T) {
	iss := oidctest.NewIssuer(t)
	tests := []struct {
		name string
		cfg  oidc.Config
	}{
		{"no issuer", oidc.Config{Audience: audience}},
		{"no audience", oidc.Config{Issuer: iss.URL()}},
		{"alg none", oidc.Config{Issuer: iss.URL(), Audience: audience, Algorithms: []string{"RS256", "none"}}},
		{"alg HS256", oidc.Config{Issuer: iss.URL(), Audience: audience, Algorithms: []string{"HS256"}}},
		{"alg hs512 lowercase", oidc.Config{Issuer: iss.URL(), Audience: audience, Algorithms: []string{"hs512"}}},
		{"issuer mismatch", oidc.Config{Issuer: iss.URL() + "/", Audience: audience}},
		{"no discovery", oidc.Config{Issuer: iss.URL() + "/nowhere", Audience: audience}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := oidc.New(context.Background(), tt.cfg); err == nil {
				t.Fatal("New succeeded, want error")
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	iss := oidctest.NewIssuer(t)
	v, err := oidc.New(context.Background(), oidc.Config{Issuer: iss.URL(), Audience: audience})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if _, err := v.Verify(context.Background(), iss.Token(t, map[string]any{"aud": audience})); err != nil {
		t.Fatalf("Verify with default config: %v", err)
	}
}
