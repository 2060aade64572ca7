package oidc_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/oidc"
	"github.com/dataxpipe/catalog/internal/oidctest"
)

func TestRotatedKeyAcceptedAfterOneRefetch(t *testing.T) {
	iss := oidctest.NewIssuer(t)
	clk := newClock()
	v := newVerifier(t, iss, clk)
	claims := map[string]any{"aud": audience}
	oldToken := iss.Token(t, claims)
	if _, err := v.Verify(context.Background(), oldToken); err != nil {
		t.Fatalf("Verify before rotation: %v", err)
	}
	wantFetches(t, iss, 1)

	iss.RotateKey(t)
	newToken := iss.Token(t, claims)
	clk.Advance(time.Minute)
	if _, err := v.Verify(context.Background(), newToken); err != nil {
		t.Fatalf("Verify with rotated key: %v", err)
	}
	wantFetches(t, iss, 2)
	if _, err := v.Verify(context.Background(), newToken); err != nil {
		t.Fatalf("Verify with rotated key again: %v", err)
	}
	wantFetches(t, iss, 2) // now cached

	// The old key was dropped from the JWKS and from the cache with it.
	if _, err := v.Verify(context.Background(), oldToken); !errors.Is(err, oidc.ErrInvalidToken) {
		t.Fatalf("Verify with retired key: error = %v, want ErrInvalidToken", err)
	}
}

// A key rotated within the cooldown of the last fetch is the documented
// cost of the bound: rejected until the cooldown ends, then accepted.
func TestRotationWithinCooldownWaits(t *testing.T) {
	iss := oidctest.NewIssuer(t)
	clk := newClock()
	v := newVerifier(t, iss, clk)
	claims := map[string]any{"aud": audience}
	if _, err := v.Verify(context.Background(), iss.Token(t, claims)); err != nil {
		t.Fatalf("Verify before rotation: %v", err)
	}
	iss.RotateKey(t)
	newToken := iss.Token(t, claims)
	clk.Advance(30 * time.Second)
	if _, err := v.Verify(context.Background(), newToken); !errors.Is(err, oidc.ErrInvalidToken) {
		t.Fatalf("Verify within cooldown: error = %v, want ErrInvalidToken", err)
	}
	wantFetches(t, iss, 1)
	clk.Advance(30 * time.Second)
	if _, err := v.Verify(context.Background(), newToken); err != nil {
		t.Fatalf("Verify after cooldown: %v", err)
	}
	wantFetches(t, iss, 2)
}
