package oidc_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/oidc"
	"github.com/dataxpipe/catalog/internal/oidctest"
)

// verifyAllRejected verifies tokens from several goroutines (the cooldown
// must hold under concurrency, not just in sequence) and wants all rejected.
func verifyAllRejected(t *testing.T, v *oidc.Verifier, tokens []string) {
	t.Helper()
	var wg sync.WaitGroup
	work := make(chan string)
	for range 16 {
		wg.Go(func() {
			for raw := range work {
				if _, err := v.Verify(context.Background(), raw); !errors.Is(err, oidc.ErrInvalidToken) {
					t.Errorf("Verify error = %v, want ErrInvalidToken", err)
				}
			}
		})
	}
	for _, raw := range tokens {
		work <- raw
	}
	close(work)
	wg.Wait()
}

func wantFetches(t *testing.T, iss *oidctest.Issuer, want int) {
	t.Helper()
	if got := iss.JWKSFetches(); got != want {
		t.Fatalf("JWKS fetches = %d, want %d", got, want)
	}
}

func TestUnknownKidFloodIsBounded(t *testing.T) {
	iss := oidctest.NewIssuer(t)
	clk := newClock()
	v := newVerifier(t, iss, clk)
	claims := map[string]any{"aud": audience}
	if _, err := v.Verify(context.Background(), iss.Token(t, claims)); err != nil {
		t.Fatalf("warm-up Verify: %v", err)
	}
	wantFetches(t, iss, 1)
	clk.Advance(time.Minute)

	// Random kids, plus the current kid with a wrong key: go-oidc refetches
	// on a failed signature too, so that must be bounded as well.
	rogue, _ := oidctest.NewKey(t)
	currentKid := headerKid(t, iss.Token(t, claims))
	tokens := make([]string, 1000)
	for n := range tokens {
		kid := fmt.Sprintf("rogue-%d", n)
		if n%10 == 0 {
			kid = currentKid
		}
		tokens[n] = iss.TokenWith(t, claims, oidctest.TokenOptions{Key: rogue, Kid: kid})
	}

	verifyAllRejected(t, v, tokens[:1])
	wantFetches(t, iss, 2) // the first unknown kid refetches once
	verifyAllRejected(t, v, tokens[1:])
	wantFetches(t, iss, 2) // the rest fall within the cooldown

	clk.Advance(time.Minute - time.Nanosecond)
	verifyAllRejected(t, v, tokens)
	wantFetches(t, iss, 2) // still within the cooldown

	clk.Advance(time.Nanosecond)
	verifyAllRejected(t, v, tokens)
	wantFetches(t, iss, 3) // one fetch per elapsed cooldown

	// The flood must not have disturbed the cached, legitimate key.
	if _, err := v.Verify(context.Background(), iss.Token(t, claims)); err != nil {
		t.Fatalf("Verify after flood: %v", err)
	}
	wantFetches(t, iss, 3)
}
