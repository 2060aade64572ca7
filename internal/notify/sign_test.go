package notify_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/notify"
)

// verify is an implementation of the Standard Webhooks verification of our
// own, independent of the library Sign uses: HMAC-SHA256 keyed with the
// base64 bytes after whsec_, over "id.timestamp.body", compared with each
// space-separated v1 signature of the header.
func verify(secret string, h http.Header, body []byte, now time.Time) error {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	id, stamp, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || stamp == "" || sigs == "" {
		return fmt.Errorf("missing headers in %v", h)
	}
	sec, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil {
		return err
	}
	if d := now.Sub(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return fmt.Errorf("timestamp %s is %v from now", stamp, d)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + stamp + "."))
	mac.Write(body)
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, s := range strings.Fields(sigs) {
		if v, sig, ok := strings.Cut(s, ","); ok && v == "v1" && hmac.Equal([]byte(sig), []byte(want)) {
			return nil
		}
	}
	return fmt.Errorf("no v1 signature matches")
}

// The test vector the Standard Webhooks specification publishes with its
// libraries.
func TestSign_SpecificationVector(t *testing.T) {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	at := time.Unix(1614265330, 0)
	body := []byte(`{"test": 2432232314}`)
	h, err := notify.Sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", at, body)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := h.Get("webhook-signature"), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
	if h.Get("webhook-id") != "msg_p5jXN8AQM9LWM0D4loKWxJek" || h.Get("webhook-timestamp") != "1614265330" {
		t.Fatalf("headers %v", h)
	}
	if err := verify(secret, h, body, at); err != nil {
		t.Fatalf("our own verification refuses the vector: %v", err)
	}
	if err := verify(secret, h, []byte(`{"test": 2432232315}`), at); err == nil {
		t.Fatal("a changed body verified")
	}
	if err := verify("whsec_"+base64.StdEncoding.EncodeToString([]byte("another key of thirty-two bytes!")), h, body, at); err == nil {
		t.Fatal("another secret verified")
	}
}
