package server

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/oidctest"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// call sends a request with the given credential header and returns the
// status and body.
func call(t *testing.T, method, url, header, value, body string, headers ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set(header, value)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// Issue 13, defect 6: a person who signed in before being invited was
// refused for the cache's lifetime after the invitation. Two replicas serve
// one database: the invitation is made on one, and the person's next
// request, on either, acts in the organization at once: their first one,
// and a second one beside it.
func TestPeople_AnInvitationTakesEffectOnTheNextRequest(t *testing.T) {
	for _, engine := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			iss := oidctest.NewIssuer(t)
			dsn := sqlstoretest.DSN(t, engine)
			env := map[string]string{"DATAXPIPE_DB": dsn, "DATAXPIPE_ENV": "development", "DATAXPIPE_SECRET_KEY": strings.Repeat("ab", 32),
				"DATAXPIPE_OIDC_ISSUER": iss.URL(), "DATAXPIPE_OIDC_AUDIENCE": "ui"}
			if engine == sqlstore.Postgres {
				migrateForApp(t, env)
				env["DATAXPIPE_DB"] = sqlstoretest.AsRole(dsn, sqlstoretest.AppRole)
			}
			a, b := startServer(t, env), startServer(t, env) // the dev organization is the same on both
			bearer := "Bearer " + iss.Token(t, map[string]any{"sub": "ana-sub", "aud": "ui", "email": "ana@acme.io", "email_verified": true})
			me := func(base string, headers ...string) (int, string) {
				return call(t, "GET", base+"/api/v1/organizations/me", "Authorization", bearer, "", headers...)
			}
			invite := func(base, key string) {
				t.Helper()
				if code, body := call(t, "POST", base+"/api/v1/members/", "X-API-KEY", key, `{"email":"ana@acme.io","role":"member"}`); code != 201 {
					t.Fatalf("invite: %d %s", code, body)
				}
			}

			for _, base := range []string{a.url, b.url} { // both replicas now remember "no organization"
				if code, body := me(base); code != 404 {
					t.Fatalf("before the invitation: %d %s, want 404", code, body)
				}
			}
			invite(a.url, "admin-key")
			for name, base := range map[string]string{"the inviting replica": a.url, "the other replica": b.url} {
				if code, body := me(base); code != 200 || !strings.Contains(body, `"slug":"dev"`) {
					t.Errorf("on %s right after the invitation: %d %s, want 200 in dev", name, code, body)
				}
			}

			// A second organization: the person's cached memberships (dev)
			// must not hide the new one.
			code, body := call(t, "POST", a.url+"/api/v1/admin/organizations/", "X-API-KEY", "platform-key", `{"slug":"globex","name":"Globex"}`)
			if code != 201 {
				t.Fatalf("create globex: %d %s", code, body)
			}
			globexKey := body[strings.Index(body, `"key":"`)+len(`"key":"`):]
			globexKey = globexKey[:strings.IndexByte(globexKey, '"')]
			for _, base := range []string{a.url, b.url} {
				if code, body := me(base, "X-DXP-Organization", "globex"); code != 404 {
					t.Fatalf("globex before its invitation: %d %s, want 404", code, body)
				}
			}
			invite(a.url, globexKey)
			for name, base := range map[string]string{"the inviting replica": a.url, "the other replica": b.url} {
				if code, body := me(base, "X-DXP-Organization", "globex"); code != 200 || !strings.Contains(body, `"slug":"globex"`) {
					t.Errorf("globex on %s right after its invitation: %d %s, want 200", name, code, body)
				}
			}
		})
	}
}
