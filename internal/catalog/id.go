package catalog

import (
	"crypto/rand"
	"math/big"
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// RandomBase62 returns n characters drawn uniformly from [0-9A-Za-z] with
// crypto/rand.
func RandomBase62(n int) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(base62)))
	for i := range b {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic("crypto/rand failed: " + err.Error()) // the OS entropy source is gone; nothing sane remains
		}
		b[i] = base62[v.Int64()]
	}
	return string(b)
}

// NewID returns a random prefixed id such as "org_3fK9...". Ids are never
// sequential, so they reveal nothing about other tenants.
func NewID(prefix string) string { return prefix + "_" + RandomBase62(20) }
