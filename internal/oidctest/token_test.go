package oidctest_test

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/dataxpipe/catalog/internal/oidctest"
)

var rsaAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.PS256}

// verified checks raw against the published JWKS and returns its header and claims.
func verified(t *testing.T, iss *oidctest.Issuer, raw string) (jose.Header, map[string]any) {
	t.Helper()
	jws, err := jose.ParseSignedCompact(raw, rsaAlgs)
	if err != nil {
		t.Fatalf("parsing token: %v", err)
	}
	header := jws.Signatures[0].Header
	set := jwks(t, iss)
	keys := set.Key(header.KeyID)
	if len(keys) != 1 {
		t.Fatalf("kid %q not in JWKS", header.KeyID)
	}
	payload, err := jws.Verify(keys[0])
	if err != nil {
		t.Fatalf("verifying token: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatalf("decoding claims: %v", err)
	}
	return header, claims
}

func TestTokenDefaultsAndOverrides(t *testing.T) {
	iss := oidctest.NewIssuer(t)
	header, claims := verified(t, iss, iss.Token(t, map[string]any{"aud": "app", "email": "a@b.c", "iat": nil}))
	if header.Algorithm != "RS256" {
		t.Errorf("alg = %q, want RS256", header.Algorithm)
	}
	if claims["iss"] != iss.URL() || claims["sub"] != oidctest.DefaultSubject || claims["aud"] != "app" || claims["email"] != "a@b.c" {
		t.Errorf("claims = %v, want iss, default sub, aud and email", claims)
	}
	if _, ok := claims["iat"]; ok {
		t.Errorf("iat present although set to nil: %v", claims)
	}
	exp, _ := claims["exp"].(float64)
	if d := time.Until(time.Unix(int64(exp), 0)); d < 59*time.Minute || d > time.Hour {
		t.Errorf("exp in %v, want about 1h", d)
	}
}

func TestTokenWithOptions(t *testing.T) {
	iss := oidctest.NewIssuer(t)
	stranger, strangerKid := oidctest.NewKey(t)

	none := iss.TokenWith(t, nil, oidctest.TokenOptions{Alg: "none", Kid: "k1"})
	if !strings.HasSuffix(none, ".") || strings.Count(none, ".") != 2 {
		t.Errorf("alg none token %q, want empty signature", none)
	}

	// The HS256 token must verify with the published key's PEM as the secret.
	hs, err := jose.ParseSignedCompact(iss.TokenWith(t, nil, oidctest.TokenOptions{Alg: "HS256"}), []jose.SignatureAlgorithm{jose.HS256})
	if err != nil {
		t.Fatalf("parsing HS256 token: %v", err)
	}
	der, err := x509.MarshalPKIXPublicKey(jwks(t, iss).Keys[0].Key)
	if err != nil {
		t.Fatalf("encoding public key: %v", err)
	}
	if _, err := hs.Verify(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})); err != nil {
		t.Errorf("HS256 token not keyed with the public key PEM: %v", err)
	}

	raw := iss.TokenWith(t, nil, oidctest.TokenOptions{Key: stranger})
	jws, err := jose.ParseSignedCompact(raw, rsaAlgs)
	if err != nil {
		t.Fatalf("parsing: %v", err)
	}
	if kid := jws.Signatures[0].Header.KeyID; kid != strangerKid {
		t.Errorf("kid = %q, want the stranger key's %q", kid, strangerKid)
	}
	if _, err := jws.Verify(&stranger.PublicKey); err != nil {
		t.Errorf("token not signed by the given key: %v", err)
	}

	header, _ := verified(t, iss, iss.TokenWith(t, nil, oidctest.TokenOptions{Alg: "RS384"}))
	if header.Algorithm != "RS384" {
		t.Errorf("alg = %q, want RS384", header.Algorithm)
	}
	jws, err = jose.ParseSignedCompact(iss.TokenWith(t, nil, oidctest.TokenOptions{Kid: "custom"}), rsaAlgs)
	if err != nil {
		t.Fatalf("parsing: %v", err)
	}
	if kid := jws.Signatures[0].Header.KeyID; kid != "custom" {
		t.Errorf("kid = %q, want custom", kid)
	}
}
