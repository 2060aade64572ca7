// Package notify delivers webhook events: it signs them as the Standard
// Webhooks specification says, renders them as JSON envelopes or Slack
// messages, sends them through a client that refuses private addresses in
// production, and records every attempt through the store's delivery
// queue. It also finds scheduled pipelines whose run is late.
package notify

import (
	"net/http"
	"strconv"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// Sign returns the Standard Webhooks headers of body sent as message msgID
// at t with secret (whsec_…): webhook-id, webhook-timestamp and
// webhook-signature (v1,<base64 HMAC-SHA256 of "id.timestamp.body">). The
// spec's own Go library computes the signature, so receivers verifying with
// any of its libraries agree.
func Sign(secret, msgID string, t time.Time, body []byte) (http.Header, error) {
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		return nil, err
	}
	sig, err := wh.Sign(msgID, t, body)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set("webhook-id", msgID)
	h.Set("webhook-timestamp", strconv.FormatInt(t.Unix(), 10))
	h.Set("webhook-signature", sig)
	return h, nil
}
