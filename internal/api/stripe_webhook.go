package api

import (
	"net/http"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// stripeWebhook receives Stripe's events. The raw body is what Stripe
// signed, so it is read as bytes (capped like every body) and handed to the
// billing service before any JSON decoding.
// webhookReceipt tells Stripe the delivery was taken and what it did.
type webhookReceipt struct {
	Received bool   `json:"received"`
	Outcome  string `json:"outcome"`
}

func (s *Server) stripeWebhook(w http.ResponseWriter, r *http.Request) error {
	signature := r.Header.Get("Stripe-Signature")
	if signature == "" { // refused before anything else: no caller but Stripe belongs here
		return catalog.Errorf(catalog.EMALFORMED, "The Stripe-Signature header is missing; only Stripe may call this endpoint.")
	}
	if s.billing == nil {
		return errBillingOff
	}
	body, err := readBody(r, maxBody)
	if err != nil {
		return err
	}
	if err := storableJSON(body); err != nil { // as everywhere: Postgres could not store it, SQLite could
		return err
	}
	// No credential here, but the audit row of a plan change still records
	// where the delivery came from.
	ctx := catalog.NewContextWithPrincipal(r.Context(), &catalog.Principal{IP: clientIP(r), RequestID: requestIDFrom(r.Context())})
	res, err := s.billing.HandleWebhook(ctx, body, signature)
	if catalog.ErrorCode(err) == catalog.EMALFORMED {
		s.logger.WarnContext(ctx, "stripe webhook refused", "request_id", requestIDFrom(ctx), "reason", catalog.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	s.logger.InfoContext(ctx, "stripe webhook", "request_id", requestIDFrom(ctx), "event_id", res.EventID,
		"type", res.Type, "org_id", res.OrgID, "outcome", res.Outcome)
	return respond(w, http.StatusOK, webhookReceipt{Received: true, Outcome: res.Outcome})
}
