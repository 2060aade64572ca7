package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/jackc/pgx/v5/pgconn"
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
	res, err := db.IngestOpenLineageBatch(ctx, []catalog.OpenLineageEvent{ev}, severities)
	if err != nil {
		return nil, err
	}
	return res[0], nil
}

// IngestOpenLineageBatch applies events in order in one transaction, as
// IngestOpenLineage would one after the other. The transaction is retried
// when Postgres picks it as a deadlock's victim or refuses to serialise it.
func (db *DB) IngestOpenLineageBatch(ctx context.Context, evs []catalog.OpenLineageEvent, severities catalog.CheckSeverities) ([]*catalog.IngestResult, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	exclusive := slices.ContainsFunc(evs, func(ev catalog.OpenLineageEvent) bool { return ev.Kind == catalog.OpenLineageDatasetEvent })
	for attempt := 1; ; attempt++ {
		res, err := db.ingestBatch(ctx, orgID, evs, severities, exclusive)
		if errors.Is(err, errLineageExclusive) && !exclusive {
			exclusive = true // a new alias: again, holding the graph alone
			continue
		}
		if err == nil || !retriable(err) || attempt == maxTxAttempts {
			return res, err
		}
	}
}

func (db *DB) ingestBatch(ctx context.Context, orgID string, evs []catalog.OpenLineageEvent, severities catalog.CheckSeverities, exclusive bool) ([]*catalog.IngestResult, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := tx.lockOpenLineage(ctx, orgID, exclusive); err != nil {
		return nil, err
	}
	out := make([]*catalog.IngestResult, len(evs))
	runs := &eventRuns{byID: map[string]*dagRunEvents{}, pipelines: map[[2]string]string{}}
	jobs := jobRuns{}
	notes := make([]*ingestNotes, len(evs))
	for i, ev := range evs {
		if ev, err = tx.placeUnderKnownRoot(ctx, orgID, ev); err != nil {
			return nil, err
		}
		res := &catalog.IngestResult{Fingerprint: ev.Fingerprint}
		out[i] = res
		if res.Duplicate, err = tx.storeOpenLineageEvent(ctx, orgID, ev); err != nil {
			return nil, err
		} else if res.Duplicate {
			continue
		}
		n := &ingestNotes{at: ev.EventTime}
		if err := tx.applyOpenLineageLineage(ctx, orgID, ev, n, jobs); err != nil {
			return nil, err
		}
		notes[i] = n
		if ev.Kind == catalog.OpenLineageRunEvent {
			if err := tx.queueEventRun(ctx, orgID, runs, ev, res); err != nil {
				return nil, err
			}
		}
	}
	if err := tx.applyJobRuns(ctx, orgID, jobs); err != nil {
		return nil, err
	}
	for i, n := range notes {
		if n != nil {
			out[i].Warnings = n.warnings
		}
	}
	// The runs last, each once and in id order: a run's row lock is held
	// from here to the commit only, and two transactions take the rows of
	// the runs they share in one order.
	for _, id := range slices.Sorted(maps.Keys(runs.byID)) {
		if err := tx.applyOpenLineageRun(ctx, orgID, runs.byID[id], severities); err != nil {
			return nil, err
		}
	}
	return out, tx.commit()
}

// lockOpenLineage takes, on Postgres, the organization's lineage lock,
// shared unless exclusive, so that events never wait for each other here:
// a pipeline's registration or deletion, which may take dataset nodes back,
// holds it exclusively, and so does ingestion that replaces a dataset's
// part as they do (a DatasetEvent) or merges nodes (a new alias). The jobs'
// locks come at the end (applyJobRuns).
func (tx *Tx) lockOpenLineage(ctx context.Context, orgID string, exclusive bool) error {
	if tx.db.engine != Postgres {
		return nil
	}
	if exclusive {
		return tx.lockLineage(ctx, orgID)
	}
	if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock_shared($1, $2)`, lineageLockClass, lineageLockKey(orgID)); err != nil {
		return fmt.Errorf("lock lineage: %w", err)
	}
	tx.lineageShared = true
	return nil
}

// maxTxAttempts bounds the retries of a transaction Postgres aborted as a
// deadlock's victim or a serialisation failure.
const maxTxAttempts = 5

// retriable reports an abort that a new attempt of the same transaction
// can get past.
func retriable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
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
	// Under the row's lock: two events of different jobs may merge facets
	// into one node at once. (NO KEY: edges referencing the node need not
	// wait for it.)
	if err := tx.queryRow(ctx, `SELECT facets FROM datasets WHERE organization_id = $1 AND id = $2`+tx.forNoKeyUpdate(), orgID, node.ID).Scan(&cur); err != nil {
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

// eventRuns are the pipeline runs a batch's events apply to, by DAG run
// id, with the pipelines of the jobs seen.
type eventRuns struct {
	byID      map[string]*dagRunEvents
	pipelines map[[2]string]string // (namespace, name) → pipeline, "" for none
}

// dagRunEvents is one DAG run and the events to apply to it, in order.
type dagRunEvents struct {
	id     string
	events []catalog.OpenLineageEvent
	res    []*catalog.IngestResult
}

// queueEventRun puts a RunEvent of a registered pipeline's job in line for
// the pipeline's run, keyed by the DAG run id (a task's events roll up to
// the run of its DAG).
func (tx *Tx) queueEventRun(ctx context.Context, orgID string, runs *eventRuns, ev catalog.OpenLineageEvent, res *catalog.IngestResult) error {
	job := [2]string{ev.PipelineNamespace, ev.Pipeline}
	pipeline, seen := runs.pipelines[job]
	if !seen {
		var err error
		if pipeline, err = tx.openLineagePipeline(ctx, orgID, job[0], job[1]); err != nil {
			return err
		}
		runs.pipelines[job] = pipeline
	}
	if pipeline == "" {
		return nil // unregistered jobs keep their lineage only
	}
	ev.Pipeline = pipeline
	r := runs.byID[ev.DAGRunID]
	if r == nil {
		r = &dagRunEvents{id: ev.DAGRunID}
		runs.byID[ev.DAGRunID] = r
	}
	r.events, r.res = append(r.events, ev), append(r.res, res)
	return nil
}

// applyOpenLineageRun applies its events to a DAG run under the run's row
// lock, creating the run with the first event that can, writes the run
// once, and records the check results of the events' facets.
func (tx *Tx) applyOpenLineageRun(ctx context.Context, orgID string, r *dagRunEvents, severities catalog.CheckSeverities) error {
	cur, err := findRun(ctx, tx, orgID, r.id, tx.forUpdate())
	if catalog.ErrorCode(err) == catalog.ENOTFOUND {
		cur, err = nil, nil
	}
	if err != nil {
		return err
	}
	defs := definitions{tx: tx, orgID: orgID, severities: severities}
	dirty, failed := false, false
	for i, ev := range r.events {
		res := r.res[i]
		var run *catalog.Run // the run as the event found it (or created it)
		if cur == nil {
			created, _, err := ev.ApplyToRun(orgID, nil, tx.now)
			if err == nil {
				if testHookBeforeEventRunInsert != nil {
					testHookBeforeEventRunInsert()
				}
				err = tx.insertRun(ctx, created)
			}
			switch {
			case err == nil:
				cur, run = created, created
				res.Pipeline, res.RunID = ev.Pipeline, ev.DAGRunID
			case errors.Is(err, errRunRaced):
				// A POST /runs of the same id won: apply the event to its run.
				if cur, err = findRun(ctx, tx, orgID, r.id, tx.forUpdate()); err != nil {
					return err
				}
			default:
				if err := runNote(res, ev, err); err != nil {
					return err
				}
				continue
			}
		}
		if run == nil {
			next, changed, err := ev.ApplyToRun(orgID, cur, tx.now)
			if err := runNote(res, ev, err); err != nil {
				return err
			} else if res.RunID == "" {
				continue
			}
			run = cur
			// cur is the run as it was before the event; the answer's run
			// warnings come after the lineage caps set above.
			if w, dropped := ev.TaskAttemptsWarning(cur.Attributes); dropped {
				res.Warnings = append(res.Warnings, w)
			}
			if changed {
				cur, dirty = next, true
			}
		}
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
	}
	if dirty {
		if err := tx.updateRun(ctx, cur); err != nil {
			return err
		}
	}
	if failed && cur != nil && !cur.ChecksFailed {
		return tx.markChecksFailed(ctx, orgID, cur.ID)
	}
	return nil
}

// runNote records on res whether the event applied to its run (err nil),
// or why not (a conflict or an invalid change, which is no error of the
// ingestion); any other error is returned.
func runNote(res *catalog.IngestResult, ev catalog.OpenLineageEvent, err error) error {
	switch code := catalog.ErrorCode(err); {
	case err == nil:
		res.Pipeline, res.RunID = ev.Pipeline, ev.DAGRunID
	case code == catalog.ECONFLICT || code == catalog.EINVALID:
		res.RunNote = catalog.ErrorMessage(err)
	default:
		return err
	}
	return nil
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
