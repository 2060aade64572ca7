package oidctest

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"maps"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// DefaultSubject is the sub claim Token uses when the caller sets none.
const DefaultSubject = "user-1"

// TokenOptions bend a token in ways a real issuer would not, to test rejection.
type TokenOptions struct {
	// Alg overrides the header alg. "none" yields an unsigned token; "HS256"
	// (or any HS*) is an HMAC keyed with the PEM of the issuer's current
	// public key (algorithm confusion); other values sign with the RSA key.
	Alg string
	// Kid overrides the header kid; default is the signing key's thumbprint.
	Kid string
	// Key signs instead of the issuer's current key (an unpublished key).
	Key *rsa.PrivateKey
}

// Token returns an RS256 token signed with the current key. It fills iss,
// sub ("user-1"), iat (wall-clock now) and exp (now+1h) unless claims sets
// them (set them when the verifier runs on a fake clock); aud is
// the caller's job. A claim set to nil is left out of the token.
func (i *Issuer) Token(t testing.TB, claims map[string]any) string {
	t.Helper()
	return i.TokenWith(t, claims, TokenOptions{})
}

// TokenWith is Token with overrides for alg, kid and signing key.
func (i *Issuer) TokenWith(t testing.TB, claims map[string]any, opts TokenOptions) string {
	t.Helper()
	payload, err := json.Marshal(i.fillClaims(claims))
	if err != nil {
		t.Fatalf("oidctest: encoding claims: %v", err)
	}
	key, kid := i.current()
	if opts.Key != nil {
		key, kid = opts.Key, thumbprint(t, &opts.Key.PublicKey)
	}
	if opts.Kid != "" {
		kid = opts.Kid
	}
	alg := opts.Alg
	if alg == "" {
		alg = string(jose.RS256)
	}
	switch {
	case alg == "none":
		return unsigned(t, kid, payload)
	case strings.HasPrefix(alg, "HS"):
		// Sign with the issuer's public key, as an attacker would: it is public.
		pub, _ := i.current()
		return sign(t, alg, publicPEM(t, &pub.PublicKey), kid, payload)
	default:
		return sign(t, alg, key, kid, payload)
	}
}

// fillClaims copies claims over the defaults and drops nil-valued claims.
func (i *Issuer) fillClaims(claims map[string]any) map[string]any {
	now := time.Now()
	out := map[string]any{
		"iss": i.URL(),
		"sub": DefaultSubject,
		"iat": now.Unix(),
		"exp": now.Add(time.Hour).Unix(),
	}
	maps.Copy(out, claims)
	maps.DeleteFunc(out, func(_ string, v any) bool { return v == nil })
	return out
}

// sign makes a compact JWS with go-jose, putting kid in the protected header.
func sign(t testing.TB, alg string, key any, kid string, payload []byte) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(alg), Key: key}, opts)
	if err != nil {
		t.Fatalf("oidctest: signer for %s: %v", alg, err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatalf("oidctest: signing: %v", err)
	}
	raw, err := jws.CompactSerialize()
	if err != nil {
		t.Fatalf("oidctest: serializing: %v", err)
	}
	return raw
}

// unsigned builds an "alg":"none" token by hand: go-jose refuses to make one.
func unsigned(t testing.TB, kid string, payload []byte) string {
	t.Helper()
	header, err := json.Marshal(map[string]string{"alg": "none", "typ": "JWT", "kid": kid})
	if err != nil {
		t.Fatalf("oidctest: encoding header: %v", err)
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString(header) + "." + enc.EncodeToString(payload) + "."
}

func publicPEM(t testing.TB, pub *rsa.PublicKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatalf("oidctest: encoding public key: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}
