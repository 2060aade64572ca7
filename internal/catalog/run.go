package catalog

import (
	"bytes"
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
	// ChecksFailed, when set, keeps the runs whose checks_failed is it: a
	// successful run can have failed checks, so Status cannot find them.
	ChecksFailed *bool
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
	// OpenLineage events take the same rules through
	// OpenLineageEvent.ApplyToRun, which also tolerates their delivery out
	// of order.
	ApplyRunEvent(ctx context.Context, ev RunEvent) (run *Run, created bool, err error)
	// UpdateRun applies upd to the run with id. ENOTFOUND, EINVALID, ECONFLICT.
	UpdateRun(ctx context.Context, id string, upd RunUpdate) (*Run, error)
	// FindRun returns one run. ENOTFOUND, also for another organization's.
	FindRun(ctx context.Context, id string) (*Run, error)
	// ListRuns lists newest first (started_at, then id, descending).
	// EINVALID for a cursor this store did not make.
	ListRuns(ctx context.Context, f RunFilter) ([]*Run, string, error)
	// RecentRuns returns, for each named pipeline with runs, its last
	// perPipeline runs newest first (as ListRuns orders them), in one read:
	// the pipeline list's strip of recent runs. Unknown names have no entry.
	RecentRuns(ctx context.Context, pipelines []string, perPipeline int) (map[string][]*Run, error)
}

// RunChange is what a RunEvent, a RunUpdate or an OpenLineage event says of
// a run, as optional changes, so that POST, PATCH and OpenLineage share the
// status rules of RunService (NewRun and Run.Apply). Times are as kept.
type RunChange struct {
	Pipeline   string // "" for an update, which never moves a run
	Status     *string
	StartedAt  *time.Time
	FinishedAt *time.Time
	Error      *string
	Attributes json.RawMessage // merged as RunEvent.Attributes says
}

// Change is what the event says of its run.
func (ev RunEvent) Change() RunChange {
	return RunChange{Pipeline: ev.PipelineName, Status: &ev.Status, StartedAt: keepTime(ev.StartedAt),
		FinishedAt: keepTime(ev.FinishedAt), Error: ev.Error, Attributes: ev.Attributes}
}

// Change is what the update says of its run.
func (u RunUpdate) Change() RunChange {
	return RunChange{Status: u.Status, FinishedAt: keepTime(u.FinishedAt), Error: u.Error}
}

// NewRun builds the run that a first event (ch) creates at now, or
// EINVALID listing every problem of the result.
func NewRun(orgID, id string, ch RunChange, now time.Time) (*Run, error) {
	r := &Run{OrgID: orgID, ID: id, PipelineName: ch.Pipeline, StartedAt: now, CreatedAt: now, UpdatedAt: now}
	return r, applyFields(r, ch, now)
}

// Apply returns the run with ch applied at now and whether anything
// changed; r itself is left as it was. ECONFLICT when the change moves the
// run to another pipeline, changes a finished run other than by an
// identical repeat, or takes a running run back to queued; EINVALID for the
// problems of the result.
func (r *Run) Apply(ch RunChange, now time.Time) (*Run, bool, error) {
	if ch.Pipeline != "" && ch.Pipeline != r.PipelineName {
		return nil, false, Errorf(ECONFLICT, "Run %s belongs to pipeline %s, not %s; give this run another run_id.", r.ID, r.PipelineName, ch.Pipeline)
	}
	next := *r
	err := applyFields(&next, ch, now)
	changed := changedFields(r, &next)
	switch {
	case RunFinished(r.Status) && len(changed) == 0:
		return r, false, nil // an identical repeat
	case RunFinished(r.Status) && next.Status != r.Status:
		return nil, false, Errorf(ECONFLICT, "Run %s already finished as %s; a finished run does not change status again.", r.ID, r.Status)
	case RunFinished(r.Status):
		return nil, false, Errorf(ECONFLICT, "Run %s already finished as %s; only an identical repeat is accepted, and this one changes %s.", r.ID, r.Status, strings.Join(changed, ", "))
	case r.Status == RunRunning && next.Status == RunQueued:
		return nil, false, Errorf(ECONFLICT, "Run %s is running; it cannot go back to queued.", r.ID)
	case err != nil:
		return nil, false, err
	}
	if len(changed) == 0 {
		return r, false, nil
	}
	next.UpdatedAt = now
	return &next, true, nil
}

// applyFields writes ch onto r, fills finished_at when r finishes without
// one, and reports every problem with the result.
func applyFields(r *Run, ch RunChange, now time.Time) error {
	if ch.Status != nil {
		if r.Status == RunQueued && *ch.Status == RunRunning && ch.StartedAt == nil {
			r.StartedAt = now // a queued run starts when it starts running
		}
		r.Status = *ch.Status
	}
	if ch.StartedAt != nil {
		r.StartedAt = *ch.StartedAt
	}
	if ch.FinishedAt != nil {
		r.FinishedAt = ch.FinishedAt
	}
	if ch.Error != nil {
		r.Error = *ch.Error
	}
	var errs []FieldError
	if ch.Attributes != nil {
		merged, ok := mergeAttributes(r.Attributes, ch.Attributes)
		if !ok || len(merged) > MaxRunAttributesBytes {
			errs = append(errs, FieldError{"attributes", "attributes must be a JSON object, at most 64 KiB once merged with the stored ones."})
		}
		r.Attributes = merged
	}
	finished := RunFinished(r.Status)
	switch {
	case finished && r.FinishedAt == nil:
		// A client clock ahead of ours gives a zero duration, not an error.
		end := now
		if end.Before(r.StartedAt) {
			end = r.StartedAt
		}
		r.FinishedAt = &end
	case !finished && r.FinishedAt != nil:
		errs = append(errs, FieldError{"finished_at", "finished_at is only for a finished run; send it with status success, failed or cancelled."})
	case finished && r.FinishedAt.Before(r.StartedAt):
		field := "finished_at"
		if ch.FinishedAt == nil {
			field = "started_at"
		}
		errs = append(errs, FieldError{field, "finished_at must not be before started_at."})
	}
	if len(errs) > 0 {
		return Invalid(errs)
	}
	return nil
}

// changedFields names the fields in which b differs from a.
func changedFields(a, b *Run) []string {
	var out []string
	add := func(differs bool, field string) {
		if differs {
			out = append(out, field)
		}
	}
	add(a.Status != b.Status, "status")
	add(!a.StartedAt.Equal(b.StartedAt), "started_at")
	add(!sameTime(a.FinishedAt, b.FinishedAt), "finished_at")
	add(a.Error != b.Error, "error")
	add(string(a.Attributes) != string(b.Attributes), "attributes")
	return out
}

func sameTime(a, b *time.Time) bool { return a == b || (a != nil && b != nil && a.Equal(*b)) }

// mergeAttributes returns cur with the keys of add replacing its own and
// those set to null removed, as canonical JSON (sorted keys, compact) so
// that equal attributes are equal text; nil when none are left. False when
// either is not a JSON object (cur is then returned as it is).
func mergeAttributes(cur, add json.RawMessage) (json.RawMessage, bool) {
	m := map[string]json.RawMessage{}
	if cur != nil && json.Unmarshal(cur, &m) != nil {
		return cur, false
	}
	var upd map[string]json.RawMessage
	if json.Unmarshal(add, &upd) != nil || upd == nil {
		return cur, false
	}
	for k, v := range upd {
		if string(v) == "null" {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	if len(m) == 0 {
		return nil, true
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // keep "<" as the client wrote it, not \u003c
	if err := enc.Encode(m); err != nil {
		return cur, false
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), true
}
