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
	if err := verifySettled(v, newToken); err != nil {
		t.Fatalf("Verify with rotated key: %v", err)
	}
	wantFetches(t, iss, 2)
	if _, err := v.Verify(context.Background(), newToken); err != nil {
		t.Fatalf("Verify with rotated key again: %v", err)
	}
	wantFetches(t, iss, 2) // now cached

	// The old key was dropped from the JWKS and from the cache with it. go-oidc
	// swaps its cached keys in a goroutine just after handing the fetch's
	// result to the waiting call, so for a moment the old cache can still
	// answer: the refusal must come, and soon, but not necessarily at once.
	var err error
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, err = v.Verify(context.Background(), oldToken); err != nil {
			break
		}
	}
	if !errors.Is(err, oidc.ErrInvalidToken) {
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
	if err := verifySettled(v, newToken); err != nil {
		t.Fatalf("Verify after cooldown: %v", err)
	}
	wantFetches(t, iss, 2)
}

// verifySettled verifies, retrying briefly: go-oidc's RemoteKeySet clears
// its in-flight fetch in a goroutine after answering, so a call right after
// a fetch may still be handed that fetch's result. A retry neither fetches
// twice nor hides a real refusal (the fetch counts are asserted apart).
func verifySettled(v *oidc.Verifier, token string) error {
	var err error
	for i := 0; i < 20; i++ {
		if _, err = v.Verify(context.Background(), token); err == nil {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return err
}
