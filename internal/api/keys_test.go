package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

func TestAPIKeys_RotationGrace(t *testing.T) {
	e := sqliteEnv(t)
	_, admin := e.newOrg("acme", catalog.PlanFree)
	old, id := e.newKey(admin, "member")
	m := e.do("POST", "/api/v1/api-keys/"+id+"/rotate", admin, `{"grace_period_seconds": 600}`).expect(201).json()
	fresh := m["key"].(string)
	if m["name"] != "k-member" || m["role"] != "member" || fresh == old {
		t.Fatalf("rotated key = %v; want same name and role, new key", m)
	}
	if got, want := m["previous_key_expires_at"], "2026-06-07T06:10:00Z"; got != want {
		t.Fatalf("previous_key_expires_at = %v, want %v", got, want)
	}
	e.clock.Advance(599 * time.Second)
	e.do("GET", "/api/v1/organizations/me", old, "").expect(200)
	e.clock.Advance(time.Second)
	e.do("GET", "/api/v1/organizations/me", old, "").expect(401)
	e.do("GET", "/api/v1/organizations/me", fresh, "").expect(200)
	// A key in its grace period cannot be rotated again, and the bounds hold.
	e.do("POST", "/api/v1/api-keys/"+id+"/rotate", admin, `{}`).expect(404)
	_, id2 := e.newKey(admin, "viewer")
	res := e.do("POST", "/api/v1/api-keys/"+id2+"/rotate", admin, `{"grace_period_seconds": 604801}`).expect(422)
	if !strings.Contains(res.Body.String(), "grace_period_seconds") {
		t.Fatalf("422 does not name the field: %s", res.Body.String())
	}
}

// A key created with an expiry and rotated: the new key lives as long, the
// old key's expires_at shows the grace end in the list, a second rotation is
// a 409 saying until when it works, and revoking it ends the grace. Both
// engines.
func TestAPIKeys_RotateExpiringKey(t *testing.T) {
	for _, engine := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, sqlstoretest.Open(t, engine))
			_, admin := e.newOrg("acme", catalog.PlanFree)
			m := e.do("POST", "/api/v1/api-keys/", admin, `{"name":"ci","expires_at":"2026-07-07T06:00:00Z"}`).expect(201).json() // 720h
			old, id := m["key"].(string), m["id"].(string)
			e.clock.Advance(24 * time.Hour)
			m = e.do("POST", "/api/v1/api-keys/"+id+"/rotate", admin, `{"grace_period_seconds": 600}`).expect(201).json()
			fresh, freshID := m["key"].(string), m["id"].(string)
			if m["expires_at"] != "2026-07-08T06:00:00Z" || m["previous_key_expires_at"] != "2026-06-08T06:10:00Z" {
				t.Fatalf("rotation = %v; want the new key to expire 720h from now and the old one at the grace end", m)
			}
			expiry := map[string]any{}
			for _, it := range e.do("GET", "/api/v1/api-keys/", admin, "").expect(200).json()["items"].([]any) {
				k := it.(map[string]any)
				expiry[k["id"].(string)] = k["expires_at"]
			}
			if expiry[id] != "2026-06-08T06:10:00Z" || expiry[freshID] != "2026-07-08T06:00:00Z" {
				t.Fatalf("listed expiries = %v; want the old key's grace end and the new key's expiry", expiry)
			}
			e.clock.Advance(time.Minute)
			e.do("GET", "/api/v1/organizations/me", old, "").expect(200)
			m = e.do("POST", "/api/v1/api-keys/"+id+"/rotate", admin, `{}`).expect(409).json()
			if d := m["detail"].(string); !strings.Contains(d, freshID) || !strings.Contains(d, "2026-06-08T06:10:00Z") {
				t.Fatalf("second rotation: %v; want it to name %s and the grace end", m, freshID)
			}
			e.do("DELETE", "/api/v1/api-keys/"+id, admin, "").expect(204)
			e.do("GET", "/api/v1/organizations/me", old, "").expect(401)
			e.do("GET", "/api/v1/organizations/me", fresh, "").expect(200)
		})
	}
}

func TestAPIKeys_RevokeAndExpire(t *testing.T) {
	e := sqliteEnv(t)
	_, admin := e.newOrg("acme", catalog.PlanFree)
	key, id := e.newKey(admin, "member")
	e.do("GET", "/api/v1/organizations/me", key, "").expect(200) // now cached
	e.do("DELETE", "/api/v1/api-keys/"+id, admin, "").expect(204)
	revoked := e.do("GET", "/api/v1/organizations/me", key, "").expect(401).json()
	e.do("DELETE", "/api/v1/api-keys/"+id, admin, "").expect(404)

	m := e.do("POST", "/api/v1/api-keys/", admin, `{"name":"short","expires_at":"2026-06-07T07:00:00Z"}`).expect(201).json()
	short := m["key"].(string)
	e.do("GET", "/api/v1/organizations/me", short, "").expect(200)
	e.clock.Advance(time.Hour)
	expired := e.do("GET", "/api/v1/organizations/me", short, "").expect(401).json()

	// Unknown, malformed, bad-checksum, revoked and expired keys get one body.
	flipped := []byte(short)
	flipped[10] ^= 1
	bodies := []map[string]any{revoked, expired,
		e.do("GET", "/api/v1/organizations/me", "dxp_unknown", "").expect(401).json(),
		e.do("GET", "/api/v1/organizations/me", string(flipped), "").expect(401).json(),
		e.do("GET", "/api/v1/organizations/me", "dxp_"+strings.Repeat("A", 38), "").expect(401).json(),
	}
	for i, b := range bodies {
		delete(b, "request_id")
		if b["detail"] != bodies[0]["detail"] || b["code"] != "unauthenticated" || len(b) != len(bodies[0]) {
			t.Errorf("401 body %d differs: %v vs %v", i, b, bodies[0])
		}
	}
}

func TestAPIKeys_NoPlaintextStored(t *testing.T) {
	e := sqliteEnv(t)
	_, admin := e.newOrg("acme", catalog.PlanFree)
	key, _ := e.newKey(admin, "member")
	e.do("GET", "/api/v1/organizations/me", key, "").expect(200)
	if err := e.auth.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{key, admin} {
		if n := countInDB(t, e, secret); n != 0 {
			t.Fatalf("the database holds the key in %d places", n)
		}
	}
	list := e.do("GET", "/api/v1/api-keys/", admin, "").expect(200).Body.String()
	if strings.Contains(list, key) || strings.Contains(list, `"key":`) || strings.Contains(list, "hash") {
		t.Fatalf("key list shows a key or hash: %s", list)
	}
	if !strings.Contains(list, `"last_used_at":"2026-06-07T06:00:00Z"`) {
		t.Fatalf("last_used_at not recorded after Flush: %s", list)
	}
	audit := e.do("GET", "/api/v1/audit-events/?action=api_key.created", admin, "").expect(200).Body.String()
	if strings.Contains(audit, key) || !strings.Contains(audit, "api_key.created") {
		t.Fatalf("audit log wrong: %s", audit)
	}
}

// countInDB counts text cells in every table that contain s.
func countInDB(t *testing.T, e *env, s string) int {
	t.Helper()
	tables, err := e.db.TableNames(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, table := range tables {
		rows, err := e.db.DumpTable(context.Background(), table)
		if err != nil {
			t.Fatal(err)
		}
		for _, cell := range rows {
			if strings.Contains(cell, s) {
				n++
			}
		}
	}
	return n
}
