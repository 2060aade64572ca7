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

func TestDatasets_ListAndGet(t *testing.T) {
	tc := newTestCatalog(t, "free")
	tc.dxp(t, "pipelines", "apply", "-f", "../../examples").must(t)

	r := tc.dxp(t, "datasets", "list", "--query", "ORDERS").must(t)
	if !strings.HasPrefix(r.stdout, "ID ") || !strings.Contains(r.stdout, "clean_orders ") || !strings.Contains(r.stdout, "analytics.orders_clean") ||
		strings.Contains(r.stdout, "dim_customers") {
		t.Fatalf("list --query:\n%s", r.stdout)
	}
	all := decodeJSON[[]struct{ ID string }](t, tc.dxp(t, "datasets", "list", "--output", "json").must(t))
	if len(all) < 10 {
		t.Fatalf("list gave %d datasets: %+v", len(all), all)
	}
	r = tc.dxp(t, "datasets", "get", "orders_enriched").must(t)
	for _, want := range []string{"Dataset:      orders_enriched\n", "Produced by:  orders_sync\n", "Downstream:   clean_orders (orders_sync)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("get lacks %q:\n%s", want, r.stdout)
		}
	}
	d := decodeJSON[struct {
		ID        string
		Producers []string
		Upstream  []struct{ ID string }
	}](t, tc.dxp(t, "datasets", "get", "orders_enriched", "--output", "json").must(t))
	if d.ID != "orders_enriched" || len(d.Producers) != 1 || len(d.Upstream) < 2 {
		t.Fatalf("get --output json: %+v", d)
	}
	if r := tc.dxp(t, "datasets", "get", "nope"); r.err == nil {
		t.Fatal("get of a missing dataset succeeded")
	}
}

func TestOrgShow(t *testing.T) {
	tc := newTestCatalog(t, "free")
	tc.dxp(t, "pipelines", "apply", "-f", "../../examples/orders.yaml").must(t)
	r := tc.dxp(t, "org", "show").must(t)
	for _, want := range []string{"Organization:  Acme Corp (acme-corp, org_", "Plan:          free\n", "Pipelines:     1 of 3\n",
		"Connections:   0 of 2\n", "Requests:      100 a minute\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("org show lacks %q:\n%s", want, r.stdout)
		}
	}
	org := decodeJSON[struct {
		Plan  string
		Usage struct{ Pipelines int }
	}](t, tc.dxp(t, "org", "show", "--output", "json").must(t))
	if org.Plan != "free" || org.Usage.Pipelines != 1 {
		t.Fatalf("org show --output json: %+v", org)
	}
	business := newTestCatalog(t, "business")
	if r := business.dxp(t, "org", "show").must(t); !strings.Contains(r.stdout, "Pipelines:     0 (unlimited)\n") {
		t.Fatalf("business org show:\n%s", r.stdout)
	}
}

func TestPipelinesDelete(t *testing.T) {
	tc := newTestCatalog(t, "free")
	tc.dxp(t, "pipelines", "apply", "-f", "../../examples").must(t)
	if r := tc.dxp(t, "pipelines", "delete", "inventory_snapshot").must(t); r.stdout != "Deleted pipeline inventory_snapshot.\n" {
		t.Fatalf("delete printed %q", r.stdout)
	}
	if r := tc.dxp(t, "pipelines", "get", "inventory_snapshot"); r.err == nil {
		t.Fatal("the deleted pipeline is still there")
	}
	if r := tc.dxp(t, "pipelines", "delete", "inventory_snapshot"); r.err == nil || !strings.Contains(r.err.Error(), "inventory_snapshot") {
		t.Fatalf("second delete: %v", r.err)
	}
	// A member may delete; a viewer may not.
	viewer := strings.TrimSpace(tc.dxp(t, "keys", "create", "ro", "--role", "viewer").must(t).stdout)
	if r := runDXP(t, tc.env(viewer), "", "pipelines", "delete", "orders_sync"); r.err == nil {
		t.Fatal("a viewer deleted a pipeline")
	}
}

func TestMembersAndAudit(t *testing.T) {
	tc := newTestCatalog(t, "free")
	r := tc.dxp(t, "members", "invite", "Ana@Acme.com", "--role", "admin").must(t)
	ana := strings.TrimSpace(r.stdout)
	if !strings.HasPrefix(ana, "mem_") || !strings.Contains(r.stderr, "Invited ana@acme.com as admin.") {
		t.Fatalf("invite printed %q / %q", r.stdout, r.stderr)
	}
	tc.dxp(t, "members", "invite", "ben@acme.com").must(t)
	r = tc.dxp(t, "members", "list").must(t)
	if !strings.Contains(r.stdout, ana+"  ana@acme.com  admin   no ") || !strings.Contains(r.stdout, "ben@acme.com  member  no ") {
		t.Fatalf("members list:\n%s", r.stdout)
	}
	if r := tc.dxp(t, "members", "invite", "not-an-address"); r.err == nil || !strings.Contains(r.err.Error(), "email") {
		t.Fatalf("invite of a bad address: %v", r.err)
	}
	if r := tc.dxp(t, "members", "remove", ana).must(t); r.stdout != "Removed "+ana+".\n" {
		t.Fatalf("remove printed %q", r.stdout)
	}
	ms := decodeJSON[[]struct{ Email string }](t, tc.dxp(t, "members", "list", "--output", "json").must(t))
	if len(ms) != 1 || ms[0].Email != "ben@acme.com" {
		t.Fatalf("members after remove: %+v", ms)
	}

	r = tc.dxp(t, "audit", "list", "--since", "1h").must(t)
	if !strings.HasPrefix(r.stdout, "TIME ") || !strings.Contains(r.stdout, "member.removed") || !strings.Contains(r.stdout, "member.added") {
		t.Fatalf("audit list:\n%s", r.stdout)
	}
	events := decodeJSON[[]struct {
		Action string
		Actor  struct{ Type string }
	}](t, tc.dxp(t, "audit", "list", "--action", "member.added", "--output", "json").must(t))
	if len(events) != 2 || events[0].Action != "member.added" || events[0].Actor.Type != "api_key" {
		t.Fatalf("audit list --action: %+v", events)
	}
	if r := tc.dxp(t, "audit", "list", "--limit", "1", "--output", "json").must(t); len(decodeJSON[[]any](t, r)) != 1 {
		t.Fatal("audit list --limit 1")
	}
	// The audit log and the members are for admins.
	member := strings.TrimSpace(tc.dxp(t, "keys", "create", "ci").must(t).stdout)
	for _, args := range [][]string{{"audit", "list"}, {"members", "list"}} {
		if r := runDXP(t, tc.env(member), "", args...); r.err == nil || !strings.Contains(strings.ToLower(r.err.Error()), "admin") {
			t.Errorf("dxp %v as a member: %v", args, r.err)
		}
	}
}
