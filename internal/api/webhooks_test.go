package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/notify"
)

func TestWebhooks_SecretShownOnceAndAudited(t *testing.T) {
	e := keyedEnv(t)
	_, admin := e.newOrg("acme", catalog.PlanBusiness)
	created := e.do("POST", "/api/v1/webhooks/", admin, `{"url":"https://hooks.example.com/x","events":["run.failed","check.failed"],"description":"on-call"}`).expect(201).json()
	id, secret := created["id"].(string), created["secret"].(string)
	if !strings.HasPrefix(secret, "whsec_") || created["format"] != "json" || created["enabled"] != true {
		t.Fatalf("created = %v", created)
	}
	for _, path := range []string{"/api/v1/webhooks/" + id, "/api/v1/webhooks/"} {
		if body := e.do("GET", path, admin, "").expect(200).Body.String(); strings.Contains(body, secret) || strings.Contains(body, `"secret"`) {
			t.Fatalf("GET %s shows the secret: %s", path, body)
		}
	}
	rotated := e.do("POST", "/api/v1/webhooks/"+id+"/rotate-secret", admin, "").expect(200).json()
	if s := rotated["secret"].(string); s == secret || !strings.HasPrefix(s, "whsec_") {
		t.Fatalf("rotated secret %q", s)
	}
	patched := e.do("PATCH", "/api/v1/webhooks/"+id, admin, `{"enabled":false,"events":["pipeline.late"]}`).expect(200).json()
	if patched["enabled"] != false || patched["events"].([]any)[0] != "pipeline.late" {
		t.Fatalf("patched = %v", patched)
	}
	e.do("POST", "/api/v1/webhooks/"+id+"/test", admin, "").expect(409)
	e.do("PATCH", "/api/v1/webhooks/"+id, admin, `{"enabled":true}`).expect(200)
	queued := e.do("POST", "/api/v1/webhooks/"+id+"/test", admin, "").expect(202).json()
	if queued["event_type"] != "webhook.test" || queued["status"] != "pending" {
		t.Fatalf("test send = %v", queued)
	}
	log := e.do("GET", "/api/v1/webhooks/"+id+"/deliveries", admin, "").expect(200).json()
	if items := log["items"].([]any); len(items) != 1 {
		t.Fatalf("deliveries = %v", log)
	}
	e.do("POST", "/api/v1/webhooks/"+id+"/redeliver", admin, `{"delivery_id":"`+queued["id"].(string)+`"}`).expect(202)
	audit := e.do("GET", "/api/v1/audit-events/", admin, "").expect(200).Body.String()
	for _, action := range []string{"webhook.created", "webhook.secret_rotated", "webhook.updated"} {
		if !strings.Contains(audit, `"action":"`+action+`"`) {
			t.Errorf("audit log lacks %s", action)
		}
	}
	_, other := e.newOrg("other", catalog.PlanBusiness)
	e.do("GET", "/api/v1/webhooks/"+id, other, "").expect(404)
	e.do("DELETE", "/api/v1/webhooks/"+id, other, "").expect(404)
	e.do("DELETE", "/api/v1/webhooks/"+id, admin, "").expect(204)
	e.do("GET", "/api/v1/webhooks/"+id, admin, "").expect(404)
}

func TestWebhooks_EveryProblemAtOnce(t *testing.T) {
	e := keyedEnv(t)
	_, admin := e.newOrg("acme", catalog.PlanBusiness)
	res := e.do("POST", "/api/v1/webhooks/", admin, `{"url":"http://hooks.example.com/x","events":["run.faild"],"format":"teams"}`).expect(422)
	body := res.Body.String()
	for _, want := range []string{`"field":"url"`, "must use https", `"field":"events[0]"`, `did you mean \"run.failed\"`, `"field":"format"`} {
		if !strings.Contains(body, want) {
			t.Errorf("problem lacks %s: %s", want, body)
		}
	}
	e.do("POST", "/api/v1/webhooks/", admin, `{"url":"https://u:p@hooks.example.com/","events":["run.failed"]}`).expect(422)
	e.do("POST", "/api/v1/webhooks/", admin, `{"url":"https://hooks.example.com/","events":[]}`).expect(422)
	if list := e.do("GET", "/api/v1/webhooks/", admin, "").expect(200).json(); len(list["items"].([]any)) != 0 {
		t.Fatalf("a refused webhook was stored: %v", list)
	}
}

// A pipeline whose scheduled run is overdue says so in its answers.
func TestPipelines_LateShown(t *testing.T) {
	e := keyedEnv(t)
	_, admin := e.newOrg("acme", catalog.PlanBusiness)
	e.do("POST", "/api/v1/pipelines/", admin, `{"name":"hourly","owner":"o@a.io","schedule":"@hourly","freshness":{"grace":"10m"}}`).expect(201)
	e.do("POST", "/api/v1/pipelines/", admin, pipelineJSON("other", "1")).expect(201)
	if body := e.do("GET", "/api/v1/pipelines/hourly", admin, "").expect(200).Body.String(); strings.Contains(body, `"late"`) {
		t.Fatalf("on time, yet %s", body)
	}
	e.clock.Advance(75 * time.Minute) // 07:15: the 07:00 run is 15 minutes overdue
	scan := &notify.LatenessScanner{Store: e.db, Now: e.clock.Now}
	if n, err := scan.ScanOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("scan = %d, %v", n, err)
	}
	if body := e.do("GET", "/api/v1/pipelines/hourly", admin, "").expect(200).Body.String(); !strings.Contains(body, `"late":{"since":"2026-06-07T07:00:00Z"}`) {
		t.Fatalf("late pipeline answered %s", body)
	}
	list := e.do("GET", "/api/v1/pipelines/", admin, "").expect(200).Body.String()
	if !strings.Contains(list, `"name":"hourly"`) || strings.Count(list, `"late":`) != 1 {
		t.Fatalf("list %s", list)
	}
}
