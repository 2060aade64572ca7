// Package scaletest runs the catalog on the real parts of a scaled-out
// deployment: several `dxp serve` processes behind HAProxy on one Postgres
// and one Redis, and the store through PgBouncer in transaction pooling.
// Its exported helpers start those parts for tests and benchmarks (bench/
// uses them too); each part is a process of its own, stopped at cleanup.
//
// The tests need Postgres and Redis on 127.0.0.1 and the haproxy and
// pgbouncer binaries (Debian packages of those names). Without them they
// skip with a reason; under CI=true they try `apt-get install -y` and fail
// when a part cannot be installed or started.
package scaletest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// required reports whether a missing part fails instead of skipping.
func required() bool { return os.Getenv("CI") == "true" }

// unavailable skips, or fails under CI=true, for a part that is missing.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if required() {
		t.Fatalf(format+" (required under CI=true)", args...)
	}
	t.Skipf(format+" (set CI=true to require it)", args...)
}

var installMu sync.Mutex

// Binary returns the path of the program name of Debian package pkg. Under
// CI=true a missing one is installed with apt-get, as root; otherwise the
// test skips.
func Binary(t testing.TB, name, pkg string) string {
	t.Helper()
	find := func() string {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
		for _, dir := range []string{"/usr/sbin", "/usr/local/sbin"} {
			if _, err := os.Stat(dir + "/" + name); err == nil {
				return dir + "/" + name
			}
		}
		return ""
	}
	if p := find(); p != "" {
		return p
	}
	if !required() {
		t.Skipf("%s is not installed (apt-get install -y %s; set CI=true to require it)", name, pkg)
	}
	installMu.Lock()
	defer installMu.Unlock()
	if p := find(); p != "" {
		return p
	}
	out, err := exec.Command("apt-get", "install", "-y", pkg).CombinedOutput()
	if find() == "" { // stale package lists: read them once more
		exec.Command("apt-get", "update", "-qq").Run()
		out, err = exec.Command("apt-get", "install", "-y", pkg).CombinedOutput()
	}
	if p := find(); p != "" {
		return p
	}
	t.Fatalf("%s is required under CI=true and apt-get install -y %s did not install it: %v\n%s", name, pkg, err, tail(out))
	return ""
}

func tail(b []byte) string {
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// FreePort returns a loopback port nothing listens on at the moment.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Database is a fresh Postgres database of the local server, migrated and
// granted to the application role, dropped at cleanup. Each test gets its
// own, so PgBouncer and the replicas see one plain database (no search_path,
// which PgBouncer does not carry).
type Database struct {
	Name  string
	Owner string // DSN of the owner (postgres)
	App   string // DSN of the application role, direct
}

// NewDatabase creates, migrates and grants a database named after the test.
func NewDatabase(t testing.TB) *Database {
	t.Helper()
	admin, err := sql.Open("pgx", sqlstoretest.PostgresURL())
	if err == nil {
		err = admin.PingContext(context.Background())
	}
	if err != nil {
		unavailable(t, "Postgres not reachable at %s: %v", sqlstoretest.PostgresURL(), err)
	}
	name := "dxp_scale_" + strings.ToLower(catalog.RandomBase62(10))
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		admin.Close()
	})
	d := &Database{Name: name, Owner: withDatabase(sqlstoretest.PostgresURL(), name)}
	d.App = sqlstoretest.AsRole(d.Owner, sqlstoretest.AppRole)
	owner, err := sqlstore.Open(context.Background(), d.Owner, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	if _, err := owner.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	for try := 0; ; try++ { // test packages running at once may grant the cluster-wide role together
		if err = owner.GrantAppRole(context.Background(), sqlstoretest.AppRole); err == nil || try == 5 {
			break
		}
		time.Sleep(time.Duration(50*(try+1)) * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("grant %s: %v", sqlstoretest.AppRole, err)
	}
	return d
}

// withDatabase returns dsn naming database name instead.
func withDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		panic(fmt.Sprintf("DATAXPIPE_TEST_POSTGRES: %v", err))
	}
	u.Path = "/" + name
	return u.String()
}

// WithQuery returns dsn with one more query parameter.
func WithQuery(dsn, key, value string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// RedisAddr is the Redis the replicas share; DATAXPIPE_TEST_REDIS overrides it.
func RedisAddr(t testing.TB) string {
	t.Helper()
	addr := os.Getenv("DATAXPIPE_TEST_REDIS")
	if addr == "" {
		addr = "127.0.0.1:6379"
	}
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		unavailable(t, "Redis not reachable at %s: %v", addr, err)
	}
	c.Close()
	return addr
}

// waitListening waits until something accepts connections on addr, or the
// process behind it ended (exited is closed), for at most a generous while.
func waitListening(t testing.TB, addr string, exited <-chan struct{}, what string, logs func() string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second) // a hang guard: loaded machines start slowly
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-exited:
			failStart(t, "%s exited before listening on %s:\n%s", what, addr, logs())
			return
		default:
		}
		if time.Now().After(deadline) {
			failStart(t, "%s did not listen on %s:\n%s", what, addr, logs())
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// failStart fails: a part that is installed but does not start is a
// broken environment under CI=true, and a skip only outside it.
func failStart(t testing.TB, format string, args ...any) {
	t.Helper()
	if required() {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}
