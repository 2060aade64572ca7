// Package secretbox seals small secrets (connection passwords, tokens) for
// storage with AES-256-GCM. A sealed value is text, "v1:" followed by the
// base64 of a fresh random nonce and the ciphertext, so it fits in a JSON
// string and names the scheme that opens it: a later scheme gets "v2:" and
// old rows stay readable.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length of a key: AES-256.
const KeySize = 32

// version1 prefixes values sealed with AES-256-GCM and a 12-byte nonce.
const version1 = "v1:"

// ErrOpen is returned for any value that does not open: tampered, sealed
// with another key or other additional data, truncated, or of an unknown
// version. The cases are not told apart, so a caller learns nothing more.
var ErrOpen = errors.New("secretbox: the value does not open with this key")

// Seal encrypts plaintext under key. additional is authenticated but not
// stored (for example the owner of the value), so a sealed value copied to
// another owner does not open there.
func Seal(key, plaintext, additional []byte) (string, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("secretbox: nonce: %w", err)
	}
	sealed := aead.Seal(nonce, nonce, plaintext, additional)
	return version1 + base64.RawStdEncoding.EncodeToString(sealed), nil
}

// Open decrypts a value made by Seal with the same key and additional data.
func Open(key []byte, sealed string, additional []byte) ([]byte, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	body, ok := strings.CutPrefix(sealed, version1)
	if !ok {
		return nil, ErrOpen
	}
	raw, err := base64.RawStdEncoding.DecodeString(body)
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrOpen
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], additional)
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// IsSealed reports whether s has the form of a sealed value.
func IsSealed(s string) bool { return strings.HasPrefix(s, version1) }

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secretbox: key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	return cipher.NewGCM(block)
}
