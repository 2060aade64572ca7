package bench

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/scaletest"
	"github.com/dataxpipe/catalog/internal/sqlstore"
)

// BenchmarkPgBouncer measures the API on Postgres through PgBouncer in
// transaction pooling (ours, with the documented exec mode) against the
// same requests straight to Postgres (direct), in one run: reads of one
// pipeline in parallel, and run creation. Target: at most 15 % slower.
// cache-describe is the README's alternative exec mode, for comparison.
func BenchmarkPgBouncer(b *testing.B) {
	d := scaletest.NewDatabase(b)
	bouncer := scaletest.StartPgBouncer(b, d, 10)
	for _, op := range []string{"get-pipeline", "post-run"} {
		b.Run(op, func(b *testing.B) {
			for _, via := range []struct{ name, dsn string }{{"direct", d.App}, {"ours", bouncer.DSN(d)},
				{"cache-describe", bouncer.DSNWithMode(d, "cache_describe")}} {
				b.Run(via.name, func(b *testing.B) {
					db, err := sqlstore.Open(context.Background(), via.dsn, sqlstore.Options{PoolMax: 10})
					if err != nil {
						b.Fatal(err)
					}
					defer db.Close()
					h := scaletest.API(db)
					_, key := scaletest.NewOrg(b, db, "bench-"+strings.ToLower(catalog.RandomBase62(8)), catalog.PlanBusiness)
					if code, body := scaletest.Do(h, "POST", "/api/v1/pipelines/", key, scaletest.Pipeline("orders")); code != 201 {
						b.Fatalf("register: %d %s", code, body)
					}
					var n atomic.Int64
					b.ResetTimer()
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							path, body, want := "/api/v1/pipelines/orders", "", 200
							method := "GET"
							if op == "post-run" {
								method, path, want = "POST", "/api/v1/runs/", 201
								body = fmt.Sprintf(`{"pipeline_id":"orders","status":"running","run_id":"r-%d"}`, n.Add(1))
							}
							if code, got := scaletest.Do(h, method, path, key, body); code != want {
								b.Fatalf("%s %s: %d %s", method, path, code, got)
							}
						}
					})
				})
			}
		})
	}
}
