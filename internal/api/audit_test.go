package api_test

import (
	"net/url"
	"testing"
	"time"
)

// ?actor= narrows the audit log in the store: each page holds only that
// actor's events, and it combines with ?action=.
func TestListAuditEvents_ByActor(t *testing.T) {
	e := sqliteEnv(t)
	_, admin := e.newOrg("acme", "business")
	second, secondID := e.newKey(admin, "admin")
	for _, c := range []struct{ key, id string }{{admin, "by-admin-1"}, {second, "by-second-1"}, {admin, "by-admin-2"}, {second, "by-second-2"}, {admin, "by-admin-3"}} {
		e.do("POST", "/api/v1/connections/", c.key, `{"id":"`+c.id+`","type":"s3","config":{}}`).expect(201)
		e.clock.Advance(time.Second) // the log is newest first; events of one instant order by random id
	}
	var targets []string
	for cursor := ""; ; {
		m := e.do("GET", "/api/v1/audit-events/?limit=1&actor="+url.QueryEscape(secondID)+"&cursor="+url.QueryEscape(cursor), admin, "").expect(200).json()
		items := m["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("a page of one actor's events holds %d items: %v", len(items), m)
		}
		ev := items[0].(map[string]any)
		if actor := ev["actor"].(map[string]any); actor["id"] != secondID || actor["type"] != "api_key" {
			t.Fatalf("event of another actor: %v", ev)
		}
		targets = append(targets, ev["target"].(string))
		next, _ := m["next_cursor"].(string)
		if cursor = next; cursor == "" {
			break
		}
	}
	if len(targets) != 2 || targets[0] != "by-second-2" || targets[1] != "by-second-1" {
		t.Fatalf("the second key's events %v, want by-second-2, by-second-1", targets)
	}
	if items := e.do("GET", "/api/v1/audit-events/?action=api_key.created&actor="+url.QueryEscape(secondID), admin, "").expect(200).json()["items"].([]any); len(items) != 0 {
		t.Fatalf("the second key created no key, yet %v", items)
	}
	e.do("GET", "/api/v1/audit-events/?actor=%00", admin, "").expect(422)
}
