package server

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/testrig"
)

// serveOn runs Serve for env on a loopback listener until the test ends and
// returns the public base URL and the logs.
func serveOn(t *testing.T, env map[string]string) (string, *testrig.Logs) {
	t.Helper()
	logs := &testrig.Logs{}
	s, err := New(context.Background(), load(t, env), Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(shutdownGrace):
			t.Error("Serve did not return")
		}
		s.Close()
	})
	base := "http://" + ln.Addr().String()
	waitFor(t, base+"/healthz")
	return base, logs
}

func waitFor(t *testing.T, url string) {
	t.Helper()
	for try := 0; ; try++ {
		if code, _ := get(t, url, "", ""); code == 200 {
			return
		}
		if try == 100 {
			t.Fatalf("%s never answered 200", url)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freeAddr is a loopback address nothing listens on (at the moment).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// Profiles are off unless DATAXPIPE_PPROF_ADDR is set, and even then never
// on the public listener.
func TestProfiles_OffByDefault(t *testing.T) {
	cfg := load(t, map[string]string{"DATAXPIPE_DB": t.TempDir() + "/p.db", "DATAXPIPE_ENV": "development"})
	if cfg.PprofAddr != "" {
		t.Fatalf("PprofAddr = %q by default", cfg.PprofAddr)
	}
	base, logs := serveOn(t, map[string]string{"DATAXPIPE_DB": t.TempDir() + "/p.db", "DATAXPIPE_ENV": "development"})
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/heap", "/debug/pprof/cmdline"} {
		if code, body := get(t, base, path, ""); code == 200 || strings.Contains(body, "goroutine") {
			t.Errorf("GET %s on the public listener: %d %.80s", path, code, body)
		}
	}
	if strings.Contains(logs.String(), "profiles listening") {
		t.Errorf("a profiles listener started without DATAXPIPE_PPROF_ADDR:\n%s", logs.String())
	}
}

func TestProfiles_OnTheirOwnListenerWhenSet(t *testing.T) {
	addr := freeAddr(t)
	base, logs := serveOn(t, map[string]string{"DATAXPIPE_DB": t.TempDir() + "/p.db", "DATAXPIPE_ENV": "development",
		"DATAXPIPE_PPROF_ADDR": addr})
	if code, body := get(t, "http://"+addr, "/debug/pprof/", ""); code != 200 || !strings.Contains(body, "heap") {
		t.Fatalf("GET /debug/pprof/ on %s: %d %.200s", addr, code, body)
	}
	if code, body := get(t, "http://"+addr, "/debug/pprof/allocs?debug=1", ""); code != 200 || !strings.Contains(body, "heap profile") {
		t.Fatalf("allocation profile: %d %.200s", code, body)
	}
	if code, _ := get(t, base, "/debug/pprof/", ""); code == 200 {
		t.Error("the public listener serves profiles too")
	}
	if !strings.Contains(logs.String(), `"pprof_addr":"`+addr+`"`) {
		t.Errorf("no log names the profiles address:\n%s", logs.String())
	}
}

func TestProfiles_RefusedOnThePublicPort(t *testing.T) {
	cfg := map[string]string{"DATAXPIPE_ADDR": ":8000", "DATAXPIPE_PPROF_ADDR": "127.0.0.1:8000"}
	if _, err := loadErr(cfg); err == nil || !strings.Contains(err.Error(), "DATAXPIPE_PPROF_ADDR") {
		t.Fatalf("pprof on the public port: %v", err)
	}
	if _, err := loadErr(map[string]string{"DATAXPIPE_PPROF_ADDR": "6060"}); err == nil || !strings.Contains(err.Error(), "DATAXPIPE_PPROF_ADDR") {
		t.Fatalf("pprof address without a host: %v", err)
	}
}

func loadErr(env map[string]string) (config.Config, error) {
	return config.Load(func(k string) string { return env[k] })
}
