package oidctest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/dataxpipe/catalog/internal/oidctest"
)

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: decoding: %v", url, err)
	}
}

// jwks fetches the issuer's JWKS the way a relying party would.
func jwks(t *testing.T, iss *oidctest.Issuer) jose.JSONWebKeySet {
	t.Helper()
	var disc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	getJSON(t, iss.URL()+"/.well-known/openid-configuration", &disc)
	if disc.Issuer != iss.URL() {
		t.Fatalf("discovery issuer = %q, want %q", disc.Issuer, iss.URL())
	}
	var set jose.JSONWebKeySet
	getJSON(t, disc.JWKSURI, &set)
	return set
}

func TestJWKSPublishesOnlyCurrentKey(t *testing.T) {
	iss := oidctest.NewIssuer(t)
	if got := iss.JWKSFetches(); got != 0 {
		t.Fatalf("JWKSFetches before any fetch = %d, want 0", got)
	}
	first := jwks(t, iss)
	if len(first.Keys) != 1 || !first.Keys[0].IsPublic() || first.Keys[0].KeyID == "" {
		t.Fatalf("JWKS = %+v, want one public key with a kid", first.Keys)
	}
	iss.RotateKey(t)
	second := jwks(t, iss)
	if len(second.Keys) != 1 || second.Keys[0].KeyID == first.Keys[0].KeyID {
		t.Fatalf("after RotateKey JWKS kids = %v, want one new kid (old %q)", second.Keys, first.Keys[0].KeyID)
	}
	if got := iss.JWKSFetches(); got != 2 {
		t.Fatalf("JWKSFetches = %d, want 2", got)
	}
}

func TestIssuerIsClosedOnCleanup(t *testing.T) {
	var url string
	t.Run("inner", func(t *testing.T) { url = oidctest.NewIssuer(t).URL() })
	if resp, err := http.Get(url + "/.well-known/openid-configuration"); err == nil {
		resp.Body.Close()
		t.Fatal("issuer still serving after its test ended")
	}
}
