package oidc_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/oidc"
	"github.com/dataxpipe/catalog/internal/oidctest"
	"github.com/dataxpipe/catalog/internal/testrig"
)

const audience = "dataxpipe-catalog"

// newClock starts a shared test clock at a whole second, so claims built
// from it compare exactly.
func newClock() *testrig.Clock { return testrig.NewClock(time.Unix(time.Now().Unix(), 0)) }

// newVerifier builds a verifier for iss with a one-minute cooldown, on clk
// or, if clk is nil, on the real clock.
func newVerifier(t *testing.T, iss *oidctest.Issuer, clk *testrig.Clock) *oidc.Verifier {
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
