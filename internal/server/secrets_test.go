package server

import (
	"bytes"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/config"
)

func TestLoadSecretKey_DevelopmentKeyIsMadeOnceNextToTheDatabase(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Config{Env: "development", DB: dir + "/dataxpipe.db"}
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	first, err := loadSecretKey(cfg, logger)
	if err != nil || len(first) != 32 {
		t.Fatalf("first start: key of %d bytes, %v", len(first), err)
	}
	info, err := os.Stat(dir + "/dataxpipe.db.key")
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v; want mode 0600", info, err)
	}
	if !strings.Contains(logs.String(), "generated a development secret key") || !strings.Contains(logs.String(), dir+"/dataxpipe.db.key") {
		t.Fatalf("log does not say a key was generated and where:\n%s", logs.String())
	}
	logs.Reset()
	second, err := loadSecretKey(cfg, logger)
	if err != nil || !bytes.Equal(first, second) {
		t.Fatalf("second start: another key (%v)", err)
	}
	if !strings.Contains(logs.String(), "using the development secret key") {
		t.Fatalf("second start log:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), base64.StdEncoding.EncodeToString(first)) {
		t.Fatal("the key itself is in the log")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("directory holds %d files, want only the key (no temporary leftovers)", len(entries))
	}
}

func TestLoadSecretKey_TheEnvironmentWinsAndBadFilesStop(t *testing.T) {
	dir := t.TempDir()
	logger := slog.New(slog.DiscardHandler)
	key, err := loadSecretKey(config.Config{Env: "development", DB: dir + "/a.db", SecretKey: strings.Repeat("ab", 32)}, logger)
	if err != nil || key[0] != 0xab {
		t.Fatalf("DATAXPIPE_SECRET_KEY: %x, %v", key, err)
	}
	if _, err := os.Stat(dir + "/a.db.key"); err == nil {
		t.Fatal("a key file was written although DATAXPIPE_SECRET_KEY is set")
	}
	os.WriteFile(dir+"/b.db.key", []byte("not a key\n"), 0o600)
	if _, err := loadSecretKey(config.Config{Env: "development", DB: dir + "/b.db"}, logger); err == nil || !strings.Contains(err.Error(), "b.db.key") {
		t.Fatalf("a broken key file: %v, want an error naming it", err)
	}
	if key, err := loadSecretKey(config.Config{Env: "development", DB: "postgres://x@localhost/db"}, logger); key != nil || err != nil {
		t.Fatalf("development on Postgres: %x, %v; want no key and no error", key, err)
	}
	_, err = config.Load(func(k string) string {
		return map[string]string{"DATAXPIPE_DB": dir + "/p.db", "DATAXPIPE_ENV": "production"}[k]
	})
	if err == nil || !strings.Contains(err.Error(), "DATAXPIPE_SECRET_KEY is required in production") {
		t.Fatalf("production without a key: %v", err)
	}
}

// TestNew_DevelopmentStoresConnectionSecretsSealed stores a password
// through a development server, restarts it and reads the connection back.
func TestNew_DevelopmentStoresConnectionSecretsSealed(t *testing.T) {
	db := t.TempDir() + "/dev.db"
	env := map[string]string{"DATAXPIPE_DB": db, "DATAXPIPE_ENV": "development"}
	call := func(base, method, path, body string) (int, string) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("X-API-KEY", "dev-key")
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	ts := startServer(t, env)
	if code, body := call(ts.url, "POST", "/api/v1/connections/", `{"id":"pg-dev","type":"postgres","config":{"host":"localhost","password":"dev-pw-123"}}`); code != 201 || strings.Contains(body, "dev-pw-123") {
		t.Fatalf("create: %d %s", code, body)
	}
	if !strings.Contains(ts.logs.String(), db+".key") {
		t.Fatalf("the log does not name the key file:\n%s", ts.logs.String())
	}
	ts.stop()
	for _, file := range []string{db, db + "-wal"} {
		if raw, _ := os.ReadFile(file); bytes.Contains(raw, []byte("dev-pw-123")) {
			t.Fatalf("%s holds the password in the clear", file)
		}
	}
	ts = startServer(t, env)
	if code, body := call(ts.url, "GET", "/api/v1/connections/pg-dev", ""); code != 200 || !strings.Contains(body, `"password":"********"`) {
		t.Fatalf("after restart: %d %s", code, body)
	}
}
