package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// dagRunEvents is one Airflow DAG run of pipeline nightly: its own START,
// RUNNING and FAIL, and six tasks in a chain (task i reads ds_i and writes
// ds_i+1), each START, RUNNING, COMPLETE; the fourth fails once and
// succeeds on its retry (a second attempt, another run id).
func dagRunEvents() []catalog.OpenLineageEvent {
	const dag = "0190f1e4-9000-7000-8000-000000000000"
	base := time.Date(2024, 5, 1, 2, 0, 0, 0, time.UTC)
	ds := func(i int) []catalog.OpenLineageDataset {
		return []catalog.OpenLineageDataset{{Namespace: "postgres://prod:5432", Name: fmt.Sprintf("dw.ds_%d", i)}}
	}
	var out []catalog.OpenLineageEvent
	ev := func(job, runID, eventType string, at time.Duration, ins, outs []catalog.OpenLineageDataset) {
		e := catalog.OpenLineageEvent{Kind: catalog.OpenLineageRunEvent, EventType: eventType, EventTime: base.Add(at),
			Fingerprint: fmt.Sprintf("%x", runID+"/"+eventType), Raw: []byte(fmt.Sprintf(`{"job":%q,"eventType":%q}`, job, eventType)),
			RunID: runID, Status: catalog.RunRunning, JobNamespace: "airflow://prod", JobName: job, Inputs: ins, Outputs: outs}
		if runID != dag {
			e.Parent = &catalog.OpenLineageRunRef{RunID: dag, JobNamespace: "airflow://prod", JobName: "nightly"}
		}
		switch eventType {
		case "COMPLETE":
			e.Status, e.Terminal = catalog.RunSuccess, true
		case "FAIL":
			e.Status, e.Terminal, e.ErrorMessage = catalog.RunFailed, true, "task "+job+" failed"
		}
		out = append(out, e.WithHierarchy())
	}
	ev("nightly", dag, "START", 0, nil, nil)
	ev("nightly", dag, "RUNNING", time.Second, nil, nil)
	at := 2 * time.Second
	for i := 1; i <= 6; i++ {
		job := fmt.Sprintf("nightly.task_%d", i)
		attempts := 1
		if i == 4 {
			attempts = 2
		}
		for a := 1; a <= attempts; a++ {
			runID := fmt.Sprintf("0190f1e4-9000-7000-8000-%06d%06d", i, a)
			ev(job, runID, "START", at, ds(i), nil)
			ev(job, runID, "RUNNING", at+time.Second, ds(i), ds(i+1))
			end := "COMPLETE"
			if i == 4 && a == 1 {
				end = "FAIL"
			}
			ev(job, runID, end, at+2*time.Second, ds(i), ds(i+1))
			at += 3 * time.Second
		}
	}
	ev("nightly", dag, "FAIL", at, nil, nil)
	return out
}

// One DAG run's events sent by 32 concurrent senders in random order, each
// twice, leave the run and the graph exactly as sending them one by one in
// order does.
func TestIngestOpenLineage_ConcurrentSendersMatchSequential(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		db.Now = func() time.Time { return now }
		events := dagRunEvents()
		org := func() (context.Context, string) {
			ctx, o := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
			if _, _, err := db.RegisterPipeline(ctx, reg("nightly", "1", "a")); err != nil {
				t.Fatal(err)
			}
			return ctx, o.ID
		}
		seqCtx, seqOrg := org()
		for _, ev := range events {
			if _, err := db.IngestOpenLineage(seqCtx, ev, nil); err != nil {
				t.Fatalf("%s %s: %v", ev.JobName, ev.EventType, err)
			}
		}
		want := graphState(t, db, seqOrg)
		if len(want["runs"]) != 1 || len(want["lineage_edges"]) != 6 || len(want["openlineage_events"]) != len(events) {
			t.Fatalf("the sequential result is not the DAG run's: %q", want)
		}

		for round := range 3 {
			ctx, orgID := org()
			sends := append(slices.Clone(events), events...)
			rand.Shuffle(len(sends), func(i, j int) { sends[i], sends[j] = sends[j], sends[i] })
			queue := make(chan catalog.OpenLineageEvent, len(sends))
			for _, ev := range sends {
				queue <- ev
			}
			close(queue)
			var wg sync.WaitGroup
			for range 32 {
				wg.Go(func() {
					for ev := range queue {
						if _, err := db.IngestOpenLineage(ctx, ev, nil); err != nil {
							t.Errorf("%s %s: %v", ev.JobName, ev.EventType, err)
						}
					}
				})
			}
			wg.Wait()
			got := graphState(t, db, orgID)
			for table, rows := range want {
				if !slices.Equal(rows, got[table]) {
					t.Errorf("round %d, %s:\n got %q\nwant %q", round, table, got[table], rows)
				}
			}
		}
	})
}

// graphState reads, table by table, what ingestion leaves of an
// organization: every row as text, sorted, without the organization id and
// without check ids (random).
func graphState(t *testing.T, db *sqlstore.DB, orgID string) map[string][]string {
	t.Helper()
	state := map[string][]string{}
	err := db.WithOrgTx(context.Background(), orgID, func(tx *sql.Tx) error {
		for _, table := range []string{"runs", "datasets", "dataset_declarations", "dataset_aliases", "lineage_edges",
			"openlineage_jobs", "openlineage_run_datasets", "openlineage_checks", "openlineage_events"} {
			rows, err := tx.Query(`SELECT * FROM `+table+` WHERE organization_id = $1`, orgID)
			if err != nil {
				return err
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]sql.NullString, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					rows.Close()
					return err
				}
				var parts []string
				for i, c := range cols {
					if c == "organization_id" || (table == "openlineage_events" && c == "received_at") {
						continue
					}
					parts = append(parts, c+"="+vals[i].String)
				}
				state[table] = append(state[table], strings.Join(parts, " "))
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			slices.Sort(state[table])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return state
}
