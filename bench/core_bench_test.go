// Package bench holds the performance figures of the catalog as Go
// benchmarks; bench/run prints them. Figures are compared as ratios measured
// in one run (these machines are noisy), never asserted in unit tests.
package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

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
	for _, engine := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
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

// BenchmarkGetPipeline reads one pipeline (key lookup cached) in parallel.
func BenchmarkGetPipeline(b *testing.B) {
	for _, engine := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			h, key := server(b, engine)
			call(b, h, "POST", "/api/v1/pipelines/", key, pipeline("orders"), 201)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					call(b, h, "GET", "/api/v1/pipelines/orders", key, "", 200)
				}
			})
		})
	}
}
