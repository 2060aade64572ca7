package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/api"
	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/oidctest"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
	"github.com/dataxpipe/catalog/internal/testrig"
)

// env is one server over a real store, with the scaffold keys on.
type env struct {
	t     *testing.T
	db    *sqlstore.DB
	auth  *auth.Authenticator
	srv   *api.Server
	clock *testrig.Clock
	logs  *testrig.Logs
	iss   *oidctest.Issuer // set by enablePeople
}

func newEnv(t *testing.T, db *sqlstore.DB) *env {
	t.Helper()
	c := testrig.NewClock(time.Date(2026, 6, 7, 6, 0, 0, 0, time.UTC))
	db.Now = c.Now
	logger, logs := testrig.NewLogger(slog.LevelInfo)
	a := auth.NewAuthenticator(db, logger)
	a.Now = c.Now
	dev, err := db.FindOrgBySlug(context.Background(), "dev") // a second env on one store shares it
	if catalog.ErrorCode(err) == catalog.ENOTFOUND {
		dev = &catalog.Org{Slug: "dev", Name: "Development", Plan: catalog.PlanFree}
		err = db.CreateOrg(context.Background(), dev, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	a.EnableScaffold(dev)
	srv := api.NewServer(api.Options{Store: db, Auth: a, Logger: logger, Now: c.Now})
	return &env{t: t, db: db, auth: a, srv: srv, clock: c, logs: logs}
}

// sqliteEnv is an env on SQLite, for HTTP behaviour that does not depend on
// the engine (the store tests cover both engines).
func sqliteEnv(t *testing.T) *env { return newEnv(t, sqlstoretest.Open(t, sqlstore.SQLite)) }

// response is a recorded answer with helpers.
type response struct {
	*httptest.ResponseRecorder
	t *testing.T
}

// json decodes the body into a generic map.
func (r response) json() map[string]any {
	r.t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body.Bytes(), &m); err != nil {
		r.t.Fatalf("body is not a JSON object: %v\n%s", err, r.Body.String())
	}
	return m
}

// do sends a request with key (if any) and a JSON body (if not "").
func (e *env) do(method, path, key, body string, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("X-API-KEY", key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.serve(rec, req) // checked against the OpenAPI document: openapi_validate_test.go
	return response{rec, e.t}
}

// expect fails unless the response has status.
func (r response) expect(status int) response {
	r.t.Helper()
	if r.Code != status {
		r.t.Fatalf("status %d, want %d; body: %s", r.Code, status, r.Body.String())
	}
	return r
}

// newOrg creates an organization through the admin API and returns its
// slug and admin key.
func (e *env) newOrg(slug, plan string) (string, string) {
	e.t.Helper()
	m := e.do("POST", "/api/v1/admin/organizations/", "platform-key",
		`{"slug":"`+slug+`","name":"Org `+slug+`","plan":"`+plan+`"}`).expect(201).json()
	return slug, m["api_key"].(map[string]any)["key"].(string)
}

// newKey creates a key with role using an admin key and returns key and id.
func (e *env) newKey(admin, role string) (string, string) {
	e.t.Helper()
	m := e.do("POST", "/api/v1/api-keys/", admin, `{"name":"k-`+role+`","role":"`+role+`"}`).expect(201).json()
	return m["key"].(string), m["id"].(string)
}

// pipelineJSON is a valid pipeline.json named name.
func pipelineJSON(name, version string) string {
	return `{"name":"` + name + `","version":"` + version + `","owner":"data@acme.com","schedule":"@daily","tags":["pii","tier-1"],
	 "sources":[{"id":"raw_orders","type":"postgres","connection_ref":"pg-prod","object":"ecommerce.orders","load_mode":"incremental","watermark_column":"updated_at"}],
	 "transforms":[{"id":"enrich","type":"sql","code_ref":"t.sql","inputs":["raw_orders"],"outputs":["orders_enriched"]}],
	 "targets":[{"id":"clean_orders","type":"bigquery","object":"analytics.orders_clean","write_mode":"merge","primary_key":["order_id"],"inputs":["orders_enriched"]}],
	 "checks":[{"id":"pk_not_null","target":"clean_orders","sql":"checks/pk.sql","severity":"warn"}]}`
}

// directKey stores an organization (once, when create is set) and a new
// admin key for it through the store, returning the key.
func (e *env) directKey(org *catalog.Org, create bool) string {
	e.t.Helper()
	if create {
		if err := e.db.CreateOrg(context.Background(), org, nil); err != nil {
			e.t.Fatal(err)
		}
	}
	secret := auth.GenerateKey()
	k := &catalog.APIKey{Name: "direct", Role: catalog.RoleAdmin, Prefix: auth.DisplayPrefix(secret), Hash: auth.HashKey(secret)}
	ctx := catalog.NewContextWithPrincipal(context.Background(), &catalog.Principal{OrgID: org.ID, Role: catalog.RoleAdmin, KeyID: "test"})
	if err := e.db.CreateAPIKey(ctx, k); err != nil {
		e.t.Fatal(err)
	}
	return secret
}
