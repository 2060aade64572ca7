package auth

import (
	"regexp"
	"testing"
)

func TestGenerateKey_FormatChecksumUniqueness(t *testing.T) {
	pattern := regexp.MustCompile(`^dxp_[0-9A-Za-z]{38}$`)
	seen := make(map[string]bool, 10000)
	for i := 0; i < 10000; i++ {
		k := GenerateKey()
		if !pattern.MatchString(k) {
			t.Fatalf("key %q does not match %s", k, pattern)
		}
		if !WellFormedKey(k) {
			t.Fatalf("key %q fails its own checksum", k)
		}
		if seen[k] {
			t.Fatalf("duplicate key %q after %d keys", k, i)
		}
		seen[k] = true
		if got, want := DisplayPrefix(k), k[:12]; got != want {
			t.Fatalf("DisplayPrefix = %q, want %q", got, want)
		}
	}
}

func TestWellFormedKey_OneChangedCharacterFails(t *testing.T) {
	for i := 0; i < 200; i++ {
		k := GenerateKey()
		for pos := 4; pos < len(k); pos++ {
			b := []byte(k)
			if b[pos] == 'a' {
				b[pos] = 'b'
			} else {
				b[pos] = 'a'
			}
			if WellFormedKey(string(b)) {
				t.Fatalf("key %q with position %d changed (%q) still passes", k, pos, b)
			}
		}
	}
}

func TestWellFormedKey_Rejects(t *testing.T) {
	k := GenerateKey()
	for _, bad := range []string{"", "dxp_", "platform-key", k[:41], k + "x", "DXP_" + k[4:], "dxp_" + k[4:40] + "!!"} {
		if WellFormedKey(bad) {
			t.Errorf("WellFormedKey(%q) = true, want false", bad)
		}
	}
}

func TestHashKey(t *testing.T) {
	k := GenerateKey()
	h := HashKey(k)
	if len(h) != 64 || h == HashKey(k+"x") || h != HashKey(k) {
		t.Fatalf("HashKey(%q) = %q: want a stable 64-hex-digit digest", k, h)
	}
}
