package sqlstore

import (
	"context"
	"errors"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/openlineage"
)

// applyOpenLineageRun makes a RunEvent of a registered pipeline's job the
// pipeline's run, keyed by the DAG run id (a task's events roll up to the
// run of its DAG), and records the check results of its facets. Only the
// DAG's own events decide the run's status; a task's events keep the run
// running (and never reopen a finished one), and a task's FAIL is noted in
// the run's attributes under failed_tasks.
func (tx *Tx) applyOpenLineageRun(ctx context.Context, orgID string, ev openlineage.Event, res *catalog.IngestResult) error {
	pipeline := openlineage.PipelineName(ev.Job.Name)
	if known, err := tx.pipelineExists(ctx, orgID, pipeline); err != nil || !known {
		return err // unregistered jobs keep their lineage only
	}
	runID := openlineage.DAGRunID(ev)
	own := runID == ev.RunID
	at := *stored(&ev.EventTime)
	cur, err := findRun(ctx, tx, orgID, runID, tx.forUpdate())
	if catalog.ErrorCode(err) == catalog.ENOTFOUND {
		cur, err = tx.createEventRun(ctx, orgID, pipeline, runID, own, ev, at)
		if errors.Is(err, errRunRaced) { // a POST /runs of the same id won
			if cur, err = findRun(ctx, tx, orgID, runID, tx.forUpdate()); err == nil {
				err = tx.updateEventRun(ctx, cur, pipeline, own, ev, at)
			}
		}
	} else if err == nil {
		err = tx.updateEventRun(ctx, cur, pipeline, own, ev, at)
	}
	switch code := catalog.ErrorCode(err); {
	case err == nil:
		res.Pipeline, res.RunID = pipeline, runID
	case code == catalog.ECONFLICT || code == catalog.EINVALID:
		res.RunNote = catalog.ErrorMessage(err)
		return nil
	default:
		return err
	}
	return tx.recordEventChecks(ctx, orgID, cur, ev, res) // openlineage_checks.go
}

// createEventRun stores the run an event sees first. A terminal event
// first (COMPLETE before START) starts the run at its own time, which the
// late START then corrects.
func (tx *Tx) createEventRun(ctx context.Context, orgID, pipeline, runID string, own bool, ev openlineage.Event, at time.Time) (*catalog.Run, error) {
	ch := eventRunChange(pipeline, own, ev, at)
	ch.startedAt = &at
	if ch.status == nil {
		running := catalog.RunRunning // OTHER, or a task, before anything else of the run
		ch.status = &running
	}
	if !own {
		ch.attributes = failedTask(nil, ev)
	}
	run, err := newRun(orgID, runID, ch, tx.now)
	if err != nil {
		return nil, err
	}
	return run, tx.insertRun(ctx, run)
}

// updateEventRun applies an event to the locked run cur.
func (tx *Tx) updateEventRun(ctx context.Context, cur *catalog.Run, pipeline string, own bool, ev openlineage.Event, at time.Time) error {
	ch := eventRunChange(pipeline, own, ev, at)
	early := at.Before(cur.StartedAt)
	switch {
	case catalog.RunFinished(cur.Status) && own && ev.EventType == openlineage.Start && early:
		// The late START of a finished run: its status stays, but the
		// start it reports is the true one.
		_, err := tx.exec(ctx, `UPDATE runs SET started_at = ?, updated_at = ? WHERE organization_id = ? AND run_id = ?`,
			ts(at), ts(tx.now), cur.OrgID, cur.ID)
		return err
	case catalog.RunFinished(cur.Status) && !openlineage.Terminal(ev.EventType):
		return nil // a late START, RUNNING or OTHER changes a finished run no more
	case catalog.RunFinished(cur.Status) && !own:
		return nil // a task's late end: the DAG's own event has decided
	case !own:
		if early {
			ch.startedAt = &at
		}
		ch.attributes = failedTask(cur.Attributes, ev)
	}
	_, err := tx.changeRun(ctx, cur, ch)
	return err
}

// eventRunChange is what an event says of its run. A task's event only
// says the DAG run is running.
func eventRunChange(pipeline string, own bool, ev openlineage.Event, at time.Time) runChange {
	ch := runChange{pipeline: pipeline}
	status := openlineage.Status(ev.EventType)
	switch {
	case !own || status == catalog.RunRunning:
		status = catalog.RunRunning
		if own && ev.EventType == openlineage.Start {
			ch.startedAt = &at
		}
	case openlineage.Terminal(ev.EventType):
		ch.finishedAt = &at
		if ev.Error != nil && ev.Error.Message != "" {
			msg := clipBytes(ev.Error.Message, catalog.MaxRunErrorBytes)
			ch.errMsg = &msg
		}
	}
	if status != "" {
		ch.status = &status
	}
	return ch
}
