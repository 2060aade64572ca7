package api_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
)

// ownPostgres is a PostgreSQL cluster of one test's own, in a temporary
// directory on a free port, so the test can stop and start it.
type ownPostgres struct {
	t         *testing.T
	bin, data string
	port      int
	runAs     string // "" or the user the server runs as when the test is root
}

// startOwnPostgres initdb's and starts a cluster with the binaries of
// /usr/lib/postgresql/*/bin. As root it runs them as the postgres user
// (initdb refuses root). Without the binaries or that user the test skips
// with the reason, except under CI=true, where it fails.
func startOwnPostgres(t *testing.T) *ownPostgres {
	t.Helper()
	unavailable := func(format string, args ...any) *ownPostgres {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf("a Postgres of the test's own is required under CI=true: "+format, args...)
		}
		t.Skipf("cannot run a Postgres of the test's own (CI=true requires it): "+format, args...)
		return nil
	}
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		return unavailable("no /usr/lib/postgresql/*/bin/initdb")
	}
	sort.Strings(bins)
	pg := &ownPostgres{t: t, bin: filepath.Dir(bins[len(bins)-1])}
	dir, err := os.MkdirTemp("", "dxp-outage-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return unavailable("running as root and there is no postgres user to run the server as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		pg.runAs = "postgres"
	}
	pg.data = filepath.Join(dir, "data")
	if out, err := pg.run("initdb", "-D", pg.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"); err != nil {
		return unavailable("initdb: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pg.port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	pg.start()
	t.Cleanup(func() { pg.run("pg_ctl", "-D", pg.data, "-m", "immediate", "-w", "stop") })
	return pg
}

// run runs a Postgres binary (as runAs when set) and returns its output.
func (pg *ownPostgres) run(name string, args ...string) (string, error) {
	path := filepath.Join(pg.bin, name)
	var cmd *exec.Cmd
	if pg.runAs != "" {
		cmd = exec.Command("runuser", append([]string{"-u", pg.runAs, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = os.TempDir()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (pg *ownPostgres) start() {
	pg.t.Helper()
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c fsync=off -c max_connections=50", pg.port, filepath.Dir(pg.data))
	if out, err := pg.run("pg_ctl", "-D", pg.data, "-l", filepath.Join(filepath.Dir(pg.data), "server.log"), "-o", opts, "-w", "start"); err != nil {
		pg.t.Fatalf("pg_ctl start: %v\n%s", err, out)
	}
}

func (pg *ownPostgres) stop() {
	pg.t.Helper()
	if out, err := pg.run("pg_ctl", "-D", pg.data, "-m", "fast", "-w", "stop"); err != nil {
		pg.t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

func (pg *ownPostgres) dsn() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", pg.port)
}

// TestOutage_PostgresStopsAndReturns: under light load the database stops;
// every answer is then 503 unavailable with Retry-After (never a 500), and
// once it is started again the same server answers 200 without a restart.
func TestOutage_PostgresStopsAndReturns(t *testing.T) {
	pg := startOwnPostgres(t)
	db, err := sqlstore.Open(context.Background(), pg.dsn(), sqlstore.Options{PoolMax: 8})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, db)
	_, key := e.newOrg("acme", catalog.PlanBusiness)
	e.do("POST", "/api/v1/pipelines/", key, pipelineJSON("orders_sync", "1")).expect(201)

	// phase is what the load expects: 0 up, 1 down, 2 coming back.
	var phase atomic.Int32
	var mu sync.Mutex
	seen := map[int32]map[string]int{0: {}, 1: {}, 2: {}}
	var problems []string
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				p := phase.Load()
				var res response
				if (w+i)%3 == 0 {
					n := fmt.Sprintf("%d_%d", w, i)
					res = e.do("POST", "/api/v1/runs/", key, `{"pipeline_id":"orders_sync","status":"running","run_id":"r`+n+`"}`)
				} else {
					res = e.do("GET", "/api/v1/pipelines/orders_sync", key, "")
				}
				outcome := strconv.Itoa(res.Code)
				if res.Code == 503 {
					outcome += " " + fmt.Sprint(res.json()["code"]) + " Retry-After=" + res.Header().Get("Retry-After")
				}
				mu.Lock()
				seen[p][outcome]++
				if res.Code >= 500 && (res.Code != 503 || res.Header().Get("Retry-After") == "" || res.json()["code"] != "unavailable") {
					problems = append(problems, fmt.Sprintf("phase %d: %d %s", p, res.Code, truncate(res.Body.String())))
				}
				mu.Unlock()
				time.Sleep(5 * time.Millisecond) // light load
			}
		}()
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				stop.Store(true)
				wg.Wait()
				t.Fatalf("gave up waiting for %s; outcomes %v; problems %v", what, seen, problems)
			}
		}
	}
	count := func(p int32, outcome string) int { mu.Lock(); defer mu.Unlock(); return seen[p][outcome] }
	waitFor("answers while the database is up", func() bool { return count(0, "200")+count(0, "201") >= 20 })

	phase.Store(1)
	pg.stop()
	const unavailable = "503 unavailable Retry-After=5"
	waitFor("503s while the database is down", func() bool { return count(1, unavailable) >= 20 })
	if res := e.do("GET", "/readyz", "", "").expect(503); res.json()["code"] != "unavailable" {
		t.Errorf("readyz while down: %s", res.Body.String())
	}

	phase.Store(2)
	pg.start()
	waitFor("200s after the database returned", func() bool { return count(2, "200") >= 10 && count(2, "201") >= 3 })
	stop.Store(true)
	wg.Wait()
	e.do("GET", "/readyz", "", "").expect(200)
	e.do("POST", "/api/v1/pipelines/", key, pipelineJSON("after_outage", "1")).expect(201)

	mu.Lock()
	defer mu.Unlock()
	t.Logf("outcomes by phase (0 up, 1 down, 2 back): %v", seen)
	if len(problems) > 0 {
		t.Fatalf("%d answers were a 5xx other than 503 unavailable with Retry-After:\n%s", len(problems), strings.Join(problems[:min(len(problems), 10)], "\n"))
	}
	for outcome := range seen[1] {
		if outcome != unavailable && !strings.HasPrefix(outcome, "2") { // requests already past the database may still succeed
			t.Errorf("while the database was down: %d × %s", seen[1][outcome], outcome)
		}
	}
}
