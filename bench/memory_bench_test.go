package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/scaletest"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// BenchmarkMemory measures the resident memory (VmRSS) and the live Go heap
// (go_memstats_heap_inuse_bytes) of a `dxp serve` process, on both engines:
// idle; after one authenticated request from each of 10,000 organizations
// (every cache full); with 1,000,000 runs read through the API; and during
// a mixed load (runs, reads, OpenLineage events) of DATAXPIPE_BENCH_MIXED
// (default 1m; 10m for the full check), sampled every 5 s, where rss-first
// and rss-last should match. Target: at most 150 MB with 1,000,000 runs.
// Run it once: bench/run Memory 1x. Every case is built once per run.
func BenchmarkMemory(b *testing.B) {
	bin := scaletest.BuildDXP(b)
	for _, engine := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		for _, c := range []struct {
			name string
			fill func(b *testing.B, st *memStore)
			load func(b *testing.B, s *memServer)
		}{
			{"idle", func(*testing.B, *memStore) {}, func(b *testing.B, s *memServer) { s.get(b, s.keys[0], "/api/v1/pipelines/") }},
			{"orgs-10k", fillOrgs(10000), func(b *testing.B, s *memServer) { s.touchEveryKey(b) }},
			{"runs-1m", fillRuns(1000000), func(b *testing.B, s *memServer) { s.readRuns(b) }},
			{"mixed", fillRuns(1000), func(b *testing.B, s *memServer) { s.mixed(b, mixedDuration(b)) }},
		} {
			var s *memServer
			b.Run(c.name+"/"+string(engine), func(b *testing.B) {
				if s == nil { // a longer -benchtime calls this again: build once
					s = startMemServer(b, bin, engine, c.fill)
					c.load(b, s)
					if b.Failed() {
						b.FailNow()
					}
					s.report = s.measure(b)
				}
				for range b.N {
					s.get(b, s.keys[0], "/healthz")
				}
				for unit, v := range s.report {
					b.ReportMetric(v, unit)
				}
			})
		}
	}
}

func mixedDuration(b *testing.B) time.Duration {
	d, err := time.ParseDuration(os.Getenv("DATAXPIPE_BENCH_MIXED"))
	if err != nil || d <= 0 {
		return time.Minute
	}
	return d
}

// memStore is a fresh store before the server starts: the owner's SQL for
// bulk rows and the application's store for organizations.
type memStore struct {
	engine  sqlstore.Engine
	dsn     string // the server's DATAXPIPE_DB
	owner   *sql.DB
	db      *sqlstore.DB
	keys    []string
	orgs    []*catalog.Org
	runsOrg *catalog.Org
}

type memServer struct {
	*scaletest.Replica
	keys   []string
	client *http.Client
	report map[string]float64
}

func startMemServer(b *testing.B, bin string, engine sqlstore.Engine, fill func(*testing.B, *memStore)) *memServer {
	st := &memStore{engine: engine}
	ownerDSN := ""
	if engine == sqlstore.SQLite {
		st.dsn = sqlstoretest.DSN(b, engine)
		ownerDSN = st.dsn
	} else {
		d := scaletest.NewDatabase(b)
		st.dsn, ownerDSN = d.App, d.Owner
	}
	var err error
	if st.db, err = sqlstore.Open(context.Background(), st.dsn, sqlstore.Options{PoolMax: 8}); err != nil {
		b.Fatal(err)
	}
	if engine == sqlstore.SQLite {
		if _, err := st.db.Migrate(context.Background()); err != nil {
			b.Fatal(err)
		}
		st.owner, err = sql.Open("sqlite", "file:"+ownerDSN+"?_pragma=busy_timeout(10000)")
	} else {
		st.owner, err = sql.Open("pgx", ownerDSN)
	}
	if err != nil {
		b.Fatal(err)
	}
	org, key := scaletest.NewOrg(b, st.db, "mem-"+strings.ToLower(catalog.RandomBase62(8)), catalog.PlanBusiness)
	st.orgs, st.keys, st.runsOrg = append(st.orgs, org), append(st.keys, key), org
	h := scaletest.API(st.db)
	for i := range 10 {
		if code, body := scaletest.Do(h, "POST", "/api/v1/pipelines/", key, scaletest.Pipeline(fmt.Sprintf("p%d", i))); code != 201 {
			b.Fatalf("register: %d %s", code, body)
		}
	}
	fill(b, st)
	st.db.Close()
	st.owner.Close()
	s := &memServer{Replica: scaletest.StartServe(b, bin, st.dsn), keys: st.keys,
		client: &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}}
	return s
}

// fillOrgs creates n organizations, each with an admin key.
func fillOrgs(n int) func(*testing.B, *memStore) {
	return func(b *testing.B, st *memStore) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		next := atomic.Int64{}
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= int64(n) && !b.Failed() {
					_, key, err := scaletest.CreateOrg(st.db, "mem-"+strings.ToLower(catalog.RandomBase62(10)), catalog.PlanTeam)
					if err != nil {
						b.Errorf("create org: %v", err)
						return
					}
					mu.Lock()
					st.keys = append(st.keys, key)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if b.Failed() {
			b.FailNow()
		}
	}
}

// fillRuns writes n finished runs over the ten pipelines in one statement.
func fillRuns(n int) func(*testing.B, *memStore) {
	return func(b *testing.B, st *memStore) {
		q := `INSERT INTO runs (organization_id, run_id, pipeline_name, status, started_at, finished_at, error, attributes, checks_failed, created_at, updated_at)
			SELECT $1, 'run-' || lpad(g::text, 8, '0'), 'p' || (g % 10), CASE WHEN g % 10 = 0 THEN 'failed' ELSE 'success' END,
				t, t + interval '5 minutes', CASE WHEN g % 10 = 0 THEN 'boom' ELSE '' END, '{"dag_run":"scheduled"}', g % 20 = 0, t, t
			FROM generate_series(1, $2::int) g, LATERAL (SELECT timestamptz '2026-01-01' + g * interval '1 second' AS t) ts`
		if st.engine == sqlstore.SQLite {
			q = `WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < $2),
				t(g, at, fin) AS (SELECT g, strftime('%Y-%m-%dT%H:%M:%S.000000Z', 1767225600 + g, 'unixepoch'),
					strftime('%Y-%m-%dT%H:%M:%S.000000Z', 1767225600 + g + 300, 'unixepoch') FROM s)
				INSERT INTO runs (organization_id, run_id, pipeline_name, status, started_at, finished_at, error, attributes, checks_failed, created_at, updated_at)
				SELECT $1, 'run-' || printf('%08d', g), 'p' || (g % 10), CASE WHEN g % 10 = 0 THEN 'failed' ELSE 'success' END,
					at, fin, CASE WHEN g % 10 = 0 THEN 'boom' ELSE '' END, '{"dag_run":"scheduled"}', g % 20 = 0, at, at FROM t`
		}
		if _, err := st.owner.Exec(q, st.runsOrg.ID, n); err != nil {
			b.Fatalf("insert %d runs: %v", n, err)
		}
		if st.engine == sqlstore.Postgres {
			st.owner.Exec(`ANALYZE runs`)
		}
	}
}

func (s *memServer) get(b *testing.B, key, path string) string {
	return s.do(b, "GET", key, path, "", 200)
}

// do sends one request and wants one of the statuses; a failure is an
// error (not fatal: the clients run on goroutines of their own).
func (s *memServer) do(b *testing.B, method, key, path, body string, want ...int) string {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, s.URL+path, rd)
	req.Header.Set("X-API-KEY", key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := s.client.Do(req)
	if err != nil {
		b.Errorf("%s %s: %v", method, path, err)
		return ""
	}
	defer res.Body.Close()
	got, _ := io.ReadAll(res.Body)
	for _, w := range want {
		if res.StatusCode == w {
			return string(got)
		}
	}
	b.Errorf("%s %s: %d %.300s", method, path, res.StatusCode, got)
	return ""
}

// status sends one request and returns its status: want, or 503; any
// other is an error.
func (s *memServer) status(b *testing.B, method, key, path, body string, want int) int {
	req, _ := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	req.Header.Set("X-API-KEY", key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := s.client.Do(req)
	if err != nil {
		b.Errorf("%s %s: %v", method, path, err)
		return 0
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != want && res.StatusCode != 503 {
		b.Errorf("%s %s: %d %.300s", method, path, res.StatusCode, got)
	}
	return res.StatusCode
}

// touchEveryKey sends one request with every organization's key.
func (s *memServer) touchEveryKey(b *testing.B) {
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(len(s.keys)) && !b.Failed(); i = next.Add(1) - 1 {
				s.get(b, s.keys[i], "/api/v1/pipelines/")
			}
		}()
	}
	wg.Wait()
}

// readRuns reads the big organization the ways the API and UI do.
func (s *memServer) readRuns(b *testing.B) {
	key := s.keys[0]
	for i := range 10 {
		s.get(b, key, fmt.Sprintf("/api/v1/pipelines/p%d", i))
		s.get(b, key, fmt.Sprintf("/api/v1/runs/?pipeline_id=p%d&limit=100", i))
	}
	s.get(b, key, "/api/v1/runs/?checks_failed=true&limit=100")
	s.get(b, key, "/api/v1/runs/?status=failed&limit=100")
	if body := s.get(b, key, "/api/v1/runs/?limit=100"); strings.Count(body, `"run_id"`) != 100 {
		b.Fatalf("the runs are not there: %.300s", body)
	}
}

// mixed runs 8 clients of runs, reads and OpenLineage events for d,
// sampling the server's memory every 5 s.
func (s *memServer) mixed(b *testing.B, d time.Duration) {
	key := s.keys[0]
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var n, unavailable atomic.Int64
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if b.Failed() {
					return
				}
				i := n.Add(1)
				// 503 (with Retry-After) is the documented answer of a
				// database busy past its timeout, which SQLite's single
				// writer reaches on a loaded machine: counted, not fatal.
				var status int
				switch (int(i) + w) % 4 {
				case 0:
					status = s.status(b, "POST", key, "/api/v1/runs/", fmt.Sprintf(`{"pipeline_id":"p%d","status":"success","run_id":"mixed-%d"}`, i%10, i), 201)
				case 1:
					status = s.status(b, "GET", key, fmt.Sprintf("/api/v1/pipelines/p%d", i%10), "", 200)
				case 2:
					status = s.status(b, "GET", key, "/api/v1/runs/?limit=50", "", 200)
				case 3:
					status = s.status(b, "POST", key, "/api/v1/lineage", memEvent(i), 201)
				}
				if status == 503 {
					unavailable.Add(1)
				}
			}
		}()
	}
	var samples []float64
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	end := time.After(d)
loop:
	for {
		select {
		case <-tick.C:
			samples = append(samples, rssMB(b, s.Pid()))
		case <-end:
			break loop
		}
	}
	close(stop)
	wg.Wait()
	if len(samples) < 2 {
		samples = append(samples, rssMB(b, s.Pid()))
	}
	// The first samples include the warm-up (pools, caches filling); the
	// figure that matters is whether the later ones keep climbing.
	first := samples[len(samples)/4]
	last, peak := samples[len(samples)-1], 0.0
	for _, v := range samples {
		peak = max(peak, v)
	}
	s.report = map[string]float64{"rss-first-MB": first, "rss-last-MB": last, "rss-peak-MB": peak, "requests": float64(n.Load()), "unavailable": float64(unavailable.Load())}
}

// memEvent is a COMPLETE of one task of DAG run "mixed-dag-<i/50>".
func memEvent(i int64) string {
	return fmt.Sprintf(`{"eventType":"COMPLETE","eventTime":"2026-05-01T02:00:00Z","producer":"https://example.com/memory",
	 "schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
	 "run":{"runId":"0190f1e4-0000-7000-9000-%012x","facets":{"parent":{"run":{"runId":"0190f1e4-0000-7000-a000-%012x"},"job":{"namespace":"airflow://mem","name":"p1"}}}},
	 "job":{"namespace":"airflow://mem","name":"p1.task_%d"},
	 "inputs":[{"namespace":"postgres://db","name":"db.raw"}],
	 "outputs":[{"namespace":"bigquery","name":"an.table_%d"}]}`, i, i/50, i%20, i%20)
}

// measure reads the server's resident memory and live heap after a pause
// for the load to settle.
func (s *memServer) measure(b *testing.B) map[string]float64 {
	if s.report != nil { // the load measured itself (mixed)
		return s.report
	}
	time.Sleep(2 * time.Second)
	return map[string]float64{"rss-MB": rssMB(b, s.Pid()), "heap-MB": heapMB(b, s)}
}

func rssMB(b *testing.B, pid int) float64 {
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		b.Fatalf("read the server's memory: %v", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	b.Fatal("no VmRSS in /proc/pid/status")
	return 0
}

func heapMB(b *testing.B, s *memServer) float64 {
	body := s.get(b, "", "/metrics")
	for _, line := range strings.Split(body, "\n") {
		if rest, ok := strings.CutPrefix(line, "go_memstats_heap_inuse_bytes "); ok {
			v, _ := strconv.ParseFloat(rest, 64)
			return v / (1 << 20)
		}
	}
	return 0
}
