package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestConnections_CreateListGet(t *testing.T) {
	tc := newTestCatalog(t, "free")
	cfg := filepath.Join(t.TempDir(), "pg.json")
	writeFile(t, cfg, `{"host": "db.internal", "port": 5432, "account": 123456789012345678901, "password": "s3cret!"}`)
	r := tc.dxp(t, "connections", "create", "pg-prod", "--type", "postgres", "--config-file", cfg,
		"--config", "user=etl", "--config", "password_secret=vault/pg/etl", "--description", "orders database").must(t)
	for _, want := range []string{"Created connection pg-prod.\n", "Config:       account = 123456789012345678901\n", "password = ********\n",
		"password_secret = vault/pg/etl\n", "port = 5432\n", "user = etl\n", "Description:  orders database\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("create lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "s3cret!") {
		t.Fatalf("the secret came back:\n%s", r.stdout)
	}
	// From standard input, as the help advises for secrets.
	runDXP(t, tc.env(tc.admin), `{"project": "acme-analytics", "credentials_json": "{}"}`,
		"connections", "create", "bq-prod", "--type", "bigquery", "--config-file", "-").must(t)

	r = tc.dxp(t, "connections", "list").must(t)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "bq-prod ") || !strings.HasPrefix(lines[2], "pg-prod  postgres  orders database") {
		t.Fatalf("list:\n%s", r.stdout)
	}
	got := decodeJSON[[]struct {
		ID     string
		Config map[string]any
	}](t, tc.dxp(t, "connections", "list", "--limit", "1", "--output", "json").must(t))
	if len(got) != 1 || got[0].ID != "bq-prod" || got[0].Config["credentials_json"] != "********" {
		t.Fatalf("list --limit 1 --output json: %+v", got)
	}
	one := decodeJSON[struct {
		ID     string
		Config map[string]any
	}](t, tc.dxp(t, "connections", "get", "pg-prod", "--output", "json").must(t))
	if one.ID != "pg-prod" || one.Config["host"] != "db.internal" || one.Config["password"] != "********" {
		t.Fatalf("get --output json: %+v", one)
	}

	// The API's refusals come through: a taken id, the plan's limit of 2.
	if r := tc.dxp(t, "connections", "create", "pg-prod", "--type", "postgres"); r.err == nil {
		t.Fatal("a second pg-prod was created")
	}
	if r := tc.dxp(t, "connections", "create", "s3-wms", "--type", "s3"); r.err == nil || !strings.Contains(r.err.Error(), "Free") {
		t.Fatalf("third connection on Free: %v", r.err)
	}
	for args, want := range map[string]string{
		"connections create x":                          "--type is required",
		"connections create x --type s3 --config nokey": `--config "nokey" is not KEY=VALUE`,
	} {
		if r := tc.dxp(t, strings.Fields(args)...); r.err == nil || !strings.Contains(r.err.Error(), want) {
			t.Errorf("dxp %s: %v, want %q", args, r.err, want)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	writeFile(t, bad, `["host"]`)
	if r := tc.dxp(t, "connections", "create", "x", "--type", "s3", "--config-file", bad); r.err == nil || !strings.Contains(r.err.Error(), "JSON object") {
		t.Errorf("a config file that is no object: %v", r.err)
	}
	if r := tc.dxp(t, "connections", "get", "nope"); r.err == nil || !strings.Contains(r.err.Error(), "nope") {
		t.Fatalf("get of a missing connection: %v", r.err)
	}
}
