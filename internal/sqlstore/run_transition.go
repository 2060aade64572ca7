package sqlstore

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// runChange is a RunEvent or a RunUpdate as one set of optional changes, so
// POST, PATCH and OpenLineage events share the status rules below.
type runChange struct {
	pipeline   string // "" for an update, which never moves a run
	status     *string
	startedAt  *time.Time
	finishedAt *time.Time
	errMsg     *string
	attributes json.RawMessage
}

func eventChange(ev catalog.RunEvent) runChange {
	return runChange{pipeline: ev.PipelineName, status: &ev.Status, startedAt: stored(ev.StartedAt),
		finishedAt: stored(ev.FinishedAt), errMsg: ev.Error, attributes: ev.Attributes}
}

func updateChange(u catalog.RunUpdate) runChange {
	return runChange{status: u.Status, finishedAt: stored(u.FinishedAt), errMsg: u.Error}
}

// stored rounds a time to what the columns keep, so that a repeat of a time
// already stored compares equal.
func stored(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u
}

// newRun builds the run a first event creates at now.
func newRun(orgID, id string, ch runChange, now time.Time) (*catalog.Run, error) {
	r := &catalog.Run{OrgID: orgID, ID: id, PipelineName: ch.pipeline, StartedAt: now, CreatedAt: now, UpdatedAt: now}
	return r, applyFields(r, ch, now)
}

// applyChange returns cur with ch applied at now and whether anything
// changed; cur itself is left as it was.
func applyChange(cur *catalog.Run, ch runChange, now time.Time) (*catalog.Run, bool, error) {
	if ch.pipeline != "" && ch.pipeline != cur.PipelineName {
		return nil, false, catalog.Errorf(catalog.ECONFLICT, "Run %s belongs to pipeline %s, not %s; give this run another run_id.", cur.ID, cur.PipelineName, ch.pipeline)
	}
	next := *cur
	err := applyFields(&next, ch, now)
	changed := changedFields(cur, &next)
	switch {
	case catalog.RunFinished(cur.Status) && len(changed) == 0:
		return cur, false, nil // an identical repeat
	case catalog.RunFinished(cur.Status) && next.Status != cur.Status:
		return nil, false, catalog.Errorf(catalog.ECONFLICT, "Run %s already finished as %s; a finished run does not change status again.", cur.ID, cur.Status)
	case catalog.RunFinished(cur.Status):
		return nil, false, catalog.Errorf(catalog.ECONFLICT, "Run %s already finished as %s; only an identical repeat is accepted, and this one changes %s.", cur.ID, cur.Status, strings.Join(changed, ", "))
	case cur.Status == catalog.RunRunning && next.Status == catalog.RunQueued:
		return nil, false, catalog.Errorf(catalog.ECONFLICT, "Run %s is running; it cannot go back to queued.", cur.ID)
	case err != nil:
		return nil, false, err
	}
	if len(changed) == 0 {
		return cur, false, nil
	}
	next.UpdatedAt = now
	return &next, true, nil
}

// applyFields writes ch onto r, fills finished_at when r finishes without
// one, and reports every problem with the result.
func applyFields(r *catalog.Run, ch runChange, now time.Time) error {
	if ch.status != nil {
		if r.Status == catalog.RunQueued && *ch.status == catalog.RunRunning && ch.startedAt == nil {
			r.StartedAt = now // a queued run starts when it starts running
		}
		r.Status = *ch.status
	}
	if ch.startedAt != nil {
		r.StartedAt = *ch.startedAt
	}
	if ch.finishedAt != nil {
		r.FinishedAt = ch.finishedAt
	}
	if ch.errMsg != nil {
		r.Error = *ch.errMsg
	}
	var errs []catalog.FieldError
	if ch.attributes != nil {
		merged, ok := mergeAttributes(r.Attributes, ch.attributes)
		if !ok || len(merged) > catalog.MaxRunAttributesBytes {
			errs = append(errs, catalog.FieldError{Field: "attributes", Message: "attributes must be a JSON object, at most 64 KiB once merged with the stored ones."})
		}
		r.Attributes = merged
	}
	finished := catalog.RunFinished(r.Status)
	switch {
	case finished && r.FinishedAt == nil:
		// A client clock ahead of ours gives a zero duration, not an error.
		end := now
		if end.Before(r.StartedAt) {
			end = r.StartedAt
		}
		r.FinishedAt = &end
	case !finished && r.FinishedAt != nil:
		errs = append(errs, catalog.FieldError{Field: "finished_at", Message: "finished_at is only for a finished run; send it with status success, failed or cancelled."})
	case finished && r.FinishedAt.Before(r.StartedAt):
		field := "finished_at"
		if ch.finishedAt == nil {
			field = "started_at"
		}
		errs = append(errs, catalog.FieldError{Field: field, Message: "finished_at must not be before started_at."})
	}
	if len(errs) > 0 {
		return catalog.Invalid(errs)
	}
	return nil
}

// changedFields names the fields in which b differs from a.
func changedFields(a, b *catalog.Run) []string {
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
