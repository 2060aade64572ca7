package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

func TestWebhooksPage_CreateTestRotateDisableDelete(t *testing.T) {
	e := newEnvOn(t, sqlstoretest.OpenKeyed(t, sqlstore.SQLite))
	b := e.signIn("admin")
	p := b.postPage("/settings/webhooks", url.Values{"url": {"https://hooks.example.com/in"}, "format": {"slack"}, "events": {"run.failed", "pipeline.late"}})
	secret := p.text("#new-secret")
	if p.status != http.StatusCreated || !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("create = %d, secret %q", p.status, secret)
	}
	list := b.get("/settings/webhooks")
	if strings.Contains(list.body, secret) || !strings.Contains(list.text("tbody"), "https://hooks.example.com/in") || !strings.Contains(list.text("tbody"), "pipeline.late") {
		t.Fatal("the list shows the secret again, or not the endpoint")
	}
	if bad := b.postPage("/settings/webhooks", url.Values{"url": {"ftp://x"}, "format": {"teams"}}); bad.status != http.StatusUnprocessableEntity || bad.Find(".alert-error li").Length() != 3 {
		t.Fatalf("bad form = %d with %d problems", bad.status, bad.Find(".alert-error li").Length())
	}
	ctx := sqlstoretest.AsOrg(e.dev, catalog.RoleAdmin)
	hooks, _, err := e.db.ListWebhooks(ctx, catalog.Page{})
	if err != nil || len(hooks) != 1 {
		t.Fatalf("hooks = %v, %v", hooks, err)
	}
	id := hooks[0].ID
	if res := b.post("/settings/webhooks/"+id+"/test", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("test send = %d", res.StatusCode)
	}
	log := b.get("/settings/webhooks/" + id)
	if log.status != 200 || !strings.Contains(log.text("tbody"), "webhook.test") || log.Find(`form[action="/settings/webhooks/`+id+`/redeliver"]`).Length() != 1 {
		t.Fatalf("delivery log = %d %q", log.status, log.text("tbody"))
	}
	rot := b.postPage("/settings/webhooks/"+id+"/rotate", nil)
	if next := rot.text("#new-secret"); rot.status != 200 || next == secret || !strings.HasPrefix(next, "whsec_") {
		t.Fatalf("rotate = %d %q", rot.status, next)
	}
	b.post("/settings/webhooks/"+id+"/disable", nil)
	if got, _ := e.db.FindWebhook(ctx, id); got.Enabled {
		t.Fatal("disable left it enabled")
	}
	b.post("/settings/webhooks/"+id+"/enable", nil)
	if got, _ := e.db.FindWebhook(ctx, id); !got.Enabled {
		t.Fatal("enable left it disabled")
	}
	b.post("/settings/webhooks/"+id+"/delete", nil)
	if _, err := e.db.FindWebhook(ctx, id); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Fatalf("after delete: %v", err)
	}
	if p := b.get("/settings/webhooks/" + id); p.status != http.StatusNotFound {
		t.Fatalf("a deleted webhook's page = %d", p.status)
	}
}

func TestPipelinesPage_ShowsLate(t *testing.T) {
	e := newEnvOn(t, sqlstoretest.OpenKeyed(t, sqlstore.SQLite))
	clock := time.Date(2026, 6, 7, 6, 5, 0, 0, time.UTC)
	e.db.Now = func() time.Time { return clock }
	if status, body := e.api("admin-key", "POST", "/api/v1/pipelines/", map[string]string{"name": "hourly", "owner": "o@a.io", "schedule": "@hourly"}); status != 201 {
		t.Fatalf("register = %d %s", status, body)
	}
	b := e.signIn("viewer")
	if strings.Contains(b.get("/pipelines").text("tbody"), "late") {
		t.Fatal("on time, shown late")
	}
	p := catalog.ScheduledPipeline{OrgID: e.dev.ID, Name: "hourly", Schedule: "@hourly", CreatedAt: clock}
	if err := e.db.SettleLateness(context.Background(), e.dev.ID, []catalog.Lateness{{Pipeline: p, ExpectedAt: clock.Add(55 * time.Minute), Grace: 30 * time.Minute}}, nil); err != nil {
		t.Fatal(err)
	}
	if cell := b.get("/pipelines").text("tbody"); !strings.Contains(cell, "late") {
		t.Fatalf("late pipeline row %q", cell)
	}
}
