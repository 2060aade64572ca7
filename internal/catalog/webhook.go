package catalog

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Events a webhook endpoint can subscribe to. WebhookTest is sent only by
// the "test send" of one endpoint and needs no subscription.
const (
	EventRunFailed          = "run.failed"
	EventRunSucceeded       = "run.succeeded"
	EventCheckFailed        = "check.failed"
	EventPipelineLate       = "pipeline.late"
	EventPipelineRegistered = "pipeline.registered"
	EventAPIKeyCreated      = "api_key.created"
	EventAPIKeyRevoked      = "api_key.revoked"
	EventWebhookTest        = "webhook.test"
)

// WebhookEvents lists the events an endpoint may subscribe to, in the
// order the documentation gives them.
var WebhookEvents = []string{EventRunFailed, EventRunSucceeded, EventCheckFailed, EventPipelineLate,
	EventPipelineRegistered, EventAPIKeyCreated, EventAPIKeyRevoked}

// Formats of a webhook's body.
const (
	WebhookFormatJSON  = "json"  // the Standard Webhooks envelope {type, timestamp, data}
	WebhookFormatSlack = "slack" // a Slack incoming-webhook message with blocks
)

// Audit actions of webhook endpoints.
const (
	AuditWebhookCreated       = "webhook.created"
	AuditWebhookUpdated       = "webhook.updated"
	AuditWebhookDeleted       = "webhook.deleted"
	AuditWebhookSecretRotated = "webhook.secret_rotated"
	AuditWebhookDisabled      = "webhook.disabled"
)

// Limits of webhook endpoints.
const (
	MaxWebhookURLBytes         = 2048
	MaxWebhookDescriptionBytes = 500
	MaxWebhooksPerOrg          = 20
)

// Webhook is an organization's endpoint that receives events.
type Webhook struct {
	OrgID       string
	ID          string
	URL         string
	Description string
	Format      string
	Events      []string
	Enabled     bool
	// DisabledReason says why the server disabled the endpoint ("" when an
	// admin did, or it is enabled).
	DisabledReason string
	// FailingSince is the first failed attempt since the last success: an
	// endpoint failing for WebhookDisableAfter is disabled.
	FailingSince *time.Time
	// Secret is the signing secret (whsec_ + base64 of 32 bytes). The store
	// returns it only on create, rotate and to the delivery worker.
	Secret    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Subscribes reports whether the endpoint wants events of type.
func (w *Webhook) Subscribes(eventType string) bool {
	return w.Enabled && (eventType == EventWebhookTest || slices.Contains(w.Events, eventType))
}

// WebhookInput is an endpoint as an admin creates it.
type WebhookInput struct {
	URL         string
	Description string
	Format      string
	Events      []string
}

// WebhookPatch changes an endpoint; nil fields stay.
type WebhookPatch struct {
	URL         *string
	Description *string
	Events      *[]string
	Enabled     *bool
}

// WebhookURLProblem says what is wrong with an endpoint URL, or "". In
// production (requireHTTPS) only https is accepted; where it resolves is
// checked again at every delivery.
func WebhookURLProblem(raw string, requireHTTPS bool) string {
	if raw == "" {
		return "url is required."
	}
	if len(raw) > MaxWebhookURLBytes {
		return fmt.Sprintf("url is at most %d bytes.", MaxWebhookURLBytes)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return "url must be an absolute URL such as https://hooks.example.com/dataxpipe."
	}
	if u.User != nil {
		return "url must not carry a user or password; put a token in the path or query instead."
	}
	switch u.Scheme {
	case "https":
	case "http":
		if requireHTTPS {
			return "url must use https."
		}
	default:
		return "url must use https (or http in development)."
	}
	return ""
}

// Validate lists every problem of the input at once.
func (in WebhookInput) Validate(requireHTTPS bool) []FieldError {
	var p []FieldError
	if msg := WebhookURLProblem(in.URL, requireHTTPS); msg != "" {
		p = append(p, FieldError{Field: "url", Message: msg})
	}
	if len(in.Description) > MaxWebhookDescriptionBytes {
		p = append(p, FieldError{Field: "description", Message: fmt.Sprintf("description is at most %d bytes.", MaxWebhookDescriptionBytes)})
	}
	if in.Format != WebhookFormatJSON && in.Format != WebhookFormatSlack {
		p = append(p, FieldError{Field: "format", Message: `format must be "json" or "slack".`})
	}
	p = append(p, eventsProblems("events", in.Events)...)
	return p
}

func eventsProblems(field string, events []string) []FieldError {
	if len(events) == 0 {
		return []FieldError{{Field: field, Message: "events needs at least one of " + strings.Join(WebhookEvents, ", ") + "."}}
	}
	var p []FieldError
	for i, e := range events {
		if !slices.Contains(WebhookEvents, e) {
			msg := fmt.Sprintf("%q is not an event; use one of %s.", e, strings.Join(WebhookEvents, ", "))
			if s := Suggest(e, WebhookEvents); s != "" {
				msg = fmt.Sprintf("%q is not an event; did you mean %q?", e, s)
			}
			p = append(p, FieldError{Field: fmt.Sprintf("%s[%d]", field, i), Message: msg})
		}
	}
	return p
}

// Validate lists every problem of the patch at once.
func (p WebhookPatch) Validate(requireHTTPS bool) []FieldError {
	var out []FieldError
	if p.URL != nil {
		if msg := WebhookURLProblem(*p.URL, requireHTTPS); msg != "" {
			out = append(out, FieldError{Field: "url", Message: msg})
		}
	}
	if p.Description != nil && len(*p.Description) > MaxWebhookDescriptionBytes {
		out = append(out, FieldError{Field: "description", Message: fmt.Sprintf("description is at most %d bytes.", MaxWebhookDescriptionBytes)})
	}
	if p.Events != nil {
		out = append(out, eventsProblems("events", *p.Events)...)
	}
	return out
}

// Apply returns w changed by p at now.
func (p WebhookPatch) Apply(w *Webhook, now time.Time) *Webhook {
	next := *w
	if p.URL != nil {
		next.URL = *p.URL
	}
	if p.Description != nil {
		next.Description = *p.Description
	}
	if p.Events != nil {
		next.Events = slices.Clone(*p.Events)
	}
	if p.Enabled != nil {
		next.Enabled = *p.Enabled
		next.DisabledReason = ""
		if *p.Enabled { // a fresh start: the failing streak that disabled it is over
			next.FailingSince = nil
		}
	}
	next.UpdatedAt = now
	return &next
}

// WebhookEvent is one event in the outbox, written in the transaction of
// the change it reports. Key makes it once-only: a second event with the
// same key (the same run failing twice over, one missed run) is dropped.
type WebhookEvent struct {
	ID        string
	Type      string
	Key       string
	Data      json.RawMessage
	CreatedAt time.Time
}

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed" // gave up after the retry window
)

// Delivery is one event on its way to one endpoint.
type Delivery struct {
	OrgID         string
	ID            string
	WebhookID     string
	EventID       string
	EventType     string
	Status        string
	Attempts      int
	NextAttemptAt *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
	History       []DeliveryAttempt // newest first, in a delivery log
}

// DeliveryAttempt is one try at a delivery.
type DeliveryAttempt struct {
	N          int
	Time       time.Time
	StatusCode int // 0 when no answer came
	Latency    time.Duration
	Error      string
}

// Succeeded reports whether the receiver accepted the delivery (2xx).
func (a DeliveryAttempt) Succeeded() bool {
	return a.Error == "" && a.StatusCode >= 200 && a.StatusCode < 300
}

// RetryPolicy is when failed deliveries are tried again: exponential
// backoff from First, doubling up to Max, with jitter, for Window after
// the delivery was created; an endpoint that has failed every attempt for
// DisableAfter is disabled.
type RetryPolicy struct {
	First, Max, Window, DisableAfter time.Duration
}

// DefaultRetryPolicy retries first after 10-20 s, then 20-40 s, and so on
// to at most 4-8 hours apart, for 25 hours; an endpoint failing for 5 days
// is disabled.
var DefaultRetryPolicy = RetryPolicy{First: 20 * time.Second, Max: 8 * time.Hour, Window: 25 * time.Hour, DisableAfter: 5 * 24 * time.Hour}

// Next decides what follows failed attempt n (1 for the first) of a delivery
// created at created, at now: the time of the next attempt, or ok false to
// give up. jitter is a number in [0, 1) (random in production): the delay is
// between half and all of the exponential step, so that receivers coming
// back from an outage are not hit by every sender at the same instant.
func (p RetryPolicy) Next(n int, created, now time.Time, jitter float64) (time.Time, bool) {
	if !now.Before(created.Add(p.Window)) {
		return time.Time{}, false
	}
	step := p.First
	for i := 1; i < n && step < p.Max; i++ {
		step *= 2
	}
	step = min(step, p.Max)
	delay := step/2 + time.Duration(jitter*float64(step/2))
	next := now.Add(delay)
	if end := created.Add(p.Window); next.After(end) {
		next = end // one last try at the end of the window
	}
	return next, true
}

// ShouldDisable reports whether an endpoint failing since since is to be
// disabled at now.
func (p RetryPolicy) ShouldDisable(since *time.Time, now time.Time) bool {
	return since != nil && !now.Before(since.Add(p.DisableAfter))
}

// DeliveryFilter pages an endpoint's deliveries, newest first.
type DeliveryFilter struct {
	WebhookID string
	Page
}

// DeliveryClaim names a delivery the worker has leased; Token proves the
// lease when the outcome is recorded.
type DeliveryClaim struct {
	OrgID, ID, Token string
}

// OutgoingDelivery is what the worker needs to send a claimed delivery.
type OutgoingDelivery struct {
	Delivery *Delivery
	Webhook  *Webhook // with Secret
	Event    *WebhookEvent
}

// DeliveryQueue is the store side of the delivery worker: claim due
// deliveries across organizations, read one, record an attempt.
type DeliveryQueue interface {
	ClaimDeliveries(ctx context.Context, lease time.Duration, limit int) ([]DeliveryClaim, error)
	LoadDelivery(ctx context.Context, c DeliveryClaim) (*OutgoingDelivery, error)
	RecordAttempt(ctx context.Context, c DeliveryClaim, at DeliveryAttempt, policy RetryPolicy, jitter float64) (bool, error)
}

// WebhookService manages an organization's webhook endpoints (admins).
// Errors: ENOTFOUND (no such endpoint in the organization), EINVALID,
// ELIMIT (MaxWebhooksPerOrg), EUNAVAILABLE (no secret key to seal the
// signing secret with).
type WebhookService interface {
	CreateWebhook(ctx context.Context, in WebhookInput) (*Webhook, error) // Secret set
	ListWebhooks(ctx context.Context, page Page) ([]*Webhook, string, error)
	FindWebhook(ctx context.Context, id string) (*Webhook, error)
	UpdateWebhook(ctx context.Context, id string, p WebhookPatch) (*Webhook, error)
	DeleteWebhook(ctx context.Context, id string) error
	RotateWebhookSecret(ctx context.Context, id string) (*Webhook, error) // Secret set
	// ListDeliveries lists an endpoint's deliveries with their attempts.
	ListDeliveries(ctx context.Context, f DeliveryFilter) ([]*Delivery, string, error)
	// Redeliver queues the event of a delivery to its endpoint again, now.
	Redeliver(ctx context.Context, webhookID, deliveryID string) (*Delivery, error)
	// SendTestEvent queues a webhook.test event to one endpoint.
	SendTestEvent(ctx context.Context, webhookID string) (*Delivery, error)
}

// NewWebhookSecret returns a fresh signing secret in the Standard Webhooks
// form: whsec_ and the base64 of 32 random bytes.
func NewWebhookSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // the OS entropy source is gone; nothing sane remains
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}
