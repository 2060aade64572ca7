package api_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// keyedEnv is an env on SQLite whose store has a secret key, as
// DATAXPIPE_SECRET_KEY gives one.
func keyedEnv(t *testing.T) *env {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), sqlstoretest.DSN(t, sqlstore.SQLite), sqlstore.Options{SecretKey: bytes.Repeat([]byte{9}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return newEnv(t, db)
}

const pgProd = `{"id":"pg-prod","type":"postgres","description":"orders","config":{"host":"db","port":5432,
  "password":"hunter2","password_secret":"vault/pg/pw","auth":{"token":"tok-123"}}}`

func TestConnections_CRUD(t *testing.T) {
	e := keyedEnv(t)
	_, key := e.newOrg("acme", catalog.PlanTeam)
	res := e.do("POST", "/api/v1/connections/", key, pgProd).expect(201)
	want := `{"id":"pg-prod","type":"postgres","description":"orders","config":{"auth":{"token":"********"},"host":"db",` +
		`"password":"********","password_secret":"vault/pg/pw","port":5432},"created_at":"2026-06-07T06:00:00Z","updated_at":"2026-06-07T06:00:00Z"}`
	if got := strings.TrimSpace(res.Body.String()); got != want || res.Header().Get("Location") != "/api/v1/connections/pg-prod" {
		t.Fatalf("created:\n%s\nwant\n%s (Location %q)", got, want, res.Header().Get("Location"))
	}
	if got := strings.TrimSpace(e.do("GET", "/api/v1/connections/pg-prod", key, "").expect(200).Body.String()); got != want {
		t.Fatalf("read back:\n%s", got)
	}
	e.do("POST", "/api/v1/connections", key, pgProd).expect(409)
	items := e.do("GET", "/api/v1/connections", key, "").expect(200).json()["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["config"].(map[string]any)["password"] != "********" {
		t.Fatalf("list = %v", items)
	}

	// PUT what was read, with one change: the masked secrets keep their values.
	e.clock.Advance(60e9)
	put := strings.Replace(want, `"host":"db"`, `"host":"db2"`, 1)
	put = put[:strings.Index(put, `,"created_at"`)] + "}"
	m := e.do("PUT", "/api/v1/connections/pg-prod", key, put).expect(200).json()
	if m["config"].(map[string]any)["host"] != "db2" || m["updated_at"] != "2026-06-07T06:01:00Z" || m["created_at"] != "2026-06-07T06:00:00Z" {
		t.Fatalf("replaced = %v", m)
	}
	if n := countInDB(t, e, "hunter2") + countInDB(t, e, "tok-123"); n != 0 {
		t.Fatalf("the database holds a secret in the clear in %d places", n)
	}
	e.do("PUT", "/api/v1/connections/pg-prod", key, `{"id":"other","type":"postgres","config":{}}`).expect(422)
	e.do("PUT", "/api/v1/connections/nope", key, `{"type":"postgres","config":{}}`).expect(404)
	e.do("DELETE", "/api/v1/connections/pg-prod", key, "").expect(204)
	e.do("GET", "/api/v1/connections/pg-prod", key, "").expect(404)
	e.do("DELETE", "/api/v1/connections/pg-prod", key, "").expect(404)

	audit := e.do("GET", "/api/v1/audit-events/?limit=500", key, "").expect(200).Body.String()
	for _, action := range []string{"connection.created", "connection.updated", "connection.deleted"} {
		if !strings.Contains(audit, `"action":"`+action+`","target":"pg-prod"`) {
			t.Errorf("audit log lacks %s of pg-prod: %s", action, audit)
		}
	}
	if strings.Contains(audit, "hunter2") || strings.Contains(e.logs.String(), "hunter2") {
		t.Fatal("a secret reached the audit log or the server log")
	}
}

func TestConnections_ValidationListsEveryProblem(t *testing.T) {
	e := keyedEnv(t)
	_, key := e.newOrg("acme", catalog.PlanTeam)
	m := e.do("POST", "/api/v1/connections/", key, `{"id":"BQ_Prod","config":[1]}`).expect(422).json()
	fields := map[string]string{}
	for _, p := range m["errors"].([]any) {
		fields[p.(map[string]any)["field"].(string)] = p.(map[string]any)["message"].(string)
	}
	if len(fields) != 3 || !strings.Contains(fields["id"], "^[a-z][a-z0-9-]{0,62}$") || fields["type"] == "" || fields["config"] == "" {
		t.Fatalf("problems = %v; want id (naming the pattern), type and config", fields)
	}
	e.do("POST", "/api/v1/connections/", key, `{"id":"a","type":"s3"}`).expect(422) // config is required
	e.do("POST", "/api/v1/connections/", key, `{"id":"a","type":"s3","config":{},"organization_id":"org_x"}`).expect(422)
	e.do("POST", "/api/v1/connections/", key, `{"id":"a","type":"s3","config":{"password":"********"}}`).expect(422)
	e.do("POST", "/api/v1/connections/", key, `{"id":"a",`).expect(400)
}

func TestConnections_WithoutSecretKey(t *testing.T) {
	e := sqliteEnv(t) // no DATAXPIPE_SECRET_KEY
	_, key := e.newOrg("acme", catalog.PlanTeam)
	m := e.do("POST", "/api/v1/connections/", key, pgProd).expect(503).json()
	if m["code"] != "unavailable" || !strings.Contains(m["detail"].(string), "DATAXPIPE_SECRET_KEY") || strings.Contains(m["detail"].(string), "hunter2") {
		t.Fatalf("503 body = %v", m)
	}
	e.do("GET", "/api/v1/connections/pg-prod", key, "").expect(404)
	e.do("POST", "/api/v1/connections/", key, `{"id":"sf","type":"snowflake","config":{"user":"etl","password_secret":"vault/sf"}}`).expect(201)
}

func TestConnections_PlanLimit(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanFree)
	for _, id := range []string{"a", "b"} {
		e.do("POST", "/api/v1/connections/", key, `{"id":"`+id+`","type":"s3","config":{}}`).expect(201)
	}
	m := e.do("POST", "/api/v1/connections/", key, `{"id":"c","type":"s3","config":{}}`).expect(403).json()
	if m["code"] != "plan_limit_exceeded" || m["resource"] != "connections" || m["limit"] != float64(2) || m["usage"] != float64(2) ||
		m["plan"] != "free" || m["upgrade_url"] != "/api/v1/billing/checkout" || !strings.Contains(m["detail"].(string), "Team") {
		t.Fatalf("403 body = %v", m)
	}
	if u := e.do("GET", "/api/v1/organizations/me", key, "").expect(200).json()["usage"].(map[string]any); u["connections"] != float64(2) {
		t.Fatalf("usage = %v", u)
	}
}

func TestPipelines_UnknownConnectionRefsWarn(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanTeam)
	body := strings.Replace(pipelineJSON("orders_sync", "1"), `"type":"bigquery",`, `"type":"bigquery","connection_ref":"bq-prod",`, 1)
	m := e.do("POST", "/api/v1/pipelines/", key, body).expect(201).json()
	warnings := m["warnings"].([]any)
	if len(warnings) != 2 || warnings[0].(map[string]any)["field"] != "sources[0].connection_ref" ||
		warnings[1].(map[string]any)["field"] != "targets[0].connection_ref" || !strings.Contains(warnings[0].(map[string]any)["message"].(string), "pg-prod") {
		t.Fatalf("warnings = %v", warnings)
	}
	e.do("POST", "/api/v1/connections/", key, `{"id":"pg-prod","type":"postgres","config":{}}`).expect(201)
	e.do("POST", "/api/v1/connections/", key, `{"id":"bq-prod","type":"bigquery","config":{}}`).expect(201)
	res := e.do("POST", "/api/v1/pipelines/", key, body).expect(200)
	if !strings.Contains(res.Body.String(), `"warnings":[]`) || res.json()["created"] != false {
		t.Fatalf("with both connections: %s", res.Body.String())
	}
}
