package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

func TestKeysPage_ShowsANewKeyOnceAndRotatesAndRevokes(t *testing.T) {
	e := newEnv(t)
	b := e.signIn("admin")
	p := b.postPage("/settings/keys", url.Values{"name": {"airflow-prod"}, "role": {"member"}, "expires_in_days": {"30"}})
	secret := p.text("#new-key")
	if p.status != http.StatusCreated || !strings.HasPrefix(secret, "dxp_") || !strings.Contains(p.text("#snippet-airflow"), secret) ||
		!strings.Contains(p.text("#snippet-airflow"), `"url": "`+e.srv.URL+`"`) || p.Find(`[data-copy="new-key"]`).Length() != 1 {
		t.Fatalf("create = %d, key %q, snippet %q", p.status, secret, p.text("#snippet-airflow"))
	}
	if status, _ := e.api(secret, "GET", "/api/v1/pipelines/", nil); status != 200 {
		t.Fatalf("the new key does not work: %d", status)
	}
	list := b.get("/settings/keys")
	if strings.Contains(list.body, secret) || !strings.Contains(list.text("tbody"), "airflow-prod") || !strings.Contains(list.text("tbody"), secret[:12]) {
		t.Fatal("the list shows the key again, or not its name and prefix")
	}
	if p := b.postPage("/settings/keys", url.Values{"name": {""}, "role": {"owner"}, "expires_in_days": {"x"}}); p.status != http.StatusUnprocessableEntity || p.Find(".alert-error li").Length() != 3 {
		t.Fatalf("bad form = %d with %d problems", p.status, p.Find(".alert-error li").Length())
	}
	keys, _, _ := e.db.ListAPIKeys(sqlstoretest.AsOrg(e.dev, catalog.RoleAdmin), catalog.Page{})
	id := keys[0].ID
	// Rotate with a day of grace: both keys work, the old one until then.
	p = b.postPage("/settings/keys/"+id+"/rotate", url.Values{"grace_period_seconds": {"86400"}})
	next := p.text("#new-key")
	if p.status != http.StatusCreated || next == secret || !strings.HasPrefix(next, "dxp_") || !strings.Contains(p.text(".alert-ok"), "keeps working until") {
		t.Fatalf("rotate = %d %q", p.status, p.text(".alert-ok"))
	}
	for _, k := range []string{secret, next} {
		if status, _ := e.api(k, "GET", "/api/v1/pipelines/", nil); status != 200 {
			t.Fatalf("during the grace period a key answers %d", status)
		}
	}
	// Revoke asks first (a page, no JS needed), then revokes at once.
	keys, _, _ = e.db.ListAPIKeys(sqlstoretest.AsOrg(e.dev, catalog.RoleAdmin), catalog.Page{})
	var newID string
	for _, k := range keys {
		if k.Prefix == next[:12] {
			newID = k.ID
		}
	}
	confirm := b.get("/settings/keys/" + newID + "/revoke")
	if confirm.status != 200 || confirm.Find(`form[action="/settings/keys/`+newID+`/revoke"] button`).Length() != 1 {
		t.Fatalf("confirmation = %d", confirm.status)
	}
	if res := b.post("/settings/keys/"+newID+"/revoke", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke = %d", res.StatusCode)
	}
	if status, _ := e.api(next, "GET", "/api/v1/pipelines/", nil); status != http.StatusUnauthorized {
		t.Fatalf("a revoked key answers %d", status)
	}
	if p := b.get("/settings/keys/" + newID + "/revoke"); p.status != http.StatusNotFound {
		t.Fatalf("revoking twice = %d", p.status)
	}
}

func TestMembersPage_InviteChangeRoleAndOwnerRules(t *testing.T) {
	e := newEnv(t)
	b := e.signIn("admin")
	if res := b.post("/settings/members", url.Values{"email": {"Ana@Acme.com"}, "role": {"member"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite = %d", res.StatusCode)
	}
	p := b.get("/settings/members?done=invited")
	if !strings.Contains(p.text("tbody"), "ana@acme.com") || !strings.Contains(p.text("tbody"), "invited") {
		t.Fatalf("members = %q", p.text("tbody"))
	}
	if p := b.postPage("/settings/members", url.Values{"email": {"ana@acme.com"}, "role": {"member"}}); p.status != http.StatusUnprocessableEntity {
		t.Fatalf("inviting twice = %d", p.status)
	}
	// An admin may not make owners (the API's owner rules).
	if p := b.postPage("/settings/members", url.Values{"email": {"bo@acme.com"}, "role": {"owner"}}); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(".alert-error"), "owner") {
		t.Fatalf("admin inviting an owner = %d %q", p.status, p.text(".alert-error"))
	}
	if p.Find(`#invite-role option[value="owner"]`).Length() != 0 {
		t.Fatal("an admin is offered the owner role")
	}
	list, _, _ := e.db.ListMembers(sqlstoretest.AsOrg(e.dev, catalog.RoleAdmin), catalog.Page{})
	var id string
	for _, m := range list {
		if m.Email == "ana@acme.com" {
			id = m.ID
		}
	}
	if res := b.post("/settings/members/"+id+"/role", url.Values{"role": {"viewer"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change role = %d", res.StatusCode)
	}
	if m, _, _ := e.db.ListMembers(sqlstoretest.AsOrg(e.dev, catalog.RoleAdmin), catalog.Page{}); !strings.Contains(memberRoles(m), "ana@acme.com=viewer") {
		t.Fatalf("roles = %s", memberRoles(m))
	}
}

func memberRoles(ms []*catalog.Member) string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Email+"="+string(m.Role))
	}
	return strings.Join(out, ",")
}

func TestConnectionsPage_SecretsAreWriteOnly(t *testing.T) {
	db, err := sqlstore.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), sqlstore.Options{SecretKey: bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	e := newEnvOn(t, db)
	b := e.signIn("member")
	secret := "hunter2-very-secret"
	cfg := `{"host": "db.internal", "password": "` + secret + `"}`
	if p := b.postPage("/settings/connections", url.Values{"id": {"Bad Id"}, "type": {"postgres"}, "config": {cfg}}); p.status != http.StatusUnprocessableEntity || strings.Contains(p.body, secret) {
		t.Fatalf("a refused form = %d and shows the secret: %v", p.status, strings.Contains(p.body, secret))
	}
	if res := b.post("/settings/connections", url.Values{"id": {"pg-prod"}, "type": {"postgres"}, "config": {cfg}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create = %d", res.StatusCode)
	}
	for _, path := range []string{"/settings/connections", "/settings/connections/pg-prod"} {
		if p := b.get(path); p.status != 200 || strings.Contains(p.body, secret) || !strings.Contains(p.body, "pg-prod") {
			t.Fatalf("GET %s = %d, shows the secret: %v", path, p.status, strings.Contains(p.body, secret))
		}
	}
	// Saving the form as shown (the mask in place) keeps the stored secret.
	edit := b.get("/settings/connections/pg-prod")
	shown := edit.Find("#conn-config").Text()
	if !strings.Contains(shown, catalog.SecretMask) {
		t.Fatalf("edit form config = %q", shown)
	}
	if res := b.post("/settings/connections/pg-prod", url.Values{"type": {"postgres"}, "description": {"primary"}, "config": {shown}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("update = %d", res.StatusCode)
	}
	c, err := db.FindConnection(sqlstoretest.AsOrg(e.dev, catalog.RoleMember), "pg-prod")
	if err != nil || c.Description != "primary" {
		t.Fatalf("after update: %+v %v", c, err)
	}
	var kept bool
	err = db.WithOrgTx(context.Background(), "", func(tx *sql.Tx) error {
		var raw string
		if err := tx.QueryRow(`SELECT config FROM connections WHERE id = 'pg-prod'`).Scan(&raw); err != nil {
			return err
		}
		kept = !strings.Contains(raw, catalog.SecretMask) && !strings.Contains(raw, secret) // sealed, not masked, not plain
		return nil
	})
	if err != nil || !kept {
		t.Fatalf("the stored secret was lost or stored in plain text (%v)", err)
	}
	// Viewers read without the form.
	if p := e.signIn("viewer").get("/settings/connections/pg-prod"); p.Find("form textarea").Length() != 0 || strings.Contains(p.body, secret) {
		t.Fatal("a viewer gets the edit form or the secret")
	}
}

func TestBillingPage_WithoutStripeAndTheReturnURL(t *testing.T) {
	e := newEnv(t)
	key := e.apiKey(e.dev, catalog.RoleMember)
	e.pipeline(key, pipelineDef("a_pipe", "x@acme.com"))
	b := e.signIn("admin")
	p := b.get("/settings/billing")
	if !strings.Contains(p.text(".alert-warn"), "Stripe is not configured") || p.Find(`form[action="/settings/billing/checkout"]`).Length() != 0 {
		t.Fatalf("billing without Stripe: %q", p.text(".alert-warn"))
	}
	if got := p.Find(`progress[aria-label^="Pipelines"]`).AttrOr("value", ""); got != "1" || p.Find(`progress[aria-label^="Pipelines"]`).AttrOr("max", "") != "3" {
		t.Fatalf("pipelines bar value %q", got)
	}
	if res := b.post("/settings/billing/checkout", url.Values{"plan": {"team"}}); res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("checkout without Stripe = %d", res.StatusCode)
	}
	// Stripe's success and return URLs exist and land on this page.
	p = b.get("/billing?checkout=success&session_id=cs_test_1")
	if p.status != http.StatusSeeOther || p.res.Header.Get("Location") != "/settings/billing?checkout=success" {
		t.Fatalf("/billing = %d to %q", p.status, p.res.Header.Get("Location"))
	}
	if p := b.get("/settings/billing?checkout=success"); !strings.Contains(p.text(".alert-ok"), "Thank you") {
		t.Fatal("no confirmation after Checkout")
	}
	// A plan-limit refusal links to billing.
	e.pipeline(key, pipelineDef("b_pipe", "x@acme.com"))
	e.pipeline(key, pipelineDef("c_pipe", "x@acme.com"))
	if p := b.get("/settings/billing"); !strings.Contains(p.text(".usage"), "limit reached") {
		t.Fatal("a full plan does not say so in words")
	}
}

func TestAuditAndAdminPages(t *testing.T) {
	e := newEnv(t)
	admin := e.signIn("admin")
	admin.post("/settings/keys", url.Values{"name": {"k1"}, "role": {"viewer"}, "expires_in_days": {"0"}})
	admin.post("/settings/members", url.Values{"email": {"zed@acme.com"}, "role": {"viewer"}})
	p := admin.get("/settings/audit?action=" + catalog.AuditAPIKeyCreated)
	if rows := p.Find("tbody tr").Length(); rows != 1 || !strings.Contains(p.text("tbody"), "api_key.created") {
		t.Fatalf("action filter: %d rows %q", rows, p.text("tbody"))
	}
	actor := p.Find("tbody td a").First().Text()
	id := actor[strings.Index(actor, ":")+1:]
	if p := admin.get("/settings/audit?actor=" + url.QueryEscape(id)); p.Find("tbody tr").Length() < 2 {
		t.Fatalf("actor %s: %d rows", id, p.Find("tbody tr").Length())
	}
	if p := admin.get("/settings/audit?actor=usr_nobody"); !strings.Contains(p.text("tbody"), "No events match") {
		t.Fatal("unknown actor shows events")
	}
	// The store filters by actor, so a page is full of the actor's events even
	// when other actors' newer events would fill it otherwise.
	key := e.apiKey(e.dev, catalog.RoleMember)
	e.pipeline(key, pipelineDef("newer_a", "x@acme.com"))
	e.pipeline(key, pipelineDef("newer_b", "x@acme.com"))
	p = admin.get("/settings/audit?limit=2&actor=" + url.QueryEscape(id))
	if rows := p.Find("tbody tr"); rows.Length() != 2 || strings.Contains(p.text("tbody"), "pipeline.registered") {
		t.Fatalf("actor %s on a page of two: %d rows %q", id, rows.Length(), p.text("tbody"))
	}
	p = admin.get("/settings/audit?limit=1&actor=" + url.QueryEscape(id))
	next := p.Find(`a[href*="cursor="]`).AttrOr("href", "")
	if !strings.Contains(next, "actor="+url.QueryEscape(id)) {
		t.Fatalf("the next page link %q loses the actor", next)
	}
	if p2 := admin.get(next); p2.Find("tbody tr").Length() != 1 || p2.text("tbody") == p.text("tbody") || strings.Contains(p2.text("tbody"), "pipeline.registered") {
		t.Fatalf("the actor's second page %q after %q", p2.text("tbody"), p.text("tbody"))
	}
	// Platform admins change plans.
	if res := admin.post("/admin/organizations/dev/plan", url.Values{"plan": {"team"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("plan change = %d", res.StatusCode)
	}
	if p := admin.get("/pipelines"); p.text(".badge.plan") != "Team plan" {
		t.Fatalf("plan badge after change = %q", p.text(".badge.plan"))
	}
}
