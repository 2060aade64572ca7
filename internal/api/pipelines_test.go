package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/spec"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

func TestPipelines_VersionSemantics(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanFree)
	if m := e.do("POST", "/api/v1/pipelines/", key, pipelineJSON("orders_sync", "1.4.0")).expect(201).json(); m["created"] != true {
		t.Fatalf("created = %v, want true", m["created"])
	}
	if m := e.do("POST", "/api/v1/pipelines", key, pipelineJSON("orders_sync", "1.4.0")).expect(200).json(); m["created"] != false {
		t.Fatalf("repeat: created = %v, want false", m["created"])
	}
	changed := strings.Replace(pipelineJSON("orders_sync", "1.4.0"), "data@acme.com", "other@acme.com", 1)
	if m := e.do("POST", "/api/v1/pipelines/", key, changed).expect(409).json(); !strings.Contains(m["detail"].(string), "1.4.0") {
		t.Fatalf("409 detail does not name the version: %v", m["detail"])
	}
	e.do("POST", "/api/v1/pipelines/", key, strings.Replace(changed, "1.4.0", "1.5.0", 1)).expect(201)
	m := e.do("GET", "/api/v1/pipelines/orders_sync", key, "").expect(200).json()
	if m["version"] != "1.5.0" || m["versions_count"] != float64(2) || m["owner"] != "other@acme.com" {
		t.Fatalf("current = %v", m)
	}
	// No version: the content decides, and the next number follows 1.5.0.
	noVersion := strings.Replace(changed, `"version":"1.4.0",`, "", 1)
	e.do("POST", "/api/v1/pipelines/", key, noVersion).expect(200)
	if m := e.do("POST", "/api/v1/pipelines/", key, strings.Replace(noVersion, "@daily", "0 6 * * *", 1)).expect(201).json(); m["version"] != "1.5.1" {
		t.Fatalf("next version = %v, want 1.5.1", m["version"])
	}
	versions := e.do("GET", "/api/v1/pipelines/orders_sync/versions/", key, "").expect(200).json()["items"].([]any)
	if len(versions) != 3 || versions[0].(map[string]any)["version"] != "1.5.1" {
		t.Fatalf("versions = %v", versions)
	}
	def := e.do("GET", "/api/v1/pipelines/orders_sync/versions/1.4.0", key, "").expect(200).json()["definition"].(map[string]any)
	if def["owner"] != "data@acme.com" || def["version"] != "1.4.0" {
		t.Fatalf("version 1.4.0 definition = %v", def)
	}
	e.do("GET", "/api/v1/pipelines/orders_sync/versions/9.9.9", key, "").expect(404)
	e.do("DELETE", "/api/v1/pipelines/orders_sync", key, "").expect(204)
	e.do("GET", "/api/v1/pipelines/orders_sync", key, "").expect(404)
}

func TestPipelines_YAMLAndSpecShape(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanFree)
	yaml := "pipeline:\n  name: yaml_pipe\n  owner: a@b.c\n  schedule: '@hourly'\n  tags: [x]\nsources:\n  - id: s\n    type: postgres\n"
	m := e.do("POST", "/api/v1/pipelines/", key, yaml, "Content-Type", "application/yaml").expect(201).json()
	if m["name"] != "yaml_pipe" || m["version"] != "1" {
		t.Fatalf("yaml registration = %v", m)
	}
	specJSON := `{"pipeline":{"name":"yaml_pipe","owner":"a@b.c","schedule":"@hourly","tags":["x"]},"sources":[{"id":"s","type":"postgres"}]}`
	e.do("POST", "/api/v1/pipelines/", key, specJSON).expect(200) // same content in another shape
	e.do("POST", "/api/v1/pipelines/", key, "name: [unclosed", "Content-Type", "application/yaml").expect(400)
	e.do("POST", "/api/v1/pipelines/", key, "{not json").expect(400)
	e.do("POST", "/api/v1/pipelines/", key, "a=b", "Content-Type", "application/x-www-form-urlencoded").expect(400)
}

func TestPipelines_ValidationListsEveryProblem(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanFree)
	body := `{"name":"Bad Name","organization_id":"org_x","schedule":"every day",
	  "sources":[{"id":"a","type":"postgres","load_mode":"incremental"}],
	  "targets":[{"id":"a","type":"bigquery","write_mode":"merge"}],
	  "checks":[{"id":"c","target":"a","severity":"fatal"}]}`
	m := e.do("POST", "/api/v1/pipelines/", key, body).expect(422).json()
	fields := map[string]bool{}
	for _, p := range m["errors"].([]any) {
		fields[p.(map[string]any)["field"].(string)] = true
	}
	for _, want := range []string{"name", "owner", "schedule", "organization_id", "sources[0].watermark_column", "targets[0].id", "targets[0].primary_key", "checks[0].severity"} {
		if !fields[want] {
			t.Errorf("no problem reported for %s; got %v", want, fields)
		}
	}
	if m["code"] != "validation_failed" || m["status"] != float64(422) {
		t.Fatalf("problem = %v", m)
	}
	if list := e.do("GET", "/api/v1/pipelines/", key, "").expect(200).json()["items"].([]any); len(list) != 0 {
		t.Fatalf("a refused registration left %d pipelines", len(list))
	}
}

func TestPipelines_TooLarge(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanFree)
	big := `{"name":"big","owner":"a@b.c","schedule":"@daily","description":"` + strings.Repeat("x", 1<<20) + `"}`
	if m := e.do("POST", "/api/v1/pipelines/", key, big).expect(413).json(); m["code"] != "payload_too_large" {
		t.Fatalf("413 body = %v", m)
	}
}

func TestPipelines_PlanLimitAndDowngrade(t *testing.T) {
	e := sqliteEnv(t)
	slug, key := e.newOrg("acme", catalog.PlanTeam)
	for i := 0; i < 5; i++ {
		e.do("POST", "/api/v1/pipelines/", key, pipelineJSON(fmt.Sprintf("p%d", i), "1")).expect(201)
	}
	e.do("PATCH", "/api/v1/admin/organizations/"+slug, "platform-key", `{"plan":"free"}`).expect(200)
	m := e.do("POST", "/api/v1/pipelines/", key, pipelineJSON("p9", "1")).expect(403).json()
	if m["code"] != "plan_limit_exceeded" || m["plan"] != "free" || m["resource"] != "pipelines" ||
		m["limit"] != float64(3) || m["usage"] != float64(5) || m["upgrade_url"] != "/api/v1/billing/checkout" {
		t.Fatalf("403 body = %v", m)
	}
	if d := m["detail"].(string); !strings.Contains(d, "Free") || !strings.Contains(d, "3") || !strings.Contains(d, "Team") {
		t.Fatalf("detail %q should name the plan, the limit and the plan to upgrade to", d)
	}
	e.do("POST", "/api/v1/pipelines/", key, pipelineJSON("p0", "2")).expect(201) // new versions always allowed
	me := e.do("GET", "/api/v1/organizations/me", key, "").expect(200).json()
	if me["usage"].(map[string]any)["pipelines"] != float64(5) || me["plan"] != "free" {
		t.Fatalf("after downgrade: %v", me)
	}
	audit := e.do("GET", "/api/v1/audit-events/?action=organization.plan_changed", key, "").expect(200).json()["items"].([]any)
	if len(audit) != 1 || audit[0].(map[string]any)["target"] != "team → free" {
		t.Fatalf("plan change audit = %v", audit)
	}
}

func TestPipelines_PaginationAndFilters(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanBusiness)
	for i := 0; i < 7; i++ {
		body := pipelineJSON(fmt.Sprintf("p%d", i), "1")
		if i%2 == 0 {
			body = strings.Replace(body, `"pii",`, "", 1)
		}
		e.do("POST", "/api/v1/pipelines/", key, body).expect(201)
	}
	var names []string
	path := "/api/v1/pipelines/?limit=3"
	for path != "" {
		m := e.do("GET", path, key, "").expect(200).json()
		for _, it := range m["items"].([]any) {
			names = append(names, it.(map[string]any)["name"].(string))
		}
		path = ""
		if c, ok := m["next_cursor"].(string); ok {
			path = "/api/v1/pipelines/?limit=3&cursor=" + c
		}
	}
	if got := strings.Join(names, ","); got != "p0,p1,p2,p3,p4,p5,p6" {
		t.Fatalf("paged names = %s", got)
	}
	if n := len(e.do("GET", "/api/v1/pipelines/?tag=pii&tag=tier-1", key, "").expect(200).json()["items"].([]any)); n != 3 {
		t.Fatalf("tag=pii&tag=tier-1 gave %d, want 3", n)
	}
	if n := len(e.do("GET", "/api/v1/pipelines/?owner=nobody@x", key, "").expect(200).json()["items"].([]any)); n != 0 {
		t.Fatalf("owner filter gave %d, want 0", n)
	}
	m := e.do("GET", "/api/v1/pipelines/?limit=0&cursor=garbage", key, "").expect(422).json()
	if len(m["errors"].([]any)) < 1 {
		t.Fatalf("422 without errors: %v", m)
	}
	// A filter the endpoint does not take is refused rather than ignored.
	e.do("GET", "/api/v1/pipelines/?limit=0&since=x", key, "").expect(400)
}

// A pipeline stored with a hash of the form before hashes carried their
// algorithm (bare hex) is unchanged for the same content, on both engines.
func TestPipelines_HashStoredBeforeVersioningStillMatches(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		slug, key := e.newOrg("acme", catalog.PlanFree)
		org, err := db.FindOrgBySlug(context.Background(), slug)
		if err != nil {
			t.Fatal(err)
		}
		body := pipelineJSON("orders_sync", "1")
		p, problems, err := spec.Decode("application/json", []byte(body))
		if err != nil || len(problems) > 0 {
			t.Fatalf("decode: %v %v", err, problems)
		}
		legacy, ok := strings.CutPrefix(p.ContentHash(), "v1:")
		if !ok {
			t.Fatalf("ContentHash %s is not v1", p.ContentHash())
		}
		ctx := catalog.NewContextWithPrincipal(context.Background(), &catalog.Principal{OrgID: org.ID, Role: catalog.RoleAdmin, KeyID: "test"})
		if _, _, err := db.RegisterPipeline(ctx, catalog.PipelineRegistration{Name: p.Name, Version: "1", Owner: p.Owner,
			Schedule: p.Schedule, Tags: p.Tags, ContentHash: legacy, NextVersion: spec.NextVersion,
			Definition: func(string) json.RawMessage { return json.RawMessage(body) }}); err != nil {
			t.Fatal(err)
		}
		if m := e.do("POST", "/api/v1/pipelines/", key, body).expect(200).json(); m["created"] != false {
			t.Fatalf("same version, same content: %v", m)
		}
		noVersion := strings.Replace(body, `"version":"1",`, "", 1)
		if m := e.do("POST", "/api/v1/pipelines/", key, noVersion).expect(200).json(); m["version"] != "1" || m["created"] != false {
			t.Fatalf("no version, same content: %v", m)
		}
		changed := strings.Replace(body, "data@acme.com", "other@acme.com", 1)
		e.do("POST", "/api/v1/pipelines/", key, changed).expect(409)
		if m := e.do("POST", "/api/v1/pipelines/", key, strings.Replace(noVersion, "data@acme.com", "other@acme.com", 1)).expect(201).json(); m["version"] != "2" {
			t.Fatalf("changed content: %v", m)
		}
	})
}
