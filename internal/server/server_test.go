package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/oidctest"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
	"github.com/dataxpipe/catalog/internal/testrig"
)

// load reads the configuration from env alone.
func load(t *testing.T, env map[string]string) config.Config {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// migrateForApp migrates every store env names as the owner and grants
// the application role. Test packages running in parallel may grant the
// one cluster-wide role at the same moment, which Postgres answers "tuple
// concurrently updated"; that is retried, as sqlstoretest does.
func migrateForApp(t *testing.T, env map[string]string) string {
	t.Helper()
	var out bytes.Buffer
	var err error
	// The output of every try is kept: a try that migrated and then lost the
	// grant to a concurrent package leaves the next try with nothing to apply.
	for try := 0; try < 5; try++ {
		if err = Migrate(context.Background(), load(t, env), MigrateOptions{AppRole: sqlstoretest.AppRole}, &out); err == nil ||
			!strings.Contains(err.Error(), "concurrently") {
			break
		}
		time.Sleep(time.Duration(50*(try+1)) * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("migrate: %v\n%s", err, out.String())
	}
	return out.String()
}

// testServer is a Server behind an httptest listener.
type testServer struct {
	url  string
	logs *testrig.Logs
	stop func() // closes the listener, then the server; safe to call twice
}

// startServer builds a Server from env and serves its Handler.
func startServer(t *testing.T, env map[string]string, opts ...Options) *testServer {
	t.Helper()
	logs := &testrig.Logs{}
	o := Options{}
	if len(opts) > 0 {
		o = opts[0]
	}
	o.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	s, err := New(context.Background(), load(t, env), o)
	if err != nil {
		t.Fatalf("New: %v\n%s", err, logs.String())
	}
	ts := httptest.NewServer(s.Handler())
	var once sync.Once
	stop := func() { once.Do(func() { ts.Close(); s.Close() }) }
	t.Cleanup(stop)
	return &testServer{url: ts.URL, logs: logs, stop: stop}
}

// get calls path with an API key and returns the status and body.
func get(t *testing.T, base, path, key string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	req.Header.Set("X-API-KEY", key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestNew_SQLiteDefaultWorksInDevelopment(t *testing.T) {
	ts := startServer(t, map[string]string{"DATAXPIPE_DB": t.TempDir() + "/e2e.db", "DATAXPIPE_ENV": "development"})
	if code, body := get(t, ts.url, "/api/v1/organizations/me", "dev-key"); code != 200 || !strings.Contains(body, `"slug":"dev"`) {
		t.Fatalf("dev-key on /organizations/me: %d %s", code, body)
	}
	if code, _ := get(t, ts.url, "/readyz", ""); code != 200 {
		t.Fatalf("readyz: %d", code)
	}
	for _, want := range []string{`"env":"development"`, "scaffold keys", `"msg":"migrated"`} {
		if !strings.Contains(ts.logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, ts.logs.String())
		}
	}
}

func TestNew_ProductionHasNoScaffoldKeys(t *testing.T) {
	ts := startServer(t, map[string]string{"DATAXPIPE_DB": t.TempDir() + "/p.db", "DATAXPIPE_ENV": "production",
		"DATAXPIPE_SECRET_KEY": strings.Repeat("ab", 32)})
	for _, key := range []string{"platform-key", "admin-key", "dev-key"} {
		if code, _ := get(t, ts.url, "/api/v1/organizations/me", key); code != 401 {
			t.Fatalf("%s in production: %d, want 401", key, code)
		}
	}
}

func TestNew_PostgresRefusesOutdatedSchemaUntilMigrated(t *testing.T) {
	dsn := sqlstoretest.DSN(t, sqlstore.Postgres)
	// In development, since production refuses the superuser before it looks at the schema (rolecheck.go).
	env := map[string]string{"DATAXPIPE_DB": dsn, "DATAXPIPE_SECRET_KEY": strings.Repeat("ab", 32), "DATAXPIPE_ENV": "development"}
	if s, err := New(context.Background(), load(t, env), Options{}); err == nil || !strings.Contains(err.Error(), "schema is behind") || !strings.Contains(err.Error(), "dxp migrate") {
		if s != nil {
			s.Close()
		}
		t.Fatalf("New on an empty Postgres schema: %v; want a refusal naming dxp migrate", err)
	}
	if out := migrateForApp(t, env); !strings.Contains(out, "shared: applied: 0001_core.sql") || !strings.Contains(out, "shared: granted "+sqlstoretest.AppRole) {
		t.Fatalf("Migrate:\n%s", out)
	}
	env["DATAXPIPE_DB"] = sqlstoretest.AsRole(dsn, sqlstoretest.AppRole) // the server connects as the application role
	env["DATAXPIPE_ENV"] = "production"
	var out bytes.Buffer
	if err := Migrate(context.Background(), load(t, env), MigrateOptions{Status: true}, &out); err != nil || out.String() != "shared: schema is current\n" {
		t.Fatalf("Migrate status: %v\n%s", err, out.String())
	}
	ts := startServer(t, env)
	if code, body := get(t, ts.url, "/readyz", ""); code != 200 {
		t.Fatalf("readyz as the application role: %d %s", code, body)
	}
}

// With Options.Migrate a Postgres server migrates itself (dxp serve --migrate).
// Migrating needs the owner, a superuser or BYPASSRLS role that production
// refuses to serve as, so this is a development convenience.
func TestNew_MigrateOptionMigratesPostgres(t *testing.T) {
	env := map[string]string{"DATAXPIPE_DB": sqlstoretest.DSN(t, sqlstore.Postgres), "DATAXPIPE_SECRET_KEY": strings.Repeat("ab", 32), "DATAXPIPE_ENV": "development"}
	ts := startServer(t, env, Options{Migrate: true})
	if !strings.Contains(ts.logs.String(), `"msg":"migrated"`) {
		t.Fatalf("log:\n%s", ts.logs.String())
	}
}

func TestNew_OIDCSignIn(t *testing.T) {
	iss := oidctest.NewIssuer(t)
	ts := startServer(t, map[string]string{"DATAXPIPE_DB": t.TempDir() + "/o.db", "DATAXPIPE_ENV": "development",
		"DATAXPIPE_OIDC_ISSUER": iss.URL(), "DATAXPIPE_OIDC_AUDIENCE": "ui", "DATAXPIPE_PLATFORM_ADMINS": "root-sub"})
	tok := iss.Token(t, map[string]any{"sub": "root-sub", "aud": "ui", "email": "root@x.io", "email_verified": true})
	req, _ := http.NewRequest("GET", ts.url+"/api/v1/admin/organizations/", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("platform admin by JWT: %v %v", res, err)
	}
	res.Body.Close()
}

func TestNew_UnreachableOIDCIssuerStopsTheStart(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more
	cfg := load(t, map[string]string{"DATAXPIPE_DB": t.TempDir() + "/o.db", "DATAXPIPE_ENV": "development",
		"DATAXPIPE_OIDC_ISSUER": "http://" + addr, "DATAXPIPE_OIDC_AUDIENCE": "ui"})
	if s, err := New(context.Background(), cfg, Options{}); err == nil || !strings.Contains(err.Error(), "DATAXPIPE_OIDC_ISSUER") {
		if s != nil {
			s.Close()
		}
		t.Fatalf("New = %v, want an error naming DATAXPIPE_OIDC_ISSUER", err)
	}
}

// Serve answers until its context ends, then stops listening and returns
// nil: a stop asked for is not an error.
func TestServe_ShutsDownGracefully(t *testing.T) {
	logs := &testrig.Logs{}
	s, err := New(context.Background(), load(t, map[string]string{"DATAXPIPE_DB": t.TempDir() + "/g.db", "DATAXPIPE_ENV": "development"}),
		Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	if code, _ := get(t, base, "/healthz", ""); code != 200 {
		t.Fatalf("healthz: %d", code)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve returned %v after a graceful stop", err)
		}
	case <-time.After(shutdownGrace):
		t.Fatal("Serve did not return after its context ended")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("the listener still answers after shutdown")
	}
	for _, want := range []string{`"msg":"listening"`, `"msg":"shutting down"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}

func TestHTTPServer_HasTheCatalogsLimits(t *testing.T) {
	s, err := New(context.Background(), load(t, map[string]string{"DATAXPIPE_DB": t.TempDir() + "/h.db", "DATAXPIPE_ENV": "development"}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv := s.HTTPServer()
	if srv.Handler == nil || srv.ErrorLog == nil || srv.ReadHeaderTimeout != DefaultLimits.ReadHeader || srv.ReadTimeout != DefaultLimits.Read ||
		srv.WriteTimeout != DefaultLimits.Write || srv.IdleTimeout != DefaultLimits.Idle || srv.MaxHeaderBytes != DefaultLimits.MaxHeaderBytes {
		t.Fatalf("HTTPServer = %+v", srv)
	}
}

func TestListenAndServe_ABusyAddressIsAnError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cfg := load(t, map[string]string{"DATAXPIPE_DB": t.TempDir() + "/b.db", "DATAXPIPE_ENV": "development", "DATAXPIPE_ADDR": ln.Addr().String()})
	s, err := New(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.ListenAndServe(context.Background()); err == nil || !strings.Contains(err.Error(), "listen on "+ln.Addr().String()) {
		t.Fatalf("ListenAndServe on a busy address: %v", err)
	}
}
