package api_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/billing/billingtest"
	"github.com/dataxpipe/catalog/internal/billing/stripemocktest"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// hostileValues are JSON string literals sent as raw bytes, so invalid
// UTF-8 and lone surrogates reach the server exactly as a client sent them.
// unstorable ones must be a 422 naming the field; the others may be
// accepted or refused, but alike on both engines.
var hostileValues = []struct {
	name, literal string
	unstorable    bool
}{
	{"nul", `"a\u0000b"`, true},
	{"invalid-utf8", "\"a\xffb\"", true},
	{"cesu-surrogate-bytes", "\"a\xed\xa0\x80b\"", true},
	{"lone-high-surrogate", `"a\ud800b"`, true},
	{"lone-low-surrogate", `"\udc00"`, true},
	{"10KB", `"` + strings.Repeat("n", 10<<10) + `"`, false},
	{"10KB-multibyte", `"` + strings.Repeat("é", 5<<10) + `"`, false},
	// Postgres compresses index entries: only text that does not compress
	// shows the b-tree's ~2.7 KB limit.
	{"10KB-incompressible", `"` + incompressible(10<<10) + `"`, false},
	{"rtl", `"\u202eabc\u202c مرحبا"`, false},
	{"combining", `"e\u0301\u0308\u0327"`, false},
	{"surrogate-pair", `"\ud83d\ude00"`, false},
	// The valid value with 10 KB more: passes format checks that only look
	// at its start or shape (an email, an URL), so only a length rule stops it.
	{"valid-then-10KB", suffixed, false},
}

// suffixed in hostileValues stands for the leaf's own value followed by 10
// KB of incompressible letters.
const suffixed = "<suffix>"

// incompressible is n bytes of letters from a fixed pseudo-random sequence.
func incompressible(n int) string {
	rng := rand.New(rand.NewPCG(13, 13))
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[rng.IntN(len(letters))]
	}
	return string(b)
}

// hostilePathValues replace a path parameter (already escaped for a URL).
var hostilePathValues = []struct{ name, escaped string }{
	{"nul", "a%00b"},
	{"invalid-utf8", "%FF"},
	{"cesu-surrogate-bytes", "%ED%A0%80"},
	{"10KB", strings.Repeat("n", 10<<10)},
	{"10KB-incompressible", incompressible(10 << 10)},
	{"rtl", url.PathEscape("\u202eabc مرحبا")},
	{"combining", url.PathEscape("e\u0301\u0308")},
}

// hostileQueryParams are the query parameters the read routes take.
var hostileQueryParams = []string{"cursor", "owner", "q", "tag", "status", "severity", "pipeline_id", "run_id", "action",
	"direction", "format", "since", "job", "namespace"}

// hostileFixture is one engine's server with an organization on the
// business plan (no plan limit gets in the way), its keys and a pipeline
// orders_sync with a running run.
type hostileFixture struct {
	e             *env
	admin, member string
	slug          string
	n             int
}

func (f *hostileFixture) next() int { f.n++; return f.n }

// hostileCase is how to call one write route validly: as whom, with which
// path (nil: the route's own) and body template (nil: no body). Every
// string in the template is replaced, one at a time, by each hostile value.
type hostileCase struct {
	as   string // "admin", "member", "platform", "person", "stripe"
	path func(f *hostileFixture) string
	body func(f *hostileFixture) string
	// only, when set, picks the strings to replace (default: all).
	only func(at leaf) bool
}

var hostileRoutes = map[string]hostileCase{
	"POST /api/v1/webhooks/": {as: "admin",
		body: func(*hostileFixture) string {
			return `{"url":"https://hooks.example.com/in","events":["run.failed"],"description":"on-call","format":"slack"}`
		}},
	"PATCH /api/v1/webhooks/{id}": {as: "admin", path: hostileWebhook(""),
		body: func(*hostileFixture) string {
			return `{"url":"https://hooks.example.com/x","description":"d","events":["check.failed"]}`
		}},
	"DELETE /api/v1/webhooks/{id}": {as: "admin", path: func(f *hostileFixture) string {
		return "/api/v1/webhooks/" + f.e.do("POST", "/api/v1/webhooks/", f.admin, `{"url":"https://h.example.com/","events":["run.failed"]}`).expect(201).json()["id"].(string)
	}},
	"POST /api/v1/webhooks/{id}/rotate-secret": {as: "admin", path: hostileWebhook("/rotate-secret")},
	"POST /api/v1/webhooks/{id}/redeliver": {as: "admin", path: hostileWebhook("/redeliver"),
		body: func(*hostileFixture) string { return `{"delivery_id":"dlv_none"}` }},
	"POST /api/v1/webhooks/{id}/test": {as: "admin", path: hostileWebhook("/test")},
	"POST /api/v1/organizations/": {as: "person",
		body: func(f *hostileFixture) string { return fmt.Sprintf(`{"slug":"signup-%d","name":"Signup"}`, f.next()) }},
	"POST /api/v1/admin/organizations/": {as: "platform",
		body: func(f *hostileFixture) string {
			return fmt.Sprintf(`{"slug":"new-%d","name":"New","plan":"free"}`, f.next())
		}},
	"PATCH /api/v1/admin/organizations/{slug}": {as: "platform",
		path: func(f *hostileFixture) string { return "/api/v1/admin/organizations/" + f.slug },
		body: func(*hostileFixture) string { return `{"name":"Renamed","plan":"business"}` }},
	"POST /api/v1/api-keys/": {as: "admin",
		body: func(*hostileFixture) string {
			return `{"name":"ci","role":"member","expires_at":"2030-01-01T00:00:00Z"}`
		}},
	"DELETE /api/v1/api-keys/{id}": {as: "admin",
		path: func(f *hostileFixture) string {
			_, id := f.e.newKey(f.admin, "viewer")
			return "/api/v1/api-keys/" + id
		}},
	"POST /api/v1/api-keys/{id}/rotate": {as: "admin",
		path: func(f *hostileFixture) string {
			_, id := f.e.newKey(f.admin, "viewer")
			return "/api/v1/api-keys/" + id + "/rotate"
		},
		body: func(*hostileFixture) string { return `{"grace_period_seconds":60}` }},
	"POST /api/v1/members/": {as: "admin",
		body: func(f *hostileFixture) string {
			return fmt.Sprintf(`{"email":"m%d@example.com","role":"viewer"}`, f.next())
		}},
	"PATCH /api/v1/members/{id}":  {as: "admin", path: freshMember, body: func(*hostileFixture) string { return `{"role":"member"}` }},
	"DELETE /api/v1/members/{id}": {as: "admin", path: freshMember},
	"POST /api/v1/pipelines/": {as: "member",
		body: func(f *hostileFixture) string { return pipelineJSON(fmt.Sprintf("p_%d", f.next()), "1") }},
	"DELETE /api/v1/pipelines/{name}": {as: "member",
		path: func(f *hostileFixture) string {
			name := fmt.Sprintf("gone_%d", f.next())
			f.e.do("POST", "/api/v1/pipelines/", f.member, pipelineJSON(name, "1")).expect(201)
			return "/api/v1/pipelines/" + name
		}},
	"POST /api/v1/runs/": {as: "member",
		body: func(f *hostileFixture) string {
			return fmt.Sprintf(`{"pipeline_id":"orders_sync","run_id":"r-%d","status":"failed","started_at":"2026-06-07T05:00:00Z",
			  "finished_at":"2026-06-07T05:01:00Z","error":"boom","attributes":{"dag":"orders","note":"x"}}`, f.next())
		}},
	"PATCH /api/v1/runs/{run_id}": {as: "member",
		path: func(f *hostileFixture) string {
			id := fmt.Sprintf("patch-%d", f.next())
			f.e.do("POST", "/api/v1/runs/", f.member, `{"pipeline_id":"orders_sync","status":"running","run_id":"`+id+`"}`).expect(201)
			return "/api/v1/runs/" + id
		},
		body: func(*hostileFixture) string {
			return `{"status":"failed","finished_at":"2026-06-07T06:00:00Z","error":"disk full"}`
		}},
	"POST /api/v1/checks/results/": {as: "member",
		body: func(*hostileFixture) string {
			return `{"run_id":"run-20260607-001","check_id":"pk_not_null","status":"failed","severity":"warn","pipeline_id":"orders_sync",
			  "observed_value":{"nulls":"3"},"expected":"0","message":"3 null keys","executed_at":"2026-06-07T05:00:00Z"}`
		}},
	"POST /api/v1/connections/": {as: "member",
		body: func(f *hostileFixture) string {
			return fmt.Sprintf(`{"id":"c-%d","type":"postgres","description":"orders","config":{"host":"db","database":"shop"}}`, f.next())
		}},
	"PUT /api/v1/connections/{id}": {as: "member", path: freshConnection,
		body: func(*hostileFixture) string {
			return `{"type":"postgres","description":"orders","config":{"host":"db2","database":"shop"}}`
		}},
	"DELETE /api/v1/connections/{id}": {as: "member", path: freshConnection},
	"POST /api/v1/lineage/":           {as: "member", body: olRunEvent},
	"POST /api/v1/lineage/batch/": {as: "member",
		body: func(f *hostileFixture) string { return "[" + olRunEvent(f) + "," + olRunEvent(f) + "]" },
		only: func(at leaf) bool { return at[0] == 1 }}, // the second event: the first must still land
	"POST /api/v1/billing/checkout": {as: "admin", body: func(*hostileFixture) string { return `{"plan":"team"}` }},
	"POST /api/v1/billing/portal":   {as: "admin"},
	"POST /webhooks/stripe": {as: "stripe",
		body: func(f *hostileFixture) string {
			me := f.e.myOrg(f.admin)
			return string(billingtest.Checkout{EventID: fmt.Sprintf("evt_h%d", f.next()), Created: 1700000000,
				Customer: "cus_hostile", OrgID: me["id"].(string)}.JSON())
		}},
}

// hostileWebhooks is each fixture's one webhook, shared by the routes that
// leave it in place (an organization has at most 20).
var hostileWebhooks sync.Map // *hostileFixture → id

// hostileWebhook is the path of the fixture's webhook with suffix.
func hostileWebhook(suffix string) func(f *hostileFixture) string {
	return func(f *hostileFixture) string {
		id, ok := hostileWebhooks.Load(f)
		if !ok {
			id = f.e.do("POST", "/api/v1/webhooks/", f.admin, `{"url":"https://hooks.example.com/in","events":["run.failed"]}`).expect(201).json()["id"].(string)
			hostileWebhooks.Store(f, id)
		}
		return "/api/v1/webhooks/" + id.(string) + suffix
	}
}

func freshMember(f *hostileFixture) string {
	m := f.e.do("POST", "/api/v1/members/", f.admin, fmt.Sprintf(`{"email":"fresh%d@example.com"}`, f.next())).expect(201).json()
	return "/api/v1/members/" + m["id"].(string)
}

func freshConnection(f *hostileFixture) string {
	id := fmt.Sprintf("conn-%d", f.next())
	f.e.do("POST", "/api/v1/connections/", f.member, `{"id":"`+id+`","type":"postgres","config":{"host":"db"}}`).expect(201)
	return "/api/v1/connections/" + id
}

// olRunEvent is a complete RunEvent with a new run, a job, an input and an
// output dataset, a parent and the facets most strings of the spec live in.
func olRunEvent(f *hostileFixture) string {
	n := f.next()
	return fmt.Sprintf(`{"eventType":"COMPLETE","eventTime":"2026-06-07T05:00:00Z","producer":"https://example.com/hostile",
	 "schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
	 "run":{"runId":"0190a0b0-0000-7000-8000-%012d","facets":{
	   "parent":{"_producer":"https://example.com","_schemaURL":"https://openlineage.io/spec/facets/1-0-1/ParentRunFacet.json",
	     "run":{"runId":"0190a0b0-0000-7000-9000-000000000001"},"job":{"namespace":"airflow","name":"orders_sync"}},
	   "errorMessage":{"_producer":"https://example.com","_schemaURL":"https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json",
	     "message":"it broke","programmingLanguage":"python"}}},
	 "job":{"namespace":"airflow","name":"orders_sync.load","facets":{
	   "documentation":{"_producer":"https://example.com","_schemaURL":"https://openlineage.io/spec/facets/1-0-1/DocumentationJobFacet.json",
	     "description":"loads orders"}}},
	 "inputs":[{"namespace":"postgres://db:5432","name":"shop.orders"}],
	 "outputs":[{"namespace":"bigquery","name":"analytics.orders_%d"}]}`, n, n)
}

// hostileRequest is one request the test sends and its identity for the
// comparison between engines.
type hostileRequest struct {
	route, variant string
	field          string // the JSON field replaced ("" for a path variant)
	unstorable     bool
}

// TestHostileStrings sends every hostile value in every string of every
// write route's body, and in every path parameter, on both engines: never
// a 5xx, the same status on both, and text that cannot be stored is a 422
// naming its field.
func TestHostileStrings(t *testing.T) {
	results := map[sqlstore.Engine]map[string]string{}
	var mu sync.Mutex
	t.Run("engines", func(t *testing.T) { // returns when both parallel runs are done
		for _, engine := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
			t.Run(string(engine), func(t *testing.T) {
				t.Parallel()
				got := runHostile(t, sqlstoretest.OpenKeyed(t, engine)) // keyed: webhook secrets are sealed
				mu.Lock()
				results[engine] = got
				mu.Unlock()
			})
		}
	})
	lite, pg := results[sqlstore.SQLite], results[sqlstore.Postgres]
	if lite == nil || pg == nil {
		return // an engine was skipped (or failed, reported above)
	}
	var differ []string
	for k, code := range lite {
		if pg[k] != code {
			differ = append(differ, fmt.Sprintf("%s: sqlite %s, postgres %s", k, code, pg[k]))
		}
	}
	sort.Strings(differ)
	if len(differ) > 0 {
		t.Fatalf("%d requests answered differently by the engines:\n%s", len(differ), strings.Join(differ, "\n"))
	}
}

// runHostile sends every request on db's engine and returns each one's
// outcome: the status, and for a batch which events failed.
func runHostile(t *testing.T, db *sqlstore.DB) map[string]string {
	e := newEnv(t, db)
	e.withBilling(stripemocktest.Start(t))
	e.enablePeople()
	slug, admin := e.newOrg("acme", catalog.PlanBusiness)
	member, _ := e.newKey(admin, "member")
	e.do("POST", "/api/v1/pipelines/", member, pipelineJSON("orders_sync", "1")).expect(201)
	e.do("POST", "/api/v1/runs/", member, `{"pipeline_id":"orders_sync","status":"running"}`).expect(201)
	f := &hostileFixture{e: e, admin: admin, member: member, slug: slug}

	got := map[string]string{}
	person := e.token("hostile-header", "hostile-header@example.com")
	for _, v := range []string{"a\x00b", "\xff", "\xed\xa0\x80", incompressible(10 << 10)} {
		res := e.asPerson("GET", "/api/v1/organizations/me", person, v, "")
		got["X-DXP-Organization "+fmt.Sprintf("%.20q", v)] = outcome(res)
		if res.Code >= 500 {
			t.Errorf("X-DXP-Organization %.20q: %d %s", v, res.Code, truncate(res.Body.String()))
		}
	}
	for _, rt := range e.srv.Routes() {
		if rt.Method == "GET" {
			// Query parameters of reads reach queries too.
			path := strings.NewReplacer("{name}", "orders_sync", "{version}", "1", "{run_id}", "run-20260607-001",
				"{dataset_id}", "clean_orders", "{id}", "none", "{slug}", slug).Replace(rt.Path)
			for _, param := range hostileQueryParams {
				for _, v := range hostilePathValues[:3] {
					res := e.do("GET", path+"?"+param+"="+v.escaped, admin, "")
					id := "GET " + rt.Path + " ?" + param + " " + v.name
					got[id] = outcome(res)
					if res.Code >= 500 {
						t.Errorf("%s: %d %s", id, res.Code, truncate(res.Body.String()))
					}
				}
			}
			continue
		}
		key := rt.Method + " " + rt.Path
		hc, ok := hostileRoutes[key]
		if !ok {
			t.Errorf("write route %s is missing from hostileRoutes; add how to call it", key)
			continue
		}
		send := func(req hostileRequest, path, body string) {
			t.Helper()
			res := f.send(hc.as, rt.Method, path, body)
			id := key + " " + req.field + " " + req.variant
			got[id] = outcome(res)
			if res.Code >= 500 {
				t.Errorf("%s: %d %s", id, res.Code, truncate(res.Body.String()))
				return
			}
			if req.unstorable && req.field != "" && !names(res, req.field) {
				t.Errorf("%s: %d, want 422 naming %s: %s", id, res.Code, req.field, truncate(res.Body.String()))
			}
		}
		// Path parameters.
		if strings.Contains(rt.Path, "{") {
			for _, v := range hostilePathValues {
				path := rt.Path
				for strings.Contains(path, "{") {
					i, j := strings.Index(path, "{"), strings.Index(path, "}")
					path = path[:i] + v.escaped + path[j+1:]
				}
				body := ""
				if hc.body != nil {
					body = hc.body(f)
				}
				send(hostileRequest{route: key, variant: "path-" + v.name}, path, body)
			}
		}
		if hc.body == nil {
			continue
		}
		for _, field := range stringLeaves(t, hc.body(f)) {
			if hc.only != nil && !hc.only(field) {
				continue
			}
			for _, v := range hostileValues {
				path := rt.Path
				if hc.path != nil {
					path = hc.path(f)
				}
				template := hc.body(f)
				literal := v.literal
				if literal == suffixed {
					b, _ := json.Marshal(leafValue(t, template, field) + incompressible(10<<10))
					literal = string(b)
				}
				body := replaceLeaf(t, template, field, literal)
				send(hostileRequest{route: key, variant: v.name, field: apiField(field), unstorable: v.unstorable}, path, body)
			}
		}
	}
	return got
}

// outcome is the status, with the failed events of a batch answer.
func outcome(res response) string {
	var batch struct {
		FailedEvents []struct {
			Index int    `json:"index"`
			Code  string `json:"code"`
		} `json:"failed_events"`
	}
	out := fmt.Sprint(res.Code)
	if res.Code == 200 && json.Unmarshal(res.Body.Bytes(), &batch) == nil {
		for _, f := range batch.FailedEvents {
			out += fmt.Sprintf(" failed[%d]=%s", f.Index, f.Code)
		}
	}
	return out
}

// send makes one request as who.
func (f *hostileFixture) send(who, method, path, body string) response {
	f.e.t.Helper()
	switch who {
	case "admin":
		return f.e.do(method, path, f.admin, body)
	case "member":
		return f.e.do(method, path, f.member, body)
	case "platform":
		return f.e.do(method, path, "platform-key", body)
	case "person":
		n := f.next()
		return f.e.asPerson(method, path, f.e.token(fmt.Sprintf("hostile-%d", n), fmt.Sprintf("h%d@example.com", n)), "", body)
	case "stripe":
		return f.e.do(method, path, "", body, "Stripe-Signature", billingtest.Sign([]byte(body), testWhsec, time.Time{}))
	}
	panic("unknown caller " + who)
}

// names reports whether res is a 422 whose errors name field, or for a
// field of a batch item ("[1].job.name") a 200 whose failed event of that
// index names the rest of it: that event fails alone.
func names(res response, field string) bool {
	var p struct {
		Errors       []catalog.FieldError `json:"errors"`
		FailedEvents []struct {
			Index  int                  `json:"index"`
			Errors []catalog.FieldError `json:"errors"`
		} `json:"failed_events"`
	}
	if json.Unmarshal(res.Body.Bytes(), &p) != nil {
		return false
	}
	has := func(list []catalog.FieldError, field string) bool {
		for _, fe := range list {
			if fe.Field == field {
				return true
			}
		}
		return false
	}
	var index int
	var rest string
	if n, _ := fmt.Sscanf(field, "[%d].", &index); n == 1 && res.Code == 200 {
		rest = field[strings.Index(field, ".")+1:]
		for _, fe := range p.FailedEvents {
			if fe.Index == index && len(p.FailedEvents) == 1 {
				return has(fe.Errors, rest)
			}
		}
		return false
	}
	return res.Code == 422 && has(p.Errors, field)
}

func truncate(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// A leaf is the path of one string in a JSON document: keys and indexes.
type leaf []any

// stringLeaves lists the path of every string value of doc (not keys).
func stringLeaves(t testing.TB, doc string) []leaf {
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("template is not JSON: %v\n%s", err, doc)
	}
	var out []leaf
	var walk func(v any, at leaf)
	walk = func(v any, at leaf) {
		switch x := v.(type) {
		case string:
			out = append(out, append(leaf{}, at...))
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(x[k], append(at, k))
			}
		case []any:
			for i, item := range x {
				walk(item, append(at, i))
			}
		}
	}
	walk(v, nil)
	return out
}

// leafValue is the string at the leaf of doc.
func leafValue(t testing.TB, doc string, at leaf) string {
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatal(err)
	}
	for _, seg := range at {
		switch k := seg.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	return v.(string)
}

// replaceLeaf puts literal (raw JSON) at the leaf of doc. A placeholder is
// set through encoding/json and then swapped for the raw bytes, which
// encoding/json would not write.
func replaceLeaf(t testing.TB, doc string, at leaf, literal string) string {
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatal(err)
	}
	const placeholder = "\u2063HOSTILE\u2063"
	var set func(v any, at leaf) any
	set = func(v any, at leaf) any {
		if len(at) == 0 {
			return placeholder
		}
		switch k := at[0].(type) {
		case string:
			m := v.(map[string]any)
			m[k] = set(m[k], at[1:])
		case int:
			a := v.([]any)
			a[k] = set(a[k], at[1:])
		}
		return v
	}
	b, err := json.Marshal(set(v, at))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Replace(string(b), `"`+placeholder+`"`, literal, 1)
}

// apiField writes a leaf in the API's field style: inputs[0].name.
func apiField(at leaf) string {
	var b strings.Builder
	for _, seg := range at {
		switch s := seg.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", s)
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s)
		}
	}
	return b.String()
}
