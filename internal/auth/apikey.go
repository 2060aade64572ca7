// Package auth turns presented credentials into principals: API keys (their
// format, checksum and hash) and the cache in front of the key store.
package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"hash/crc32"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// Key layout: "dxp_" + 32 random base62 characters + 6 base62 characters of
// the CRC32 of the random part: 42 characters in all. The checksum lets a
// mistyped or made-up key be refused before any database lookup.
const (
	keyPrefix    = "dxp_"
	randomLen    = 32
	checksumLen  = 6
	KeyLength    = len(keyPrefix) + randomLen + checksumLen
	displayChars = 12
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// GenerateKey returns a new random API key.
func GenerateKey() string {
	random := catalog.RandomBase62(randomLen)
	return keyPrefix + random + checksum(random)
}

// checksum encodes CRC32(random) in exactly six base62 digits (62^6 > 2^32).
func checksum(random string) string {
	n := crc32.ChecksumIEEE([]byte(random))
	out := make([]byte, checksumLen)
	for i := checksumLen - 1; i >= 0; i-- {
		out[i] = base62[n%62]
		n /= 62
	}
	return string(out)
}

// WellFormedKey reports whether key has the dxp_ layout and a valid checksum.
func WellFormedKey(key string) bool {
	if len(key) != KeyLength || !strings.HasPrefix(key, keyPrefix) {
		return false
	}
	body := key[len(keyPrefix):]
	for i := 0; i < len(body); i++ {
		if strings.IndexByte(base62, body[i]) < 0 {
			return false
		}
	}
	return checksum(body[:randomLen]) == body[randomLen:]
}

// HashKey returns the hex SHA-256 of key: the only form in which keys are stored.
func HashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// DisplayPrefix returns the part of a key that may be shown again: "dxp_" + 8.
func DisplayPrefix(key string) string {
	if len(key) < displayChars {
		return key
	}
	return key[:displayChars]
}
