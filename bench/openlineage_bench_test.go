package bench

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dataxpipe/catalog/internal/sqlstore"
)

// olEvent is a task COMPLETE of the registered pipeline p rolling up into
// DAG run dag, reading one table and writing another: the common Airflow
// event, touching the raw event table, the run and the job's lineage.
func olEvent(n int64, dag string) string {
	return fmt.Sprintf(`{"eventType":"COMPLETE","eventTime":"2024-05-01T02:00:00Z","producer":"https://example.com/bench",
	 "schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
	 "run":{"runId":"%s","facets":{"parent":{"run":{"runId":"%s"},"job":{"namespace":"airflow://bench","name":"p"}}}},
	 "job":{"namespace":"airflow://bench","name":"p.task_%d"},
	 "inputs":[{"namespace":"postgres://db","name":"db.raw"}],
	 "outputs":[{"namespace":"bigquery","name":"an.table_%d"}]}`, benchUUID(n), dag, n%50, n%50)
}

// benchUUID makes the n-th distinct run id.
func benchUUID(n int64) string { return fmt.Sprintf("0190f1e4-0000-7000-8000-%012x", n) }

// BenchmarkOpenLineageIngest measures ingestion throughput in events per
// second: one event per request, and batches of 100 through /batch.
func BenchmarkOpenLineageIngest(b *testing.B) {
	for _, engine := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		for _, size := range []int{1, 100} {
			name := fmt.Sprintf("%s/single", engine)
			if size > 1 {
				name = fmt.Sprintf("%s/batch%d", engine, size)
			}
			b.Run(name, func(b *testing.B) {
				h, key := server(b, engine)
				call(b, h, "POST", "/api/v1/pipelines/", key, pipeline("p"), 201)
				var n atomic.Int64
				dag := benchUUID(1 << 40)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if size == 1 {
						call(b, h, "POST", "/api/v1/lineage", key, olEvent(n.Add(1), dag), 201)
						continue
					}
					events := make([]string, size)
					for j := range events {
						events[j] = olEvent(n.Add(1), dag)
					}
					call(b, h, "POST", "/api/v1/lineage/batch", key, "["+strings.Join(events, ",")+"]", 200)
				}
				b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "events/s")
			})
		}
	}
}
