// Package bench holds the performance figures of the catalog as Go
// benchmarks; bench/run prints them. Figures are compared as ratios measured
// in one run (these machines are noisy), never asserted in unit tests.
package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/api"
	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// server is an API over a fresh store of engine with one Business org.
func server(b *testing.B, engine sqlstore.Engine) (http.Handler, string) {
	b.Helper()
	db := sqlstoretest.Open(b, engine)
	a := auth.NewAuthenticator(db, slog.New(slog.DiscardHandler))
	srv := api.NewServer(api.Options{Store: db, Auth: a})
	org := &catalog.Org{Slug: "bench", Name: "Bench", Plan: catalog.PlanBusiness}
	key := auth.GenerateKey()
	k := &catalog.APIKey{Name: "bench", Role: catalog.RoleAdmin, Prefix: auth.DisplayPrefix(key), Hash: auth.HashKey(key)}
	if err := db.CreateOrg(context.Background(), org, k); err != nil {
		b.Fatal(err)
	}
	return srv, key
}

func call(b *testing.B, h http.Handler, method, path, key, body string, want int) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("X-API-KEY", key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body.String())
	}
}

func pipeline(name string) string {
	return `{"name":"` + name + `","owner":"data@acme.com","schedule":"@daily","tags":["pii","tier-1"],
	 "sources":[{"id":"raw","type":"postgres","object":"db.raw","load_mode":"incremental","watermark_column":"updated_at"}],
	 "transforms":[{"id":"t","type":"sql","code_ref":"t.sql","inputs":["raw"],"outputs":["mid"]}],
	 "targets":[{"id":"out","type":"bigquery","object":"an.out","inputs":["mid"]}]}`
}

// BenchmarkRegisterPipeline registers a new pipeline per iteration.
func BenchmarkRegisterPipeline(b *testing.B) {
	for _, engine := range engines {
		b.Run(string(engine), func(b *testing.B) {
			h, key := server(b, engine)
			var n atomic.Int64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				call(b, h, "POST", "/api/v1/pipelines/", key, pipeline(fmt.Sprintf("p_%d", n.Add(1))), 201)
			}
		})
	}
}

// BenchmarkGetPipeline is an authenticated GET /api/v1/pipelines/{name}
// (key cached) by 32 concurrent clients (ours), beside a bare handler that
// makes one raw query of the pipeline's row per request (raw).
func BenchmarkGetPipeline(b *testing.B) {
	for _, engine := range engines {
		b.Run(string(engine), func(b *testing.B) {
			e := newEnv(b, engine)
			call(b, e.h, "POST", "/api/v1/pipelines/", e.key, pipeline("orders"), 201)
			b.Run("ours", func(b *testing.B) {
				b.SetParallelism(parallelism())
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						call(b, e.h, "GET", "/api/v1/pipelines/orders", e.key, "", 200)
					}
				})
			})
			// One raw query per request behind a bare handler that answers
			// its row as JSON, called the way ours is.
			raw := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var p struct{ Name, Owner, Definition string }
				e.rawQueryRow(b, `SELECT p.name, p.owner, v.definition FROM pipelines p JOIN pipeline_versions v
					ON v.organization_id = p.organization_id AND v.pipeline_name = p.name AND v.version = p.current_version
					WHERE p.organization_id = $1 AND p.name = $2`, []any{e.orgID, r.PathValue("name")}, &p.Name, &p.Owner, &p.Definition)
				w.Header().Set("Content-Type", "application/json")
				json.NewEncoder(w).Encode(p)
			})
			mux := http.NewServeMux()
			mux.Handle("GET /api/v1/pipelines/{name}", raw)
			b.Run("raw", func(b *testing.B) {
				b.SetParallelism(parallelism())
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						call(b, mux, "GET", "/api/v1/pipelines/orders", e.key, "", 200)
					}
				})
			})
		})
	}
}

// BenchmarkPostRun is POST /api/v1/runs/ of a new run by 32 concurrent
// clients (ours), beside a raw insert of the run's row (raw).
func BenchmarkPostRun(b *testing.B) {
	for _, engine := range engines {
		b.Run(string(engine), func(b *testing.B) {
			e := newEnv(b, engine)
			call(b, e.h, "POST", "/api/v1/pipelines/", e.key, pipeline("orders"), 201)
			var n atomic.Int64
			b.Run("ours", func(b *testing.B) {
				b.SetParallelism(parallelism())
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						body := fmt.Sprintf(`{"pipeline_id":"orders","run_id":"r-%d","status":"running","started_at":"2026-06-07T06:00:00Z"}`, n.Add(1))
						call(b, e.h, "POST", "/api/v1/runs/", e.key, body, 201)
					}
				})
			})
			b.Run("raw", func(b *testing.B) {
				b.SetParallelism(parallelism())
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						now := time.Now().UTC().Format(time.RFC3339Nano)
						e.rawExec(b, `INSERT INTO runs (organization_id, run_id, pipeline_name, status, started_at, error, checks_failed,
							created_at, updated_at) VALUES ($1, $2, $3, $4, $5, '', false, $6, $6)`,
							e.orgID, fmt.Sprintf("raw-%d", n.Add(1)), "orders", "running", "2026-06-07T06:00:00Z", now)
					}
				})
			})
		})
	}
}
