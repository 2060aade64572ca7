package oidc_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/oidc"
	"github.com/dataxpipe/catalog/internal/oidctest"
)

const audience = "dataxpipe-catalog"

// clock is a settable clock shared by the verifier and the test; it is
// locked because flood tests verify from many goroutines.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

// newClock starts at a whole second so claims built from it compare exactly.
func newClock() *clock { return &clock{t: time.Unix(time.Now().Unix(), 0)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newVerifier builds a verifier for iss with a one-minute cooldown, on clk
// or, if clk is nil, on the real clock.
func newVerifier(t *testing.T, iss *oidctest.Issuer, clk *clock) *oidc.Verifier {
	t.Helper()
	cfg := oidc.Config{Issuer: iss.URL(), Audience: audience, RefetchCooldown: time.Minute}
	if clk != nil {
		cfg.Now = clk.Now
	}
	v, err := oidc.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return v
}

// headerKid returns the kid in a token's header.
func headerKid(t *testing.T, raw string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(raw, ".")[0])
	if err != nil {
		t.Fatalf("decoding header: %v", err)
	}
	var h struct {
		Kid string `json:"kid"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatalf("decoding header: %v", err)
	}
	return h.Kid
}
