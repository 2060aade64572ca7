package sqlstore

import (
	"context"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/openlineage"
)

// IngestOpenLineage applies one parsed OpenLineage event in one
// transaction: the raw event is stored once per fingerprint (a repeat
// changes nothing and reports Duplicate), its inputs and outputs become its
// job's lineage, and a RunEvent of a registered pipeline's job becomes, or
// updates, that pipeline's run with the check results of its facets.
//
// A run that cannot take the event (a late event for a finished run, a run
// id of another pipeline) is no error: clients do not resend a 4xx, and the
// lineage and the raw event are still worth keeping. RunNote says why.
func (db *DB) IngestOpenLineage(ctx context.Context, ev openlineage.Event) (*catalog.IngestResult, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// One organization's events are applied one at a time (SQLite's
	// immediate transactions already are): a run's events delivered at once
	// then meet a consistent run, a job's edges the newest event, and no two
	// events lock the same rows in opposite orders.
	if err := tx.lockLineage(ctx, orgID); err != nil {
		return nil, err
	}
	res := &catalog.IngestResult{Fingerprint: ev.Fingerprint()}
	if res.Duplicate, err = tx.storeOpenLineageEvent(ctx, orgID, ev); err != nil || res.Duplicate {
		if err != nil {
			return nil, err
		}
		return res, tx.commit()
	}
	if err := tx.applyOpenLineageLineage(ctx, orgID, ev); err != nil { // openlineage_lineage.go
		return nil, err
	}
	if ev.Kind == openlineage.KindRun {
		if err := tx.applyOpenLineageRun(ctx, orgID, ev, res); err != nil { // openlineage_run.go
			return nil, err
		}
	}
	return res, tx.commit()
}

// storeOpenLineageEvent keeps the raw event and reports whether it had been
// kept already. A concurrent delivery of the same event waits on the key
// and then finds it taken.
func (tx *Tx) storeOpenLineageEvent(ctx context.Context, orgID string, ev openlineage.Event) (bool, error) {
	dagRun := ""
	if ev.Kind == openlineage.KindRun {
		dagRun = openlineage.DAGRunID(ev)
	}
	res, err := tx.exec(ctx, `INSERT INTO openlineage_events (organization_id, fingerprint, run_id, dag_run_id, job_namespace,
		job_name, event_type, event_time, received_at, has_lineage, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, orgID, ev.Fingerprint(), ev.RunID, dagRun, ev.Job.Namespace, ev.Job.Name,
		string(ev.EventType), ts(ev.EventTime), ts(tx.now), carriesLineage(ev), string(ev.Raw))
	if err != nil {
		return false, fmt.Errorf("store openlineage event: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	return n == 0, nil
}

// carriesLineage reports whether a run or job event names datasets: only
// such events replace their job's edges.
func carriesLineage(ev openlineage.Event) bool {
	return ev.Kind != openlineage.KindDataset && len(ev.Inputs)+len(ev.Outputs) > 0
}
