package oidc_test

import (
	"context"
	"testing"

	"github.com/dataxpipe/catalog/internal/oidc"
	"github.com/dataxpipe/catalog/internal/oidctest"
)

func TestIdentityClaims(t *testing.T) {
	iss := oidctest.NewIssuer(t)
	// Real clock: the tokens' default iat and exp are wall-clock times.
	v := newVerifier(t, iss, nil)
	tests := []struct {
		name   string
		claims map[string]any
		want   oidc.Identity
	}{
		{
			name:   "all claims",
			claims: map[string]any{"sub": "u-42", "email": "ada@example.com", "name": "Ada Lovelace", "email_verified": true},
			want:   oidc.Identity{Subject: "u-42", Email: "ada@example.com", Name: "Ada Lovelace", EmailVerified: true},
		},
		{
			name:   "email_verified false",
			claims: map[string]any{"email": "bob@example.com", "email_verified": false},
			want:   oidc.Identity{Subject: oidctest.DefaultSubject, Email: "bob@example.com"},
		},
		{
			name:   "email_verified as string",
			claims: map[string]any{"email": "cy@example.com", "email_verified": "true"},
			want:   oidc.Identity{Subject: oidctest.DefaultSubject, Email: "cy@example.com", EmailVerified: true},
		},
		{
			name:   "only sub",
			claims: map[string]any{},
			want:   oidc.Identity{Subject: oidctest.DefaultSubject},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.claims["aud"] = audience
			got, err := v.Verify(context.Background(), iss.Token(t, tt.claims))
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			tt.want.Issuer = iss.URL()
			if got != tt.want {
				t.Errorf("identity = %+v, want %+v", got, tt.want)
			}
		})
	}
}
