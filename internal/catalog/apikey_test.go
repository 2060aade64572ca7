package catalog

import (
	"strings"
	"testing"
	"time"
)

func TestAPIKey_RotateAt(t *testing.T) {
	t0 := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	at := func(h int) *time.Time { v := t0.Add(time.Duration(h) * time.Hour); return &v }
	for _, c := range []struct {
		name      string
		key       APIKey
		now       time.Time
		grace     time.Duration
		code      string
		oldEnd    time.Time
		nextUntil *time.Time
	}{
		{name: "never expires", key: APIKey{CreatedAt: t0}, now: *at(10), grace: time.Hour, oldEnd: *at(11)},
		{name: "keeps its lifetime", key: APIKey{CreatedAt: t0, ExpiresAt: at(720)}, now: *at(100), grace: time.Hour,
			oldEnd: *at(101), nextUntil: at(820)},
		{name: "grace capped by expiry", key: APIKey{CreatedAt: t0, ExpiresAt: at(720)}, now: *at(719), grace: 3 * time.Hour,
			oldEnd: *at(720), nextUntil: at(1439)},
		{name: "in grace", key: APIKey{ID: "key_a", CreatedAt: t0, RevokedAt: at(11), ReplacedBy: "key_b"}, now: *at(10), code: ECONFLICT},
		{name: "revoked", key: APIKey{ID: "key_a", CreatedAt: t0, RevokedAt: at(10)}, now: *at(10), code: ENOTFOUND},
		{name: "expired", key: APIKey{ID: "key_a", CreatedAt: t0, ExpiresAt: at(5)}, now: *at(10), code: ECONFLICT},
	} {
		t.Run(c.name, func(t *testing.T) {
			end, next, err := c.key.RotateAt(c.now, c.grace)
			if got := ErrorCode(err); got != c.code {
				t.Fatalf("code %q (%v), want %q", got, err, c.code)
			}
			if c.code != "" {
				return
			}
			if !end.Equal(c.oldEnd) {
				t.Errorf("old key ends %s, want %s", end, c.oldEnd)
			}
			if (next == nil) != (c.nextUntil == nil) || next != nil && !next.Equal(*c.nextUntil) {
				t.Errorf("new key expires %v, want %v", next, c.nextUntil)
			}
		})
	}
}

// A key in its grace period says until when it works and which key to
// rotate instead; revoking it ends the grace period, revoking it twice is
// not found.
func TestAPIKey_GracePeriod(t *testing.T) {
	t0 := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	expires, graceEnd := t0.Add(720*time.Hour), t0.Add(2*time.Hour)
	k := APIKey{ID: "key_a", CreatedAt: t0, ExpiresAt: &expires, RevokedAt: &graceEnd, ReplacedBy: "key_b"}
	if got := k.EffectiveExpiry(); got == nil || !got.Equal(graceEnd) {
		t.Fatalf("effective expiry %v, want the grace end %s", got, graceEnd)
	}
	_, _, err := k.RotateAt(t0.Add(time.Hour), time.Hour)
	if msg := err.Error(); ErrorCode(err) != ECONFLICT || !strings.Contains(msg, "key_b") || !strings.Contains(msg, "2026-06-01T02:00:00Z") {
		t.Fatalf("second rotation: %v; want a conflict naming key_b and the grace end", err)
	}
	if end, err := k.RevokeAt(t0.Add(time.Hour)); err != nil || !end.Equal(t0.Add(time.Hour)) {
		t.Fatalf("revoke in grace: %s, %v; want now", end, err)
	}
	if _, err := k.RevokeAt(graceEnd); ErrorCode(err) != ENOTFOUND {
		t.Fatalf("revoke after grace: %v, want not found", err)
	}
	if got := (&APIKey{ExpiresAt: &expires}).EffectiveExpiry(); got == nil || !got.Equal(expires) {
		t.Fatalf("effective expiry of a plain key %v, want %s", got, expires)
	}
}
