package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Run statuses. Queued and running runs may still change; the finished ones
// (success, failed, cancelled) are final.
const (
	RunQueued    = "queued"
	RunRunning   = "running"
	RunSuccess   = "success"
	RunFailed    = "failed"
	RunCancelled = "cancelled"
)

// Limits of a run's free-form fields.
const (
	MaxRunIDLength        = 255
	MaxRunErrorBytes      = 8 << 10
	MaxRunAttributesBytes = 64 << 10
)

// ValidRunStatus reports whether s is a run status.
func ValidRunStatus(s string) bool {
	return s == RunQueued || s == RunRunning || RunFinished(s)
}

// RunFinished reports whether s is a final status.
func RunFinished(s string) bool { return s == RunSuccess || s == RunFailed || s == RunCancelled }

// Run is one execution of a pipeline. Its id is unique per organization:
// either the client's own (an Airflow run id, an OpenLineage runId) or the
// server's run-YYYYMMDD-NNN.
type Run struct {
	OrgID        string
	ID           string
	PipelineName string // runs outlive their pipeline, so this is a name, not a reference
	Status       string
	StartedAt    time.Time
	FinishedAt   *time.Time
	Error        string
	Attributes   json.RawMessage // a JSON object, nil when there is none
	ChecksFailed bool            // a check of severity error failed in this run
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Duration is finished_at − started_at, and false until the run finishes.
func (r *Run) Duration() (time.Duration, bool) {
	if r.FinishedAt == nil {
		return 0, false
	}
	return r.FinishedAt.Sub(r.StartedAt), true
}

// RunEvent reports a run's state: what a DAG posts at start, success and
// failure, and what OpenLineage START/COMPLETE/FAIL/ABORT events become.
// Nil fields leave the stored value as it is.
type RunEvent struct {
	PipelineName string
	RunID        string // "" lets the store assign run-YYYYMMDD-NNN
	Status       string
	StartedAt    *time.Time
	FinishedAt   *time.Time
	Error        *string
	// Attributes is a JSON object merged into the stored one: its keys
	// replace the stored keys, and a key set to null is removed.
	Attributes json.RawMessage
}

// Validate reports every problem of the event that needs no stored state.
func (ev RunEvent) Validate() []FieldError {
	var errs []FieldError
	if ev.PipelineName == "" {
		errs = append(errs, FieldError{"pipeline_id", "pipeline_id is required; name the registered pipeline this run belongs to."})
	}
	if ev.RunID != "" && !validRunID(ev.RunID) {
		errs = append(errs, FieldError{"run_id", fmt.Sprintf("run_id must be 1 to %d characters without spaces, slashes or control characters.", MaxRunIDLength)})
	}
	errs = append(errs, validStatus(&ev.Status, true)...)
	errs = append(errs, validError(ev.Error)...)
	if len(ev.Attributes) > MaxRunAttributesBytes {
		errs = append(errs, FieldError{"attributes", fmt.Sprintf("attributes must be at most %d KiB of JSON.", MaxRunAttributesBytes>>10)})
	} else if ev.Attributes != nil && !isJSONObject(ev.Attributes) {
		errs = append(errs, FieldError{"attributes", "attributes must be a JSON object."})
	}
	return errs
}

// RunUpdate changes a known run (PATCH). Nil fields stay as they are.
type RunUpdate struct {
	Status     *string
	FinishedAt *time.Time
	Error      *string
}

// Validate reports every problem of the update that needs no stored state.
func (u RunUpdate) Validate() []FieldError {
	return append(validStatus(u.Status, false), validError(u.Error)...)
}

func validStatus(s *string, required bool) []FieldError {
	switch {
	case s == nil && !required, s != nil && ValidRunStatus(*s):
		return nil
	}
	return []FieldError{{"status", "status must be one of queued, running, success, failed, cancelled."}}
}

func validError(s *string) []FieldError {
	if s != nil && len(*s) > MaxRunErrorBytes {
		return []FieldError{{"error", fmt.Sprintf("error must be at most %d KiB; keep the message and drop the rest.", MaxRunErrorBytes>>10)}}
	}
	return nil
}

// isJSONObject reports whether b is one JSON object.
func isJSONObject(b []byte) bool {
	var obj map[string]json.RawMessage
	return json.Unmarshal(b, &obj) == nil && obj != nil
}

// validRunID keeps run ids usable as one URL path segment.
func validRunID(id string) bool {
	return len(id) <= MaxRunIDLength && !strings.ContainsFunc(id, func(r rune) bool {
		return r == '/' || unicode.IsSpace(r) || unicode.IsControl(r)
	})
}

// RunFilter narrows a run list; Since and Until bound started_at as the
// half-open range [Since, Until), so consecutive windows never overlap.
type RunFilter struct {
	PipelineName string
	Status       string
	Since, Until *time.Time
	Page
}

// RunService records the caller's organization's pipeline runs. Status
// rules, for both ApplyRunEvent and UpdateRun: a finished run never changes
// again (ECONFLICT naming its status) unless the change is an identical
// repeat (every field it carries equals the stored one), which changes
// nothing; a running run cannot go back to queued; finished_at is only for
// a finished run, defaults to the time the run finishes and must not
// precede started_at (EINVALID); started_at defaults to the time the run is
// created, or becomes running after being queued.
type RunService interface {
	// ApplyRunEvent creates the run (created true) or, when RunID names an
	// existing run of the organization, updates it. EINVALID lists every
	// problem, including an unknown pipeline (field pipeline_id); ECONFLICT
	// when the run belongs to another pipeline or the status rules refuse the
	// change. Concurrent first events with one RunID create the run once and
	// apply the rest to it. An event without RunID gets run-YYYYMMDD-NNN:
	// the UTC day of the transaction and the organization's next number of
	// that day, consecutive and skipping ids a client already chose.
	//
	// OpenLineage ingestion calls it with the job's pipeline and the event's
	// runId: START → running, COMPLETE → success, FAIL → failed, ABORT →
	// cancelled, with the event times. Delivery out of order (START after
	// COMPLETE) is ECONFLICT, which such a caller may take as already applied.
	ApplyRunEvent(ctx context.Context, ev RunEvent) (run *Run, created bool, err error)
	// UpdateRun applies upd to the run with id. ENOTFOUND, EINVALID, ECONFLICT.
	UpdateRun(ctx context.Context, id string, upd RunUpdate) (*Run, error)
	// FindRun returns one run. ENOTFOUND, also for another organization's.
	FindRun(ctx context.Context, id string) (*Run, error)
	// ListRuns lists newest first (started_at, then id, descending).
	// EINVALID for a cursor this store did not make.
	ListRuns(ctx context.Context, f RunFilter) ([]*Run, string, error)
}
