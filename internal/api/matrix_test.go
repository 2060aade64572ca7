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
}

// matrix covers every route of the server. A route missing here fails
// TestAuthorizationMatrix, so each new route must join it.
var matrix = map[string]matrixCase{
	"GET /healthz": {want: [6]int{200, 200, 200, 200, 200, 200}},
	"GET /readyz":  {want: [6]int{200, 200, 200, 200, 200, 200}},
	"GET /metrics": {want: [6]int{200, 200, 200, 200, 200, 200}},

	"GET /api/v1/organizations/me":                {want: [6]int{401, 200, 200, 200, 200, 200}},
	"POST /api/v1/admin/organizations/":           {body: func(f *fixture) string { return fmt.Sprintf(`{"slug":"new-%d","name":"N"}`, f.next()) }, want: [6]int{401, 403, 403, 403, 403, 201}},
	"GET /api/v1/admin/organizations/":            {want: [6]int{401, 403, 403, 403, 403, 200}},
	"PATCH /api/v1/admin/organizations/{slug}":    {body: func(*fixture) string { return `{"name":"Renamed"}` }, want: [6]int{401, 403, 403, 403, 403, 200}},
	"POST /api/v1/api-keys/":                      {body: func(*fixture) string { return `{"name":"ci"}` }, want: [6]int{401, 201, 403, 403, 201, 201}},
	"GET /api/v1/api-keys/":                       {want: [6]int{401, 200, 403, 403, 200, 200}},
	"DELETE /api/v1/api-keys/{id}":                {want: [6]int{401, 404, 403, 403, 204, 404}},
	"POST /api/v1/api-keys/{id}/rotate":           {body: func(*fixture) string { return `{}` }, want: [6]int{401, 404, 403, 403, 201, 404}},
	"GET /api/v1/audit-events/":                   {want: [6]int{401, 200, 403, 403, 200, 200}},
	"POST /api/v1/pipelines/":                     {body: func(f *fixture) string { return pipelineJSON(fmt.Sprintf("p_%d", f.next()), "1") }, want: [6]int{401, 201, 403, 201, 201, 201}},
	"GET /api/v1/pipelines/":                      {want: [6]int{401, 200, 200, 200, 200, 200}},
	"GET /api/v1/pipelines/{name}":                {want: [6]int{401, 404, 200, 200, 200, 404}},
	"DELETE /api/v1/pipelines/{name}":             {want: [6]int{401, 404, 403, 204, 204, 404}},
	"GET /api/v1/pipelines/{name}/versions/":      {want: [6]int{401, 404, 200, 200, 200, 404}},
	"GET /api/v1/pipelines/{name}/versions/{ver}": {want: [6]int{401, 404, 200, 200, 200, 404}},
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

func TestAuthorizationMatrix(t *testing.T) {
	e := sqliteEnv(t)
	f := &fixture{e: e}
	var adminA, adminB string
	f.slug, adminA = e.newOrg("org-a", catalog.PlanBusiness)
	_, adminB = e.newOrg("org-b", catalog.PlanBusiness)
	viewer, _ := e.newKey(adminA, "viewer")
	member, _ := e.newKey(adminA, "member")
	f.keys = [6]string{"", adminB, viewer, member, adminA, "platform-key"}

	for _, rt := range e.srv.Routes() {
		pattern := rt.Method + " " + strings.ReplaceAll(rt.Path, "{version}", "{ver}")
		c, ok := matrix[pattern]
		if !ok {
			t.Errorf("route %s is not in the authorization matrix; add it", pattern)
			continue
		}
		for i, view := range views {
			fill := c.fill
			if fill == nil {
				fill = (*fixture).fill
			}
			path, stillThere := fill(f, strings.SplitN(pattern, " ", 2)[1])
			body := ""
			if c.body != nil {
				body = c.body(f)
			}
			res := e.do(rt.Method, path, f.keys[i], body)
			if res.Code != c.want[i] {
				t.Errorf("%s as %s: status %d, want %d; body %s", pattern, view, res.Code, c.want[i], res.Body.String())
			}
			if view == "other-org admin" && !stillThere() {
				t.Errorf("%s as another org's admin changed organization A's object", pattern)
			}
		}
	}
	if len(matrix) != len(e.srv.Routes()) {
		t.Errorf("matrix has %d entries for %d routes; remove the stale ones", len(matrix), len(e.srv.Routes()))
	}
}

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
