package scaletest

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// PgBouncerExecMode is what a DATAXPIPE_DB through PgBouncer in transaction
// pooling needs: pgx's default caches named prepared statements on the
// server connection, and in transaction pooling the next transaction may run
// on another server connection, which does not know them ("prepared
// statement ... does not exist"). simple_protocol sends each statement with
// its parameters inlined by pgx, and prepares nothing.
const PgBouncerExecMode = "simple_protocol"

// PgBouncer is a pgbouncer process in front of the local Postgres.
type PgBouncer struct {
	*Process
	Addr string
}

// StartPgBouncer runs PgBouncer in transaction pooling for db, with
// poolSize server connections: fewer than the clients, so transactions of
// different tenants take turns on the same server connections.
func StartPgBouncer(t testing.TB, db *Database, poolSize int) *PgBouncer {
	t.Helper()
	bin := Binary(t, "pgbouncer", "pgbouncer")
	upstream, err := url.Parse(db.Owner)
	if err != nil {
		t.Fatal(err)
	}
	dir := sharedTempDir(t)
	port := FreePort(t)
	users := filepath.Join(dir, "userlist.txt")
	write(t, users, fmt.Sprintf("%q \"\"\n%q \"\"\n", upstream.User.Username(), "dataxpipe_app"))
	ini := filepath.Join(dir, "pgbouncer.ini")
	write(t, ini, fmt.Sprintf(`[databases]
%s = host=%s port=%s dbname=%s

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
pool_mode = transaction
default_pool_size = %d
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = 500
server_reset_query =
ignore_startup_parameters = extra_float_digits
admin_users = postgres
`, db.Name, upstream.Hostname(), portOf(upstream), db.Name, port, users, poolSize))
	args := []string{ini}
	if os.Geteuid() == 0 { // pgbouncer refuses to run as root
		args = append([]string{"-u", "postgres"}, args...)
	}
	p := start(t, exec.Command(bin, args...))
	addr := "127.0.0.1:" + strconv.Itoa(port)
	waitListening(t, addr, p.exited, "pgbouncer", p.Output)
	return &PgBouncer{Process: p, Addr: addr}
}

// DSN is the application role's DATAXPIPE_DB through this PgBouncer, with
// the documented exec mode.
func (b *PgBouncer) DSN(db *Database) string { return b.DSNWithMode(db, PgBouncerExecMode) }

// DSNWithMode is DSN with another pgx exec mode.
func (b *PgBouncer) DSNWithMode(db *Database, mode string) string {
	u, _ := url.Parse(db.App)
	u.Host = b.Addr
	return WithQuery(u.String(), "default_query_exec_mode", mode)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	return "5432"
}

// sharedTempDir is a temporary directory other users can read: pgbouncer
// and haproxy drop root for a user of their own before reading some files.
func sharedTempDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/" && d != "."; d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	return dir
}

func write(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
