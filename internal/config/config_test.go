package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoad_Defaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Env != "development" || c.DB != DefaultDB || c.Addr != ":8000" || c.PGPoolMax != 10 || c.RateLimitAnonPerMinute != 60 {
		t.Fatalf("defaults = %+v", c)
	}
}

func TestLoad_ProductionWhenDBNamed(t *testing.T) {
	_, err := Load(env(map[string]string{"DATAXPIPE_DB": "postgres://x@h/db"}))
	if err == nil || !strings.Contains(err.Error(), "DATAXPIPE_SECRET_KEY is required in production") {
		t.Fatalf("err = %v, want the missing secret key named", err)
	}
}

func TestLoad_ListsEveryProblem(t *testing.T) {
	_, err := Load(env(map[string]string{
		"DATAXPIPE_ENV": "staging", "DATAXPIPE_ADDR": "8000", "DATAXPIPE_PG_POOL_MAX": "lots",
		"DATAXPIPE_RATE_LIMIT_ENABLED": "yes please", "DATAXPIPE_SECRET_KEY": "short",
	}))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"DATAXPIPE_ENV", "DATAXPIPE_ADDR", "DATAXPIPE_PG_POOL_MAX", "DATAXPIPE_RATE_LIMIT_ENABLED", "DATAXPIPE_SECRET_KEY"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
}

func TestLoad_FileVariant(t *testing.T) {
	path := filepath.Join(t.TempDir(), "key")
	key := strings.Repeat("ab", 32)
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(map[string]string{"DATAXPIPE_SECRET_KEY_FILE": path, "STRIPE_SECRET_KEY": "sk_test_123"}))
	if err != nil || c.SecretKey != key {
		t.Fatalf("SecretKey = %q, %v; want it read from the file", c.SecretKey, err)
	}
	if s := c.String(); strings.Contains(s, key) || strings.Contains(s, "sk_test_123") {
		t.Fatalf("String() shows a secret:\n%s", s)
	}
}

func TestString_MasksURLPassword(t *testing.T) {
	c := Config{DB: "postgres://app:hunter2@db/catalog", RedisURL: "redis://:pw@cache:6379/0"}
	if s := c.String(); strings.Contains(s, "hunter2") || strings.Contains(s, ":pw@") {
		t.Fatalf("String() shows a password:\n%s", s)
	}
}

// TestVariables_AreWhatLoadReads holds the help list to Load: a variable
// read but not listed, or listed but never read, fails.
func TestVariables_AreWhatLoadReads(t *testing.T) {
	read := map[string]bool{}
	Load(func(k string) string {
		if !strings.HasSuffix(k, "_FILE") {
			read[k] = true
		}
		return ""
	})
	listed := map[string]bool{}
	for _, v := range Variables {
		if listed[v.Name] {
			t.Errorf("%s is listed twice", v.Name)
		}
		listed[v.Name] = true
		if !read[v.Name] {
			t.Errorf("%s is listed but Load does not read it", v.Name)
		}
		if v.About == "" {
			t.Errorf("%s has no description", v.Name)
		}
	}
	for k := range read {
		if !listed[k] {
			t.Errorf("Load reads %s, which Variables does not list", k)
		}
	}
}

func TestLoad_OIDCClientDefaultsToAudience(t *testing.T) {
	base := map[string]string{"DATAXPIPE_OIDC_ISSUER": "https://idp.example.com", "DATAXPIPE_OIDC_AUDIENCE": "dataxpipe"}
	c, err := Load(env(base))
	if err != nil || c.OIDCClientID != "dataxpipe" || c.OIDCClientSecret != "" {
		t.Fatalf("client id = %q, secret = %q, %v; want the audience and no secret", c.OIDCClientID, c.OIDCClientSecret, err)
	}
	base["DATAXPIPE_OIDC_CLIENT_ID"], base["DATAXPIPE_OIDC_CLIENT_SECRET"] = "web-ui", "s3cret-value"
	c, err = Load(env(base))
	if err != nil || c.OIDCClientID != "web-ui" || c.OIDCClientSecret != "s3cret-value" {
		t.Fatalf("client id = %q, secret = %q, %v", c.OIDCClientID, c.OIDCClientSecret, err)
	}
	if strings.Contains(c.String(), "s3cret-value") {
		t.Fatalf("String() shows the client secret:\n%s", c)
	}
	_, err = Load(env(map[string]string{"DATAXPIPE_OIDC_CLIENT_SECRET": "x"}))
	if err == nil || !strings.Contains(err.Error(), "DATAXPIPE_OIDC_CLIENT_SECRET need DATAXPIPE_OIDC_ISSUER") {
		t.Fatalf("a client secret without an issuer: %v", err)
	}
}
