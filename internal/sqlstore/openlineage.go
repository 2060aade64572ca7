package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// OpenLineage ingestion persists what the mapping of catalog decides
// (OpenLineageEvent.ApplyToRun, CheckReports, OpenLineageLineage): the raw
// event, its job's part of the lineage graph, its pipeline's run and the
// check results of its facets.

// IngestOpenLineage applies one event in one transaction (see
// catalog.OpenLineageIngestService). A run that cannot take the event (a
// late event for a finished run, a run id of another pipeline) is no error:
// clients do not resend a 4xx, and the lineage and the raw event are still
// worth keeping. RunNote says why.
func (db *DB) IngestOpenLineage(ctx context.Context, ev catalog.OpenLineageEvent, severities catalog.CheckSeverities) (*catalog.IngestResult, error) {
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
	if ev, err = tx.placeUnderKnownRoot(ctx, orgID, ev); err != nil {
		return nil, err
	}
	res := &catalog.IngestResult{Fingerprint: ev.Fingerprint}
	if res.Duplicate, err = tx.storeOpenLineageEvent(ctx, orgID, ev); err != nil || res.Duplicate {
		if err != nil {
			return nil, err
		}
		return res, tx.commit()
	}
	notes := &ingestNotes{at: ev.EventTime}
	if err := tx.applyOpenLineageLineage(ctx, orgID, ev, notes); err != nil {
		return nil, err
	}
	if ev.Kind == catalog.OpenLineageRunEvent {
		if err := tx.applyOpenLineageRun(ctx, orgID, ev, severities, res); err != nil {
			return nil, err
		}
	}
	res.Warnings = notes.warnings
	return res, tx.commit()
}

// storeOpenLineageEvent keeps the raw event and reports whether it had been
// kept already. A concurrent delivery of the same event waits on the key
// and then finds it taken.
func (tx *Tx) storeOpenLineageEvent(ctx context.Context, orgID string, ev catalog.OpenLineageEvent) (bool, error) {
	res, err := tx.exec(ctx, `INSERT INTO openlineage_events (organization_id, fingerprint, run_id, dag_run_id, job_namespace,
		job_name, event_type, event_time, received_at, has_lineage, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT DO NOTHING`, orgID, ev.Fingerprint, ev.RunID, ev.DAGRunID, ev.JobNamespace, ev.JobName,
		ev.EventType, ts(ev.EventTime), ts(tx.now), ev.CarriesLineage(), string(ev.Raw))
	if err != nil {
		return false, fmt.Errorf("store openlineage event: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	return n == 0, nil
}

func (tx *Tx) eventDatasets(ctx context.Context, orgID string, list []catalog.OpenLineageDataset, notes *ingestNotes) ([]catalog.Dataset, error) {
	var out []catalog.Dataset
	for _, d := range list {
		node, err := tx.eventDataset(ctx, orgID, d, notes)
		if err != nil {
			return nil, err
		}
		out = append(out, node)
	}
	return out, nil
}

// eventDataset is the graph node of an OpenLineage dataset: the node its
// identity is an alias of (a spec dataset joined through its connection, a
// table its symlinks name), else the node of the first symlinked table,
// else, as before connections named addresses, the one spec node whose
// object is the name exactly, else the observed node of (namespace, name).
// Symlinks become aliases of the node found.
func (tx *Tx) eventDataset(ctx context.Context, orgID string, d catalog.OpenLineageDataset, notes *ingestNotes) (catalog.Dataset, error) {
	node, err := tx.findEventDataset(ctx, orgID, d)
	if err != nil {
		return node, err
	}
	for _, s := range d.Symlinks {
		if s.Namespace == node.Namespace && s.Name == node.Name {
			continue
		}
		if err := tx.ensureDataset(ctx, orgID, node); err != nil {
			return node, err
		}
		if err := tx.addAlias(ctx, orgID, s.Namespace, s.Name, node.ID); err != nil {
			return node, err
		}
	}
	if node.Namespace != d.Namespace || node.Name != d.Name {
		if err := tx.ensureDataset(ctx, orgID, node); err != nil {
			return node, err
		}
		if err := tx.addAlias(ctx, orgID, d.Namespace, d.Name, node.ID); err != nil {
			return node, err
		}
	}
	return node, tx.mergeFacets(ctx, orgID, node, d, notes)
}

// ingestNotes is what one event's ingestion reports besides its result:
// the event's time, and the caps it met (IngestResult.Warnings).
type ingestNotes struct {
	at       time.Time
	warnings []catalog.IngestWarning
}

// mergeFacets keeps the kept facets of an event's dataset on its node
// (catalog.MergeDatasetFacets), the newest event's per facet.
func (tx *Tx) mergeFacets(ctx context.Context, orgID string, node catalog.Dataset, d catalog.OpenLineageDataset, notes *ingestNotes) error {
	facets := d.Facets
	if len(facets) == 0 {
		return nil
	}
	if err := tx.ensureDataset(ctx, orgID, node); err != nil {
		return err
	}
	var cur string
	if err := tx.queryRow(ctx, `SELECT facets FROM datasets WHERE organization_id = $1 AND id = $2`, orgID, node.ID).Scan(&cur); err != nil {
		return fmt.Errorf("read facets: %w", err)
	}
	next, changed, tooLarge := catalog.MergeDatasetFacets([]byte(cur), facets, notes.at)
	for _, f := range tooLarge {
		notes.warnings = append(notes.warnings, catalog.IngestWarning{Cap: "facet_size", Message: fmt.Sprintf(
			"The %s facet of dataset %s (%s) is over %d KiB and was not kept.", f, d.Name, d.Namespace, catalog.MaxDatasetFacetBytes>>10)})
	}
	if !changed {
		return nil
	}
	if _, err := tx.exec(ctx, `UPDATE datasets SET facets = $1, dropped = $2, updated_at = $3 WHERE organization_id = $4 AND id = $5`,
		string(next), catalog.DatasetDropped(next), ts(tx.now), orgID, node.ID); err != nil {
		return fmt.Errorf("keep facets: %w", err)
	}
	return nil
}

func (tx *Tx) findEventDataset(ctx context.Context, orgID string, d catalog.OpenLineageDataset) (catalog.Dataset, error) {
	for _, id := range append([]catalog.OpenLineageSymlink{{Namespace: d.Namespace, Name: d.Name}}, d.Symlinks...) {
		found, err := tx.aliasedDataset(ctx, orgID, id.Namespace, id.Name)
		if err != nil || found != "" {
			return tx.datasetNode(ctx, orgID, found, err)
		}
	}
	if t := d.Table(); t != nil {
		return catalog.Dataset{ID: catalog.ObservedDatasetID(t.Namespace, t.Name), Namespace: t.Namespace, Name: t.Name}, nil
	}
	rows, err := tx.query(ctx, `SELECT id FROM datasets WHERE organization_id = $1 AND object = $2 AND namespace = '' ORDER BY id LIMIT 2`, orgID, d.Name)
	if err != nil {
		return catalog.Dataset{}, fmt.Errorf("match dataset: %w", err)
	}
	ids, err := scanAll(rows, scanString)
	if err != nil {
		return catalog.Dataset{}, fmt.Errorf("match dataset: %w", err)
	}
	if len(ids) == 1 {
		return catalog.Dataset{ID: ids[0], Object: d.Name}, nil
	}
	return catalog.Dataset{ID: catalog.ObservedDatasetID(d.Namespace, d.Name), Namespace: d.Namespace, Name: d.Name}, nil
}

// datasetNode reads the node id (the result of a lookup that may have
// failed with err).
func (tx *Tx) datasetNode(ctx context.Context, orgID, id string, err error) (catalog.Dataset, error) {
	if err != nil {
		return catalog.Dataset{}, err
	}
	d, err := scanDataset(tx.queryRow(ctx, `SELECT `+datasetColumns+` FROM datasets WHERE organization_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return catalog.Dataset{}, fmt.Errorf("read aliased dataset: %w", err)
	}
	return *d, nil
}

// ensureDataset creates the node if it does not exist yet, so that an
// alias can point at it.
func (tx *Tx) ensureDataset(ctx context.Context, orgID string, d catalog.Dataset) error {
	now := ts(tx.now)
	_, err := tx.exec(ctx, `INSERT INTO datasets (organization_id, id, namespace, name, object, connection_ref, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (organization_id, id) DO NOTHING`,
		orgID, d.ID, d.Namespace, d.Name, d.Object, d.ConnectionRef, now, now)
	if err != nil {
		return fmt.Errorf("create dataset: %w", err)
	}
	return nil
}

// applyOpenLineageRun makes a RunEvent of a registered pipeline's job the
// pipeline's run, keyed by the DAG run id (a task's events roll up to the
// run of its DAG), and records the check results of its facets.
func (tx *Tx) applyOpenLineageRun(ctx context.Context, orgID string, ev catalog.OpenLineageEvent, severities catalog.CheckSeverities, res *catalog.IngestResult) error {
	pipeline, err := tx.openLineagePipeline(ctx, orgID, ev.PipelineNamespace, ev.Pipeline)
	if err != nil || pipeline == "" {
		return err // unregistered jobs keep their lineage only
	}
	ev.Pipeline = pipeline
	run, err := tx.applyEventToRun(ctx, orgID, ev)
	switch code := catalog.ErrorCode(err); {
	case err == nil:
		res.Pipeline, res.RunID = ev.Pipeline, ev.DAGRunID
	case code == catalog.ECONFLICT || code == catalog.EINVALID:
		res.RunNote = catalog.ErrorMessage(err)
		return nil
	default:
		return err
	}
	defs := definitions{tx: tx, orgID: orgID, severities: severities}
	failed := false
	for _, oc := range ev.OpenLineageChecks(run.ID) {
		if fresh, err := tx.recordOnce(ctx, orgID, run.ID, oc.Key); err != nil || !fresh {
			if err != nil {
				return err
			}
			continue // START and COMPLETE both carried it, or a repeat
		}
		c, err := tx.insertCheck(ctx, run, oc.Report, &defs)
		if err != nil {
			return err
		}
		res.Checks++
		failed = failed || c.FailsRun()
	}
	if failed && !run.ChecksFailed {
		return tx.markChecksFailed(ctx, orgID, run.ID)
	}
	return nil
}

// applyEventToRun applies the event to its DAG run under the run's row
// lock, creating the run if it is the first event, and returns the run as
// it was found (or created).
func (tx *Tx) applyEventToRun(ctx context.Context, orgID string, ev catalog.OpenLineageEvent) (*catalog.Run, error) {
	cur, err := findRun(ctx, tx, orgID, ev.DAGRunID, tx.forUpdate())
	if catalog.ErrorCode(err) == catalog.ENOTFOUND {
		run, _, applyErr := ev.ApplyToRun(orgID, nil, tx.now)
		if applyErr != nil {
			return nil, applyErr
		}
		if testHookBeforeEventRunInsert != nil {
			testHookBeforeEventRunInsert()
		}
		if err = tx.insertRun(ctx, run); !errors.Is(err, errRunRaced) {
			return run, err
		}
		// A POST /runs of the same id won: apply the event to its run.
		cur, err = findRun(ctx, tx, orgID, ev.DAGRunID, tx.forUpdate())
	}
	if err != nil {
		return nil, err
	}
	next, changed, err := ev.ApplyToRun(orgID, cur, tx.now)
	if err == nil && changed {
		err = tx.updateRun(ctx, next)
	}
	return cur, err
}

// testHookBeforeEventRunInsert, set by a test, runs between finding no run
// for an event and creating it: where a POST /runs of the same id can win.
var testHookBeforeEventRunInsert func()

const openLineageColumns = `fingerprint, run_id, job_namespace, job_name, event_type, event_time, received_at, body`

// ListOpenLineageEvents lists the organization's raw events, newest first
// by event time, so that a replay can read them back in any window.
func (db *DB) ListOpenLineageEvents(ctx context.Context, f catalog.OpenLineageFilter) ([]*catalog.OpenLineageRecord, string, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, "", err
	}
	after, err := decodeCursor(f.Cursor, 2)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Page)
	a := args{orgID}
	q := `SELECT ` + openLineageColumns + ` FROM openlineage_events WHERE organization_id = $1`
	if f.RunID != "" {
		run := a.add(f.RunID)
		q += ` AND (run_id = ` + run + ` OR dag_run_id = ` + run + `)`
	}
	if after != nil {
		at, fp := a.add(after[0]), a.add(after[1])
		q += ` AND (event_time < ` + at + ` OR (event_time = ` + at + ` AND fingerprint < ` + fp + `))`
	}
	rows, err := db.query(ctx, q+` ORDER BY event_time DESC, fingerprint DESC LIMIT `+a.add(limit+1), a...)
	if err != nil {
		return nil, "", fmt.Errorf("list openlineage events: %w", err)
	}
	return collectPage(rows, limit, scanOpenLineage, func(e *catalog.OpenLineageRecord) string {
		return encodeCursor(ts(e.EventTime), e.Fingerprint)
	})
}

func scanOpenLineage(row scanner) (*catalog.OpenLineageRecord, error) {
	e := &catalog.OpenLineageRecord{}
	var body string
	if err := row.Scan(&e.Fingerprint, &e.RunID, &e.JobNamespace, &e.JobName, &e.EventType, timeCol{&e.EventTime}, timeCol{&e.ReceivedAt}, &body); err != nil {
		return nil, err
	}
	e.Body = []byte(body)
	return e, nil
}

// PurgeOpenLineageEvents deletes every organization's raw events received
// before before. Row-level security lets a transaction touch one
// organization's rows only, so it goes organization by organization, which
// it learns through the platform listing (organizations are under row-level
// security too).
func (db *DB) PurgeOpenLineageEvents(ctx context.Context, before time.Time) (int64, error) {
	orgs, err := db.allOrgIDs(ctx)
	if err != nil {
		return 0, fmt.Errorf("list organizations: %w", err)
	}
	var total int64
	for _, orgID := range orgs {
		n, err := db.purgeOrgEvents(ctx, orgID, before)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

func (db *DB) purgeOrgEvents(ctx context.Context, orgID string, before time.Time) (int64, error) {
	tx, err := db.begin(actingIn(ctx, orgID))
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	res, err := tx.exec(ctx, `DELETE FROM openlineage_events WHERE organization_id = $1 AND received_at < $2`, orgID, ts(before))
	if err != nil {
		return 0, fmt.Errorf("purge openlineage events: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	return n, tx.commit()
}
