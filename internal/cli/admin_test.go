package cli

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/client"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// auditLog is the audit log of the organization key belongs to, as the
// API returns it.
func auditLog(t *testing.T, base, key string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/audit-events/", nil)
	req.Header.Set("X-API-KEY", key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("audit events: %d %s", res.StatusCode, b)
	}
	return string(b)
}

// Issue 13, defect 12: a production catalog without OIDC is bootstrapped
// with dxp admin create-org against its database; the key it prints once
// is the organization's admin key on the server, the creation is in the
// audit log, and an existing slug is refused without a change.
func TestAdminCreateOrg_BootstrapsAProductionCatalog(t *testing.T) {
	for _, engine := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			dsn := sqlstoretest.DSN(t, engine)
			secretKey := strings.Repeat("ab", 32)
			// DATAXPIPE_DB is set, so both are production: no scaffold keys.
			owner := map[string]string{"DATAXPIPE_DB": dsn, "DATAXPIPE_SECRET_KEY": secretKey}
			app := map[string]string{"DATAXPIPE_DB": dsn, "DATAXPIPE_SECRET_KEY": secretKey}
			if engine == sqlstore.Postgres {
				r := runDXP(t, owner, "", "admin", "create-org", "acme-corp", "--name", "Acme Corp")
				if r.err == nil || !strings.Contains(r.err.Error(), "run `dxp migrate` first") {
					t.Fatalf("create-org on an empty schema: %v", r.err)
				}
				migrateForApp(t, owner)
				app["DATAXPIPE_DB"] = sqlstoretest.AsRole(dsn, sqlstoretest.AppRole)
			}

			r := runDXP(t, owner, "", "admin", "create-org", "acme-corp", "--name", "Acme Corp", "--plan", "team").must(t)
			secret := strings.TrimSuffix(r.stdout, "\n")
			if !auth.WellFormedKey(secret) {
				t.Fatalf("stdout is not the key alone: %q", r.stdout)
			}
			orgID := regexp.MustCompile(`\borg_[0-9A-Za-z]+`).FindString(r.stderr)
			if orgID == "" || !strings.Contains(r.stderr, "not shown again") {
				t.Fatalf("stderr names no organization id: %q", r.stderr)
			}

			base := startServer(t, app)
			me, err := newClient(t, base, secret).Me(context.Background())
			if err != nil || me.ID != orgID || me.Slug != "acme-corp" || me.Name != "Acme Corp" || me.Plan != "team" {
				t.Fatalf("the printed key on the server: %+v %v", me, err)
			}
			log := auditLog(t, base, secret)
			for _, want := range []string{`"action":"organization.created"`, `"action":"api_key.created"`, `"type":"system"`, `"request_id":"dxp admin create-org"`} {
				if !strings.Contains(log, want) {
					t.Errorf("audit log lacks %s:\n%s", want, log)
				}
			}

			r = runDXP(t, owner, "", "admin", "create-org", "acme-corp", "--name", "Someone Else", "--plan", "business")
			if r.err == nil || !strings.Contains(r.err.Error(), `slug "acme-corp" exists already`) || errors.As(r.err, new(usageError)) || r.stdout != "" {
				t.Fatalf("create-org on a taken slug: %v, stdout %q", r.err, r.stdout)
			}
			if me, err := newClient(t, base, secret).Me(context.Background()); err != nil || me.Name != "Acme Corp" || me.Plan != "team" {
				t.Fatalf("after the refused repeat: %+v %v", me, err)
			}

			// As the application role too (on SQLite the same database),
			// with the API's JSON answer.
			r = runDXP(t, app, "", "admin", "create-org", "initech", "--name", "Initech", "--output", "json").must(t)
			var created struct {
				Organization struct{ ID, Slug, Plan string }
				APIKey       struct{ Key, Role string } `json:"api_key"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &created); err != nil || created.Organization.Slug != "initech" ||
				created.Organization.Plan != "free" || created.APIKey.Role != "admin" {
				t.Fatalf("--output json: %v\n%s", err, r.stdout)
			}
			if me, err := newClient(t, base, created.APIKey.Key).Me(context.Background()); err != nil || me.ID != created.Organization.ID {
				t.Fatalf("initech's key: %+v %v", me, err)
			}
		})
	}
}

// migrateForApp runs dxp migrate --app-role. Test packages running in
// parallel may grant the one cluster-wide role at the same moment, which
// Postgres answers "tuple concurrently updated"; that is retried.
func migrateForApp(t *testing.T, env map[string]string) {
	t.Helper()
	r := runDXP(t, env, "", "migrate", "--app-role", sqlstoretest.AppRole)
	for try := 1; try < 5 && r.err != nil && strings.Contains(r.err.Error(), "concurrently"); try++ {
		time.Sleep(time.Duration(50*try) * time.Millisecond)
		r = runDXP(t, env, "", "migrate", "--app-role", sqlstoretest.AppRole)
	}
	r.must(t)
}

func newClient(t *testing.T, base, key string) *client.Client {
	t.Helper()
	c, err := client.New(base, key)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAdminCreateOrg_BadArgumentsAreOneUsageError(t *testing.T) {
	r := runDXP(t, map[string]string{"DATAXPIPE_DB": t.TempDir() + "/u.db"}, "", "admin", "create-org", "Not A Slug", "--plan", "gold")
	if !errors.As(r.err, new(usageError)) {
		t.Fatalf("err = %v, want a usage error", r.err)
	}
	for _, want := range []string{"SLUG: slug must be", "--name: name is required", "--plan: plan must be one of"} {
		if !strings.Contains(r.err.Error(), want) {
			t.Errorf("usage error lacks %q: %v", want, r.err)
		}
	}
	r = runDXP(t, map[string]string{"DATAXPIPE_DB": t.TempDir() + "/u.db", "DATAXPIPE_SECRET_KEY": strings.Repeat("ab", 32)}, "",
		"admin", "create-org", "acme", "--name", "Acme", "--tenant", "acme.example.com")
	if r.err == nil || !strings.Contains(r.err.Error(), "DATAXPIPE_TENANTS is unset") {
		t.Fatalf("--tenant without DATAXPIPE_TENANTS: %v", r.err)
	}
}
