// Package oidctest runs an in-process OIDC issuer for tests: it serves a
// discovery document and a JWKS over httptest, signs tokens on demand, and
// runs a real authorization-code flow with PKCE (authorize.go) for
// browser sign-in tests.
package oidctest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

const jwksPath = "/jwks"

// Issuer is a test OIDC issuer with one current RSA signing key.
type Issuer struct {
	srv     *httptest.Server
	fetches atomic.Int64
	flow    codeFlow // the authorization-code endpoints (authorize.go)

	mu  sync.Mutex
	key *rsa.PrivateKey
	kid string
}

// NewIssuer starts an issuer; it is closed on t.Cleanup.
func NewIssuer(t testing.TB) *Issuer {
	t.Helper()
	i := &Issuer{flow: codeFlow{t: t, grants: map[string]grant{}, secret: map[string]string{}}}
	i.key, i.kid = NewKey(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", i.serveDiscovery)
	mux.HandleFunc("GET "+jwksPath, i.serveJWKS)
	mux.HandleFunc("GET /authorize", i.serveAuthorize)
	mux.HandleFunc("POST /token", i.serveToken)
	i.srv = httptest.NewServer(mux)
	t.Cleanup(i.srv.Close)
	return i
}

// URL returns the issuer URL, i.e. the expected iss claim.
func (i *Issuer) URL() string { return i.srv.URL }

// RotateKey makes a new current key and publishes only it in the JWKS, so
// tokens signed with the old key no longer verify after a refetch.
func (i *Issuer) RotateKey(t testing.TB) {
	t.Helper()
	key, kid := NewKey(t)
	i.mu.Lock()
	defer i.mu.Unlock()
	i.key, i.kid = key, kid
}

// JWKSFetches reports how many times the JWKS has been fetched.
func (i *Issuer) JWKSFetches() int { return int(i.fetches.Load()) }

// current returns the signing key and its kid.
func (i *Issuer) current() (*rsa.PrivateKey, string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.key, i.kid
}

// NewKey returns a fresh 2048-bit RSA key and its kid (the RFC 7638 thumbprint,
// so distinct keys never share a kid). Useful for TokenOptions.Key.
func NewKey(t testing.TB) (*rsa.PrivateKey, string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("oidctest: generating RSA key: %v", err)
	}
	return key, thumbprint(t, &key.PublicKey)
}

func thumbprint(t testing.TB, pub *rsa.PublicKey) string {
	t.Helper()
	jwk := jose.JSONWebKey{Key: pub}
	sum, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatalf("oidctest: key thumbprint: %v", err)
	}
	return base64.RawURLEncoding.EncodeToString(sum)
}

// serveDiscovery serves the fields go-oidc needs plus the required ones.
func (i *Issuer) serveDiscovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, map[string]any{
		"issuer":                                i.URL(),
		"jwks_uri":                              i.URL() + jwksPath,
		"authorization_endpoint":                i.URL() + "/authorize",
		"token_endpoint":                        i.URL() + "/token",
		"response_types_supported":              []string{"code"},
		"code_challenge_methods_supported":      []string{"S256"},
		"grant_types_supported":                 []string{"authorization_code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
	})
}

// serveJWKS publishes the public half of the current key and counts fetches.
func (i *Issuer) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	i.fetches.Add(1)
	key, kid := i.current()
	writeJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
		Key: &key.PublicKey, KeyID: kid, Algorithm: string(jose.RS256), Use: "sig",
	}}})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	// Encoding these values cannot fail, and a handler has no test to fail.
	_ = json.NewEncoder(w).Encode(v)
}
