package cli

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
	"github.com/dataxpipe/catalog/internal/testrig"
)

// freeAddr returns a loopback address with a port nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServe_RunsUntilInterrupted runs `dxp serve` in-process: it answers
// on DATAXPIPE_ADDR and returns nil once its context ends.
func TestServe_RunsUntilInterrupted(t *testing.T) {
	addr := freeAddr(t)
	env := map[string]string{"DATAXPIPE_DB": t.TempDir() + "/s.db", "DATAXPIPE_ENV": "development", "DATAXPIPE_ADDR": addr}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs, out := &testrig.Logs{}, &testrig.Logs{}
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"serve"}, Env{Getenv: func(k string) string { return env[k] }, Stdin: strings.NewReader(""), Stdout: out, Stderr: logs})
	}()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not become healthy\n%s", logs.String())
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve after an interrupt: %v", err)
	}
	for _, want := range []string{`"msg":"listening"`, `"msg":"shutting down"`, "scaffold keys"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	// A person reads where to go on standard output; the log stays JSON.
	want := "DataXPipe Catalog listening on http://" + addr + " (development mode; scaffold keys platform-key, admin-key and dev-key, database " +
		env["DATAXPIPE_DB"] + ")\n  UI:  http://" + addr + "/\n  API: http://" + addr + "/api/v1/\n"
	if out.String() != want {
		t.Errorf("serve printed %q\nwant %q", out.String(), want)
	}
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if !strings.HasPrefix(line, "{") {
			t.Errorf("a log line is not JSON: %q", line)
		}
	}
}

func TestBrowsable(t *testing.T) {
	for in, want := range map[string]string{":8000": "localhost:8000", "0.0.0.0:8000": "localhost:8000", "[::]:8000": "localhost:8000",
		"127.0.0.1:9000": "127.0.0.1:9000", "[::1]:8000": "[::1]:8000", "catalog.internal:80": "catalog.internal:80"} {
		if got := browsable(in); got != want {
			t.Errorf("browsable(%q) = %q, want %q", in, got, want)
		}
	}
	if got := describeDB("postgres://app:s3cret@db:5432/catalog?sslmode=require"); got != "PostgreSQL at db:5432/catalog" {
		t.Errorf("describeDB = %q", got)
	}
}

func TestServe_InvalidConfigListsEveryProblem(t *testing.T) {
	for _, cmd := range []string{"serve", "migrate"} {
		r := runDXP(t, map[string]string{"DATAXPIPE_ENV": "staging", "DATAXPIPE_PG_POOL_MAX": "x"}, "", cmd)
		if r.err == nil || !strings.Contains(r.err.Error(), "DATAXPIPE_ENV") || !strings.Contains(r.err.Error(), "DATAXPIPE_PG_POOL_MAX") {
			t.Fatalf("%s: err = %v", cmd, r.err)
		}
		if errors.As(r.err, new(usageError)) {
			t.Fatalf("%s: a bad configuration is a failure, not a usage error", cmd)
		}
	}
}

func TestMigrate_PostgresThenServeAsTheAppRole(t *testing.T) {
	dsn := sqlstoretest.DSN(t, sqlstore.Postgres)
	env := map[string]string{"DATAXPIPE_DB": dsn, "DATAXPIPE_SECRET_KEY": strings.Repeat("ab", 32), "DATAXPIPE_ADDR": freeAddr(t)}
	if r := runDXP(t, env, "", "serve"); r.err == nil || !strings.Contains(r.err.Error(), "dxp migrate") {
		t.Fatalf("serve on an empty Postgres schema: %v; want a refusal naming dxp migrate", r.err)
	}
	r := runDXP(t, env, "", "migrate", "status").must(t)
	if !strings.Contains(r.stdout, "shared: pending: 0001_core.sql") {
		t.Fatalf("migrate status before migrating:\n%s", r.stdout)
	}
	r = runDXP(t, env, "", "migrate", "--app-role", sqlstoretest.AppRole).must(t)
	if !strings.Contains(r.stdout, "shared: applied: 0001_core.sql") || !strings.Contains(r.stdout, "shared: granted "+sqlstoretest.AppRole) {
		t.Fatalf("migrate:\n%s", r.stdout)
	}
	env["DATAXPIPE_DB"] = sqlstoretest.AsRole(dsn, sqlstoretest.AppRole)
	if r := runDXP(t, env, "", "migrate", "status").must(t); r.stdout != "shared: schema is current\n" {
		t.Fatalf("migrate status: %q", r.stdout)
	}
}

// serve --help and migrate --help name their flags and every variable the
// configuration reads, and succeed.
func TestServeAndMigrate_HelpNamesEveryVariable(t *testing.T) {
	for flag, cmd := range map[string][]string{"--migrate": {"serve", "--help"}, "--app-role NAME": {"migrate", "--help"}, " --migrate": {"help", "serve"}} {
		r := runDXP(t, nil, "", cmd...).must(t)
		if !strings.Contains(r.stdout, "\nFlags:\n") || !strings.Contains(r.stdout, flag) {
			t.Errorf("dxp %s lacks %s:\n%s", strings.Join(cmd, " "), flag, r.stdout)
		}
		for _, v := range config.Variables {
			if !strings.Contains(r.stdout, "\n  "+v.Name+" ") {
				t.Errorf("dxp %s lacks %s:\n%s", strings.Join(cmd, " "), v.Name, r.stdout)
			}
		}
	}
}
