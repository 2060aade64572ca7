package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/oidctest"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
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

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// startServer runs `dxp serve` in-process and waits for /healthz.
func startServer(t *testing.T, env map[string]string, args ...string) (string, *syncBuffer, func() error) {
	t.Helper()
	addr := freeAddr(t)
	env["DATAXPIPE_ADDR"] = addr
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve"}, args...), func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, logs)
	}()
	base := "http://" + addr
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get(base + "/healthz")
		if err == nil && res.StatusCode == 200 {
			res.Body.Close()
			break
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("server exited: %v\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("server did not become healthy\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	var once sync.Once
	var stopErr error
	stop := func() error { once.Do(func() { cancel(); stopErr = <-done }); return stopErr }
	t.Cleanup(func() { stop() })
	return base, logs, stop
}

func TestServe_SQLiteDefaultWorksAndShutsDownGracefully(t *testing.T) {
	base, logs, stop := startServer(t, map[string]string{"DATAXPIPE_DB": t.TempDir() + "/e2e.db", "DATAXPIPE_ENV": "development"})
	req, _ := http.NewRequest("GET", base+"/api/v1/organizations/me", nil)
	req.Header.Set("X-API-KEY", "dev-key")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("dev-key on /organizations/me: %v %v", res, err)
	}
	res.Body.Close()
	if err := stop(); err != nil {
		t.Fatalf("graceful stop returned %v", err)
	}
	for _, want := range []string{`"env":"development"`, "scaffold keys", `"msg":"shutting down"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}

func TestServe_ProductionHasNoScaffoldKeys(t *testing.T) {
	base, _, _ := startServer(t, map[string]string{"DATAXPIPE_DB": t.TempDir() + "/p.db", "DATAXPIPE_ENV": "production",
		"DATAXPIPE_SECRET_KEY": strings.Repeat("ab", 32)})
	for _, key := range []string{"platform-key", "admin-key", "dev-key"} {
		req, _ := http.NewRequest("GET", base+"/api/v1/organizations/me", nil)
		req.Header.Set("X-API-KEY", key)
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != 401 {
			t.Fatalf("%s in production: %v %v, want 401", key, res, err)
		}
		res.Body.Close()
	}
}

func TestServe_InvalidConfigListsEveryProblem(t *testing.T) {
	env := map[string]string{"DATAXPIPE_ENV": "staging", "DATAXPIPE_PG_POOL_MAX": "x"}
	err := run(context.Background(), []string{"serve"}, func(k string) string { return env[k] }, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "DATAXPIPE_ENV") || !strings.Contains(err.Error(), "DATAXPIPE_PG_POOL_MAX") {
		t.Fatalf("err = %v", err)
	}
}

func TestServe_PostgresRefusesOutdatedSchema(t *testing.T) {
	dsn := sqlstoretest.DSN(t, sqlstore.Postgres)
	env := map[string]string{"DATAXPIPE_DB": dsn, "DATAXPIPE_SECRET_KEY": strings.Repeat("ab", 32), "DATAXPIPE_ADDR": freeAddr(t)}
	getenv := func(k string) string { return env[k] }
	err := run(context.Background(), []string{"serve"}, getenv, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "dxp migrate") {
		t.Fatalf("serve on an empty Postgres schema: %v; want a refusal naming dxp migrate", err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate", "--app-role", sqlstoretest.AppRole}, getenv, nil, &out, io.Discard); err != nil ||
		!strings.Contains(out.String(), "shared: applied: 0001_core.sql") || !strings.Contains(out.String(), "shared: granted "+sqlstoretest.AppRole) {
		t.Fatalf("migrate: %v\n%s", err, out.String())
	}
	env["DATAXPIPE_DB"] = sqlstoretest.AsRole(dsn, sqlstoretest.AppRole) // the server connects as the application role
	out.Reset()
	if err := run(context.Background(), []string{"migrate", "status"}, getenv, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "schema is current") {
		t.Fatalf("migrate status: %v\n%s", err, out.String())
	}
	startServer(t, env)
}

func TestRun_UsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"migrate", "sideways"}} {
		err := run(context.Background(), args, func(string) string { return "" }, nil, io.Discard, io.Discard)
		if _, ok := err.(usageError); !ok {
			t.Errorf("run(%v) = %v, want a usage error", args, err)
		}
	}
}

func TestServe_OIDCSignIn(t *testing.T) {
	iss := oidctest.NewIssuer(t)
	base, _, _ := startServer(t, map[string]string{"DATAXPIPE_DB": t.TempDir() + "/o.db", "DATAXPIPE_ENV": "development",
		"DATAXPIPE_OIDC_ISSUER": iss.URL(), "DATAXPIPE_OIDC_AUDIENCE": "ui", "DATAXPIPE_PLATFORM_ADMINS": "root-sub"})
	tok := iss.Token(t, map[string]any{"sub": "root-sub", "aud": "ui", "email": "root@x.io", "email_verified": true})
	req, _ := http.NewRequest("GET", base+"/api/v1/admin/organizations/", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("platform admin by JWT: %v %v", res, err)
	}
	res.Body.Close()
}
