package bench

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/scaletest"
	"github.com/dataxpipe/catalog/internal/sqlstore"
)

// BenchmarkScaleOut reads one pipeline over HTTP from 16 concurrent
// clients through HAProxy over three `dxp serve` replicas (ours) and from
// one replica directly (direct), in one run, on one Postgres; proxied-one
// is that one replica through HAProxy. On a 2-core
// machine the replicas, HAProxy, Postgres and the clients share the same
// two cores, so this measures the cost of the proxy hop, not scale-out.
// Rate limits are off: they would measure the plan, not the servers.
func BenchmarkScaleOut(b *testing.B) {
	d := scaletest.NewDatabase(b)
	c := scaletest.StartCluster(b, scaletest.BuildDXP(b), d, 3, "DATAXPIPE_RATE_LIMIT_ENABLED=false")
	store, err := sqlstore.Open(context.Background(), d.App, sqlstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	_, key := scaletest.NewOrg(b, store, "bench-scale", catalog.PlanBusiness)
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	get := func(b *testing.B, url string) {
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("X-API-KEY", key)
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			b.Fatalf("GET %s: %d", url, res.StatusCode)
		}
	}
	req, _ := http.NewRequest("POST", c.URL+"/api/v1/pipelines/", strings.NewReader(scaletest.Pipeline("orders")))
	req.Header.Set("X-API-KEY", key)
	req.Header.Set("Content-Type", "application/json")
	if res, err := client.Do(req); err != nil || res.StatusCode != 201 {
		b.Fatalf("register: %v %v", res, err)
	}
	// proxied-one: one replica behind an HAProxy of its own, which parts the
	// cost of the proxy hop from that of three processes on two cores.
	_, one := scaletest.StartHAProxy(b, 0, c.Replicas[:1])
	for _, via := range []struct{ name, base string }{{"direct", c.Replicas[0].URL}, {"ours", c.URL}, {"proxied-one", one}} {
		b.Run("get-pipeline/"+via.name, func(b *testing.B) {
			b.SetParallelism(8) // 16 clients on 2 cores
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					get(b, via.base+"/api/v1/pipelines/orders")
				}
			})
		})
	}
}
