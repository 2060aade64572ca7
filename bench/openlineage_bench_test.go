package bench

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// olEvent is the n-th event: a task COMPLETE of the registered pipeline p
// rolling up into its DAG run, reading one table and writing another: the
// common Airflow event, touching the raw event table, the run and the
// job's lineage. A DAG run has dagTasks tasks and dagsInFlight DAG runs
// are in flight at once (consecutive events belong to different ones), as
// in an organization whose 32 producers are busy with many DAGs; the 50
// jobs are shared by all DAG runs.
func olEvent(n int64) string {
	dag := benchUUID(1<<40 + dagOf(n))
	return fmt.Sprintf(`{"eventType":"COMPLETE","eventTime":"2024-05-01T02:00:00Z","producer":"https://example.com/bench",
	 "schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
	 "run":{"runId":"%s","facets":{"parent":{"run":{"runId":"%s"},"job":{"namespace":"airflow://bench","name":"p"}}}},
	 "job":{"namespace":"airflow://bench","name":"p.task_%d"},
	 "inputs":[{"namespace":"postgres://db","name":"db.raw"}],
	 "outputs":[{"namespace":"bigquery","name":"an.table_%d"}]}`, benchUUID(n), dag, n%50, n%50)
}

// dagTasks is how many task events one DAG run of the benchmark has, and
// dagsInFlight how many DAG runs receive events at once.
const (
	dagTasks     = 20
	dagsInFlight = 64
)

// dagOf is the DAG run of the n-th event.
func dagOf(n int64) int64 { return n/(dagTasks*dagsInFlight)*dagsInFlight + n%dagsInFlight }

// benchUUID makes the n-th distinct run id.
func benchUUID(n int64) string { return fmt.Sprintf("0190f1e4-0000-7000-8000-%012x", n) }

// BenchmarkOpenLineageSingle is ingestion of one event per request by 32
// concurrent senders of one organization (ours), beside a raw insert of the
// event's row, one transaction per event (raw). Both report events/s.
func BenchmarkOpenLineageSingle(b *testing.B) { benchOpenLineage(b, 1) }

// BenchmarkOpenLineageBatch is the same with batches of 100 events per
// request (ours: /lineage/batch; raw: 100 inserts pipelined in one
// transaction).
func BenchmarkOpenLineageBatch(b *testing.B) { benchOpenLineage(b, 100) }

func benchOpenLineage(b *testing.B, size int) {
	for _, engine := range engines {
		b.Run(string(engine), func(b *testing.B) {
			e := newEnv(b, engine)
			call(b, e.h, "POST", "/api/v1/pipelines/", e.key, pipeline("p"), 201)
			var n atomic.Int64
			b.Run("ours", func(b *testing.B) {
				b.SetParallelism(parallelism())
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if size == 1 {
							call(b, e.h, "POST", "/api/v1/lineage", e.key, olEvent(n.Add(1)), 201)
							continue
						}
						events := make([]string, size)
						for j := range events {
							events[j] = olEvent(n.Add(1))
						}
						call(b, e.h, "POST", "/api/v1/lineage/batch", e.key, "["+strings.Join(events, ",")+"]", 200)
					}
				})
				b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "events/s")
			})
			b.Run("raw", func(b *testing.B) {
				b.SetParallelism(parallelism())
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						e.rawInsertEvents(b, &n, size)
					}
				})
				b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "events/s")
			})
		})
	}
}

const rawEventInsert = `INSERT INTO openlineage_events (organization_id, fingerprint, run_id, dag_run_id, job_namespace,
	job_name, event_type, event_time, received_at, has_lineage, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`

// rawInsertEvents inserts size event rows in one transaction, pipelined
// on Postgres.
func (e *env) rawInsertEvents(b *testing.B, n *atomic.Int64, size int) {
	ctx := context.Background()
	now := time.Now().UTC().Format(time.RFC3339Nano)
	row := func() []any {
		i := n.Add(1)
		return []any{e.orgID, fmt.Sprintf("raw%016x", i), benchUUID(i), benchUUID(1<<40 + dagOf(i)), "airflow://bench", fmt.Sprintf("p.task_%d", i%50),
			"COMPLETE", "2024-05-01T02:00:00Z", now, true, olEvent(i)}
	}
	if e.pg != nil {
		batch := &pgx.Batch{}
		for range size {
			batch.Queue(rawEventInsert, row()...)
		}
		if err := pgx.BeginFunc(ctx, e.pg, func(tx pgx.Tx) error { return tx.SendBatch(ctx, batch).Close() }); err != nil {
			b.Fatal(err)
		}
		return
	}
	tx, err := e.lite.Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	for range size {
		if _, err := tx.Exec(rawEventInsert, row()...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// parallelism makes RunParallel run senders goroutines.
func parallelism() int { return max(1, senders/runtime.GOMAXPROCS(0)) }
