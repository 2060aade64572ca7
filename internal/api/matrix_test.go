package api_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// The points of view of the authorization matrix, in the order of want.
var views = []string{"anonymous", "other-org admin", "viewer", "member", "admin", "platform admin"}

// matrixCase is one route: how to fill its path and body, and the status
// expected from each point of view.
type matrixCase struct {
	body func(f *fixture) string
	want [6]int
	// fill, when set, replaces fixture.fill for this route: it makes the
	// object the path names in organization A and reports whether that
	// object is still unchanged afterwards.
	fill func(f *fixture, path string) (string, func() bool)
	// wantPerson, when set, is what every person of organization A gets
	// (routes for people only, such as signup).
	wantPerson *int
}

// matrix covers every route of the server, in the order of routeTable. A
// route missing here fails TestAuthorizationMatrix, so each new route must
// join it. Routes that name an object of organization A get a fill that
// makes a fresh one (matrix_*_test.go) and checks another organization's
// admin left it alone.
var matrix = map[string]matrixCase{
	"GET /healthz":                 {want: [6]int{200, 200, 200, 200, 200, 200}},
	"GET /readyz":                  {want: [6]int{200, 200, 200, 200, 200, 200}},
	"GET /metrics":                 {want: [6]int{200, 200, 200, 200, 200, 200}},
	"GET /api/v1/openapi.json":     {want: [6]int{200, 200, 200, 200, 200, 200}},
	"GET /api/v1/openapi-3.0.json": {want: [6]int{200, 200, 200, 200, 200, 200}},

	"GET /api/v1/organizations/me": {want: [6]int{401, 200, 200, 200, 200, 200}},
	"POST /api/v1/organizations/": {body: func(f *fixture) string { return fmt.Sprintf(`{"slug":"signup-%d","name":"S"}`, f.next()) },
		want: [6]int{401, 403, 403, 403, 403, 403}, wantPerson: intp(201)},
	"POST /api/v1/admin/organizations/":        {body: func(f *fixture) string { return fmt.Sprintf(`{"slug":"new-%d","name":"N"}`, f.next()) }, want: [6]int{401, 403, 403, 403, 403, 201}},
	"GET /api/v1/admin/organizations/":         {want: [6]int{401, 403, 403, 403, 403, 200}},
	"PATCH /api/v1/admin/organizations/{slug}": {body: func(*fixture) string { return `{"name":"Renamed"}` }, want: [6]int{401, 403, 403, 403, 403, 200}},

	"POST /api/v1/api-keys/":                   {body: func(*fixture) string { return `{"name":"ci"}` }, want: [6]int{401, 201, 403, 403, 201, 201}},
	"GET /api/v1/api-keys/":                    {want: [6]int{401, 200, 403, 403, 200, 200}},
	"DELETE /api/v1/api-keys/{id}":             {want: [6]int{401, 404, 403, 403, 204, 404}},
	"POST /api/v1/api-keys/{id}/rotate":        {body: func(*fixture) string { return `{}` }, want: [6]int{401, 404, 403, 403, 201, 404}},
	"GET /api/v1/audit-events/":                {want: [6]int{401, 200, 403, 403, 200, 200}},
	"POST /api/v1/webhooks/":                   {body: webhookBody, want: [6]int{401, 201, 403, 403, 201, 201}},
	"GET /api/v1/webhooks/":                    {want: [6]int{401, 200, 403, 403, 200, 200}},
	"GET /api/v1/webhooks/{id}":                {fill: fillWebhook, want: [6]int{401, 404, 403, 403, 200, 404}},
	"PATCH /api/v1/webhooks/{id}":              {fill: fillWebhook, body: func(*fixture) string { return `{"enabled":false}` }, want: [6]int{401, 404, 403, 403, 200, 404}},
	"DELETE /api/v1/webhooks/{id}":             {fill: fillWebhook, want: [6]int{401, 404, 403, 403, 204, 404}},
	"POST /api/v1/webhooks/{id}/rotate-secret": {fill: fillWebhook, want: [6]int{401, 404, 403, 403, 200, 404}},
	"GET /api/v1/webhooks/{id}/deliveries":     {fill: fillWebhook, want: [6]int{401, 404, 403, 403, 200, 404}},
	"POST /api/v1/webhooks/{id}/redeliver": {fill: fillWebhook, body: func(*fixture) string { return `{"delivery_id":"dlv_none"}` },
		want: [6]int{401, 404, 403, 403, 404, 404}},
	"POST /api/v1/webhooks/{id}/test": {fill: fillWebhook, want: [6]int{401, 404, 403, 403, 202, 404}},
	"GET /api/v1/members/":            {want: [6]int{401, 200, 403, 403, 200, 200}},
	"POST /api/v1/members/":           {body: func(f *fixture) string { return fmt.Sprintf(`{"email":"m%d@x.io"}`, f.next()) }, want: [6]int{401, 201, 403, 403, 201, 201}},
	"PATCH /api/v1/members/{id}":      {body: func(*fixture) string { return `{"role":"viewer"}` }, want: [6]int{401, 404, 403, 403, 200, 404}, fill: fillMember},
	"DELETE /api/v1/members/{id}":     {want: [6]int{401, 404, 403, 403, 204, 404}, fill: fillMember},

	"POST /api/v1/pipelines/":                     {body: func(f *fixture) string { return pipelineJSON(fmt.Sprintf("p_%d", f.next()), "1") }, want: [6]int{401, 201, 403, 201, 201, 201}},
	"GET /api/v1/pipelines/":                      {want: [6]int{401, 200, 200, 200, 200, 200}},
	"GET /api/v1/pipelines/{name}":                {want: [6]int{401, 404, 200, 200, 200, 404}},
	"DELETE /api/v1/pipelines/{name}":             {want: [6]int{401, 404, 403, 204, 204, 404}},
	"GET /api/v1/pipelines/{name}/versions/":      {want: [6]int{401, 404, 200, 200, 200, 404}},
	"GET /api/v1/pipelines/{name}/versions/{ver}": {want: [6]int{401, 404, 200, 200, 200, 404}},
	"POST /api/v1/connections/": {body: func(f *fixture) string { return fmt.Sprintf(`{"id":"c-%d","type":"s3","config":{}}`, f.next()) },
		want: [6]int{401, 201, 403, 201, 201, 201}},
	"GET /api/v1/connections/":          {want: [6]int{401, 200, 200, 200, 200, 200}},
	"GET /api/v1/connections/{id}":      {want: [6]int{401, 404, 200, 200, 200, 404}, fill: fillConnection},
	"PUT /api/v1/connections/{id}":      {body: func(*fixture) string { return `{"type":"s3","config":{"bucket":"changed"}}` }, want: [6]int{401, 404, 403, 200, 200, 404}, fill: fillConnection},
	"DELETE /api/v1/connections/{id}":   {want: [6]int{401, 404, 403, 204, 204, 404}, fill: fillConnection},
	"GET /api/v1/datasets/":             {want: [6]int{401, 200, 200, 200, 200, 200}},
	"GET /api/v1/datasets/{dataset_id}": {want: [6]int{401, 404, 200, 200, 200, 404}, fill: fillDataset},

	// The OpenLineage posts write into the caller's own organization
	// (another organization's admin gets its own node) and name no object.
	"GET /api/v1/lineage/{dataset_id}":        {want: [6]int{401, 404, 200, 200, 200, 404}, fill: fillDataset},
	"GET /api/v1/lineage/{dataset_id}/impact": {want: [6]int{401, 404, 200, 200, 200, 404}, fill: fillDataset},
	"POST /api/v1/lineage/":                   {body: olDatasetEvent, want: [6]int{401, 201, 403, 201, 201, 201}},
	"POST /api/v1/lineage/batch/":             {body: func(f *fixture) string { return "[" + olDatasetEvent(f) + "]" }, want: [6]int{401, 200, 403, 200, 200, 200}},
	"GET /api/v1/lineage/events":              {want: [6]int{401, 200, 200, 200, 200, 200}},
	"GET /api/v1/openlineage/events":          {want: [6]int{401, 200, 200, 200, 200, 200}},

	// Other organizations have no such pipeline or run, so their posts are
	// refused as naming an unknown one (422).
	"POST /api/v1/runs/":          {body: matrixRunBody, want: [6]int{401, 422, 403, 201, 201, 422}},
	"GET /api/v1/runs/":           {want: [6]int{401, 200, 200, 200, 200, 200}},
	"GET /api/v1/runs/{run_id}":   {want: [6]int{401, 404, 200, 200, 200, 404}, fill: fillRun},
	"PATCH /api/v1/runs/{run_id}": {body: func(*fixture) string { return `{"status":"success"}` }, want: [6]int{401, 404, 403, 200, 200, 404}, fill: fillRun},
	"POST /api/v1/checks/results/": {body: func(f *fixture) string {
		return fmt.Sprintf(`{"run_id":%q,"check_id":"pk_not_null","status":"passed"}`, matrixRun(f))
	}, want: [6]int{401, 422, 403, 201, 201, 422}},
	"GET /api/v1/checks/results/": {want: [6]int{401, 200, 200, 200, 200, 200}},

	// The matrix server has no billing configured, on purpose: it tests who
	// gets past the guard, and a caller the role lets through reaches the
	// handler's 503 billing_not_configured (a 403 or 401 would mean the guard
	// stopped it). Billing against stripe-mock is in billing_test.go, so the
	// matrix never skips. The webhook is public: every point of view,
	// anonymous included, gets 400 for an unsigned body.
	"POST /api/v1/billing/checkout": {body: func(*fixture) string { return `{"plan":"team"}` }, want: [6]int{401, 503, 403, 403, 503, 503}},
	"POST /api/v1/billing/portal":   {want: [6]int{401, 503, 403, 403, 503, 503}},
	"POST /webhooks/stripe": {body: func(*fixture) string { return `{"id":"evt_1","object":"event","type":"customer.subscription.deleted"}` },
		want: [6]int{400, 400, 400, 400, 400, 400}},
}

// fixture is organization A (the owner of every object the paths name) and
// the keys of each point of view (index as in views; keys[4] is A's admin).
type fixture struct {
	e       *env
	slug    string
	keys    [6]string
	counter atomic.Int64
}

func (f *fixture) next() int64 { return f.counter.Add(1) }

// fill replaces path parameters with fresh objects of organization A, so a
// destructive request never changes what a later one sees.
func (f *fixture) fill(path string) (string, func() bool) {
	still := func() bool { return true }
	switch {
	case strings.Contains(path, "{slug}"):
		path = strings.Replace(path, "{slug}", f.slug, 1)
	case strings.Contains(path, "{id}"):
		key, id := f.e.newKey(f.keys[4], "member")
		path = strings.Replace(path, "{id}", id, 1)
		still = func() bool { return f.e.do("GET", "/api/v1/organizations/me", key, "").Code == 200 }
	case strings.Contains(path, "{name}"):
		name := fmt.Sprintf("victim_%d", f.next())
		f.e.do("POST", "/api/v1/pipelines/", f.keys[4], pipelineJSON(name, "1")).expect(201)
		path = strings.Replace(strings.Replace(path, "{name}", name, 1), "{ver}", "1", 1)
		still = func() bool { return f.e.do("GET", "/api/v1/pipelines/"+name, f.keys[4], "").Code == 200 }
	}
	return path, still
}

// caller is one point of view: an API key or a person's token (naming its
// organization, as the UI does: signup gives people a second one), and
// which column of a case's expectations applies to it.
type caller struct {
	name, key, token, org string
	want                  func(c matrixCase) int
}

// callers lists the six key views of want plus people, whose expectations
// follow the key of the same role (an owner as an admin; another org's
// person as another org's key) unless a case sets wantPerson (routes for
// people only, where any person is alike).
func matrixCallers(f *fixture, people map[string]string) []caller {
	var cs []caller
	for i, v := range views {
		cs = append(cs, caller{name: v, key: f.keys[i], want: func(c matrixCase) int { return c.want[i] }})
	}
	for i, role := range []string{"viewer", "member", "admin", "owner", "other-org admin"} {
		col := []int{2, 3, 4, 4, 1}[i]
		org := "org-a"
		if role == "other-org admin" {
			org = "org-b"
		}
		cs = append(cs, caller{name: "person " + role, token: people[role], org: org, want: func(c matrixCase) int {
			if c.wantPerson != nil {
				return *c.wantPerson
			}
			return c.want[col]
		}})
	}
	return cs
}

func TestAuthorizationMatrix(t *testing.T) {
	e := keyedEnv(t) // webhook signing secrets need the secret key
	e.enablePeople()
	f := &fixture{e: e}
	var adminA, adminB string
	f.slug, adminA = e.newOrg("org-a", catalog.PlanBusiness)
	_, adminB = e.newOrg("org-b", catalog.PlanBusiness)
	viewer, _ := e.newKey(adminA, "viewer")
	member, _ := e.newKey(adminA, "member")
	f.keys = [6]string{"", adminB, viewer, member, adminA, "platform-key"}
	people := map[string]string{"other-org admin": e.person(t, adminB, "sub-b", "b@b.io", catalog.RoleAdmin)}
	for _, role := range []catalog.Role{catalog.RoleViewer, catalog.RoleMember, catalog.RoleAdmin, catalog.RoleOwner} {
		people[string(role)] = e.person(t, adminA, "sub-"+string(role), string(role)+"@a.io", role)
	}

	for _, rt := range e.srv.Routes() {
		pattern := rt.Method + " " + strings.ReplaceAll(rt.Path, "{version}", "{ver}")
		c, ok := matrix[pattern]
		if !ok {
			t.Errorf("route %s is not in the authorization matrix; add it", pattern)
			continue
		}
		for _, who := range matrixCallers(f, people) {
			fill := c.fill
			if fill == nil {
				fill = (*fixture).fill
			}
			path, stillThere := fill(f, strings.SplitN(pattern, " ", 2)[1])
			body := ""
			if c.body != nil {
				body = c.body(f)
			}
			var res response
			if who.token != "" {
				res = e.asPerson(rt.Method, path, who.token, who.org, body)
			} else {
				res = e.do(rt.Method, path, who.key, body)
			}
			if want := who.want(c); res.Code != want {
				t.Errorf("%s as %s: status %d, want %d; body %s", pattern, who.name, res.Code, want, res.Body.String())
			}
			if strings.HasPrefix(who.name, "other-org") && !stillThere() {
				t.Errorf("%s as %s changed organization A's object", pattern, who.name)
			}
		}
	}
	if len(matrix) != len(e.srv.Routes()) {
		t.Errorf("matrix has %d entries for %d routes; remove the stale ones", len(matrix), len(e.srv.Routes()))
	}
}

// fillMember invites a fresh member into organization A.
func fillMember(f *fixture, path string) (string, func() bool) {
	email := fmt.Sprintf("victim%d@a.io", f.next())
	m := f.e.do("POST", "/api/v1/members/", f.keys[4], `{"email":"`+email+`","role":"member"}`).expect(201).json()
	id := m["id"].(string)
	return strings.Replace(path, "{id}", id, 1), func() bool {
		return strings.Contains(f.e.do("GET", "/api/v1/members/?limit=500", f.keys[4], "").Body.String(), `"id":"`+id+`","email":"`+email+`","subject":null,"role":"member"`)
	}
}

func intp(n int) *int { return &n }

// TestCrossOrgInvisible checks that lists never show another org's objects.
func TestCrossOrgInvisible(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		_, a := e.newOrg("org-a", catalog.PlanFree)
		_, b := e.newOrg("org-b", catalog.PlanFree)
		e.do("POST", "/api/v1/pipelines/", a, pipelineJSON("orders_sync", "1")).expect(201)
		e.do("POST", "/api/v1/pipelines/", b, pipelineJSON("orders_sync", "7")).expect(201) // names are per organization
		for _, path := range []string{"/api/v1/pipelines/", "/api/v1/api-keys/", "/api/v1/audit-events/"} {
			if body := e.do("GET", path, b, "").expect(200).Body.String(); strings.Contains(body, `"version":"1"`) || strings.Contains(body, "org-a") {
				t.Errorf("%s as org B shows org A's data: %s", path, body)
			}
		}
		if v := e.do("GET", "/api/v1/pipelines/orders_sync", a, "").expect(200).json()["version"]; v != "1" {
			t.Fatalf("org A sees version %v of its pipeline, want 1", v)
		}
	})
}
