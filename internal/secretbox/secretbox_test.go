package secretbox_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/secretbox"
)

var key = bytes.Repeat([]byte{7}, secretbox.KeySize)

func TestSeal_RoundTripWithFreshNonce(t *testing.T) {
	a, err := secretbox.Seal(key, []byte("hunter2"), []byte("org_1/pg-prod/password"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := secretbox.Seal(key, []byte("hunter2"), []byte("org_1/pg-prod/password"))
	if a == b {
		t.Fatal("two seals of one value are equal; the nonce is not fresh")
	}
	if !strings.HasPrefix(a, "v1:") || !secretbox.IsSealed(a) || strings.Contains(a, "hunter2") {
		t.Fatalf("sealed value %q: want the v1: prefix and no plaintext", a)
	}
	got, err := secretbox.Open(key, a, []byte("org_1/pg-prod/password"))
	if err != nil || string(got) != "hunter2" {
		t.Fatalf("Open = %q, %v; want hunter2", got, err)
	}
}

func TestOpen_RefusesWhatWasNotSealedSo(t *testing.T) {
	ad := []byte("org_1/pg-prod/password")
	sealed, err := secretbox.Seal(key, []byte("hunter2"), ad)
	if err != nil {
		t.Fatal(err)
	}
	flipped := []byte(sealed)
	flipped[len(flipped)-3] ^= 1 // inside the tag or ciphertext
	otherKey := bytes.Repeat([]byte{8}, secretbox.KeySize)
	cases := map[string]func() ([]byte, error){
		"tampered":         func() ([]byte, error) { return secretbox.Open(key, string(flipped), ad) },
		"other key":        func() ([]byte, error) { return secretbox.Open(otherKey, sealed, ad) },
		"other additional": func() ([]byte, error) { return secretbox.Open(key, sealed, []byte("org_2/pg-prod/password")) },
		"truncated":        func() ([]byte, error) { return secretbox.Open(key, sealed[:10], ad) },
		"unknown version":  func() ([]byte, error) { return secretbox.Open(key, "v9:"+strings.TrimPrefix(sealed, "v1:"), ad) },
		"not base64":       func() ([]byte, error) { return secretbox.Open(key, "v1:***", ad) },
	}
	for name, open := range cases {
		if got, err := open(); !errors.Is(err, secretbox.ErrOpen) || got != nil {
			t.Errorf("%s: Open = %q, %v; want ErrOpen", name, got, err)
		}
	}
}

func TestSeal_RefusesAShortKey(t *testing.T) {
	if _, err := secretbox.Seal(key[:16], []byte("x"), nil); err == nil {
		t.Fatal("Seal accepted a 16-byte key; AES-256 needs 32")
	}
	if _, err := secretbox.Open(nil, "v1:AAAA", nil); err == nil || errors.Is(err, secretbox.ErrOpen) {
		t.Fatalf("Open with no key = %v; want a key error", err)
	}
}
