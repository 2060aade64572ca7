package catalog

import "time"

// The data of webhook events, as the JSON body's "data" carries it (the
// README documents the shape). It holds names, ids, states and messages, never
// a credential: an API key event shows the key's display prefix, not the key.

// EventData is the data of any event; the fields an event type does not
// use are left out.
type EventData struct {
	Run                 *EventRun        `json:"run,omitempty"`
	Pipeline            *EventPipeline   `json:"pipeline,omitempty"`
	Check               *EventCheck      `json:"check,omitempty"`
	FailingChecks       []EventCheck     `json:"failing_checks,omitempty"`
	DownstreamPipelines *EventDownstream `json:"downstream_pipelines,omitempty"`
	APIKey              *EventAPIKey     `json:"api_key,omitempty"`
	Late                *EventLate       `json:"late,omitempty"`
	WebhookID           string           `json:"webhook_id,omitempty"`
	Message             string           `json:"message,omitempty"`
}

// EventRun is a run as events show it.
type EventRun struct {
	ID         string     `json:"id"`
	Pipeline   string     `json:"pipeline"`
	Status     string     `json:"status"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	Error      string     `json:"error,omitempty"`
}

// EventPipeline is a pipeline as events show it.
type EventPipeline struct {
	Name     string `json:"name"`
	Version  string `json:"version,omitempty"`
	Owner    string `json:"owner,omitempty"`
	Schedule string `json:"schedule,omitempty"`
}

// EventCheck is a check result as events show it.
type EventCheck struct {
	ID       string `json:"id,omitempty"`
	CheckID  string `json:"check_id"`
	RunID    string `json:"run_id,omitempty"`
	Status   string `json:"status"`
	Severity string `json:"severity"`
	Message  string `json:"message,omitempty"`
}

// EventDownstream is what a failure affects: the pipelines that read,
// directly or further down, what the pipeline writes.
type EventDownstream struct {
	Count int      `json:"count"`
	Names []string `json:"names"` // the first MaxEventDownstreamNames, by name
}

// MaxEventDownstreamNames bounds the names an event lists.
const MaxEventDownstreamNames = 20

// EventAPIKey is an API key as events show it: no secret, no hash.
type EventAPIKey struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Role   Role   `json:"role"`
	Prefix string `json:"prefix"`
}

// EventLate is a missed scheduled run.
type EventLate struct {
	ExpectedAt       time.Time  `json:"expected_at"`
	GraceSeconds     int64      `json:"grace_seconds"`
	LastRunStartedAt *time.Time `json:"last_run_started_at,omitempty"`
}

// EventEnvelope is the JSON body of a delivery in format json: the Standard
// Webhooks recommended shape, with links into the UI when the server knows
// its address.
type EventEnvelope struct {
	Type      string            `json:"type"`
	Timestamp time.Time         `json:"timestamp"`
	Data      EventData         `json:"data"`
	Links     map[string]string `json:"links,omitempty"`
}
