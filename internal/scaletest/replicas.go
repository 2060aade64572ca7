package scaletest

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BuildDXP builds cmd/dxp into the test's temporary directory and returns
// the binary's path.
func BuildDXP(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(sharedTempDir(t), "dxp")
	// With the caller's GOFLAGS: under the CI's -race the packages are
	// already compiled that way for the tests, so this only links.
	cmd := exec.Command("go", "build", "-o", bin, "github.com/dataxpipe/catalog/cmd/dxp")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/dxp: %v\n%s", err, tail(out))
	}
	return bin
}

// Replica is one `dxp serve` process.
type Replica struct {
	*Process
	URL string
}

// Cluster is replicas of `dxp serve` on one database and one Redis behind
// one HAProxy.
type Cluster struct {
	Replicas []*Replica
	HAProxy  *Process
	URL      string // HAProxy's frontend
}

// StartCluster starts n replicas of bin on db, sharing rate limits through
// Redis, in development mode (so the scaffold sign-in gives the UI a
// session to test), and HAProxy balancing requests round robin over them.
// The replicas start one after another: the first creates the development
// organization. env (NAME=value) is added to every replica's environment.
func StartCluster(t testing.TB, bin string, db *Database, n int, env ...string) *Cluster {
	t.Helper()
	redis := RedisAddr(t)
	Binary(t, "haproxy", "haproxy") // before starting anything
	front := FreePort(t)
	c := &Cluster{URL: "http://127.0.0.1:" + strconv.Itoa(front)}
	for range n {
		r := StartServe(t, bin, db.App, append([]string{
			"DATAXPIPE_ENV=development",
			"DATAXPIPE_RATE_LIMIT_ENABLED=true",
			"DATAXPIPE_REDIS_URL=redis://" + redis + "/0",
			"DATAXPIPE_REPLICAS=" + strconv.Itoa(n),
			"DATAXPIPE_APP_URL=" + c.URL,
		}, env...)...)
		c.Replicas = append(c.Replicas, r)
	}
	c.HAProxy, c.URL = StartHAProxy(t, front, c.Replicas)
	return c
}

// StartHAProxy balances requests on port (0: a free one) round robin over
// replicas and returns the process and its URL.
func StartHAProxy(t testing.TB, port int, replicas []*Replica) (*Process, string) {
	t.Helper()
	haproxy := Binary(t, "haproxy", "haproxy")
	if port == 0 {
		port = FreePort(t)
	}
	var servers strings.Builder
	for i, r := range replicas {
		fmt.Fprintf(&servers, "  server r%d %s\n", i, strings.TrimPrefix(r.URL, "http://"))
	}
	cfg := filepath.Join(sharedTempDir(t), "haproxy.cfg")
	write(t, cfg, fmt.Sprintf(`global
  maxconn 4000
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend catalog
  bind 127.0.0.1:%d
  default_backend replicas
backend replicas
  balance roundrobin
%s`, port, servers.String()))
	p := start(t, exec.Command(haproxy, "-db", "-f", cfg))
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	waitReady(t, url+"/readyz", p.exited, "haproxy", p.Output)
	return p, url
}

// StartServe runs `bin serve` on the store dsn on a free loopback port,
// with a fixed secret key and env (NAME=value, later entries win), and
// waits until it is ready.
func StartServe(t testing.TB, bin, dsn string, env ...string) *Replica {
	t.Helper()
	addr := "127.0.0.1:" + strconv.Itoa(FreePort(t))
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"DATAXPIPE_DB="+dsn,
		"DATAXPIPE_ENV=production",
		"DATAXPIPE_ADDR="+addr,
		"DATAXPIPE_SECRET_KEY="+strings.Repeat("5c", 32),
		"DATAXPIPE_PG_POOL_MAX=10",
	)
	cmd.Env = append(cmd.Env, env...)
	p := start(t, cmd)
	r := &Replica{Process: p, URL: "http://" + addr}
	waitReady(t, r.URL+"/readyz", p.exited, "dxp serve on "+addr, p.Output)
	return r
}

// waitReady waits until url answers 200, or the process behind it ended.
func waitReady(t testing.TB, url string, exited <-chan struct{}, what string, logs func() string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second) // a hang guard: loaded machines start slowly
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		if res, err := client.Get(url); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		select {
		case <-exited:
			failStart(t, "%s exited before %s answered:\n%s", what, url, logs())
			return
		default:
		}
		if time.Now().After(deadline) {
			failStart(t, "%s: %s did not answer 200:\n%s", what, url, logs())
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}
