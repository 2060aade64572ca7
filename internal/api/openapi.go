package api

import (
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dataxpipe/catalog/internal/spec"
)

// openAPI serves the OpenAPI 3.1 document of this API.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	return respond(w, http.StatusOK, s.OpenAPIDocument())
}

// openAPI30 serves the same document as OpenAPI 3.0 (openapi30.go), for
// client generators that do not read 3.1 yet.
func (s *Server) openAPI30(w http.ResponseWriter, r *http.Request) error {
	return respond(w, http.StatusOK, OpenAPI30(s.OpenAPIDocument()))
}

// operation documents one route; see operations for how to write one.
type operation struct {
	summary string
	query   []param
	body    *bodyDoc
	yaml    bool // the body may also be YAML (pipelines)
	answers answers
}

// param is one query parameter.
type param struct {
	name, description string
	schema            map[string]any
}

// bodyDoc is a request body: a Go type decode reads, or a schema written out.
type bodyDoc struct {
	t       reflect.Type
	schema  map[string]any
	example any // a body it may be; a test validates it
}

// withExample gives the body an example.
func (b *bodyDoc) withExample(v any) *bodyDoc {
	b.example = v
	return b
}

// answer is one success status with the types its body may be.
type answer struct {
	status      int
	description string
	types       []reflect.Type
	contentType string   // a non-JSON answer (metrics)
	alts        []string // other media types of the same answer, as text
	example     any      // a JSON body it may have; a test validates it
}

type answers []answer

// none is the body of an answer without one (204).
type none struct{}

// ok is an answer with status whose body is a T.
func ok[T any](status int, description string) answers {
	return answers{{status: status, description: description, types: []reflect.Type{reflect.TypeFor[T]()}}}
}

// and adds a status answered with the same body.
func (a answers) and(status int, description string) answers {
	b := a[len(a)-1]
	b.status, b.description = status, description
	return append(a, b)
}

// or lets every answer's body also be the type of v.
func (a answers) or(v any) answers {
	for i := range a {
		a[i].types = append(slices.Clone(a[i].types), reflect.TypeOf(v))
	}
	return a
}

// alt lets every answer also come as these media types (text or images).
func (a answers) alt(mediaTypes ...string) answers {
	for i := range a {
		a[i].alts = mediaTypes
	}
	return a
}

// withExample gives the last answer an example body.
func (a answers) withExample(v any) answers {
	a[len(a)-1].example = v
	return a
}

// text is an answer that is not JSON.
func text(status int, contentType, description string) answers {
	return answers{{status: status, description: description, contentType: contentType}}
}

// in is a JSON body read into T.
func in[T any]() *bodyDoc { return &bodyDoc{t: reflect.TypeFor[T]()} }

// raw is a body whose schema is written out (OpenLineage, Stripe).
func raw(schema map[string]any) *bodyDoc { return &bodyDoc{schema: schema} }

func params(ps ...param) []param { return ps }

func qstr(name, description string) param {
	return param{name: name, description: description, schema: map[string]any{"type": "string"}}
}

// qstrs is a parameter that may repeat.
func qstrs(name, description string) param {
	return param{name: name, description: description, schema: map[string]any{"type": "array", "items": map[string]any{"type": "string"}}}
}

func qtime(name, description string) param {
	return param{name: name, description: description + " RFC 3339, e.g. 2026-06-07T06:00:00Z.", schema: map[string]any{"type": "string", "format": "date-time"}}
}

func qenum(name, description string, values ...string) param {
	return param{name: name, description: description, schema: map[string]any{"type": "string", "enum": values}}
}

func qenumDefault(name, description, def string, values ...string) param {
	p := qenum(name, description, values...)
	p.schema["default"] = def
	return p
}

// problemCodes are the codes a problem+json may carry.
func problemCodes() []string {
	return slices.Sorted(maps.Keys(statusOf))
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// documented panics for a route without an entry in operations: mount calls
// it, so a new route cannot start undocumented.
func documented(rt route) {
	if _, ok := operations[rt.method+" "+rt.path]; !ok {
		panic("route " + rt.method + " " + rt.path + " has no entry in operations (openapi_operations.go)")
	}
}

// OpenAPIDocument is the OpenAPI 3.1 document of the server's routes, as
// JSON-ready maps.
func (s *Server) OpenAPIDocument() map[string]any {
	set := newSchemaSet()
	paths := map[string]map[string]any{}
	for _, rt := range s.routes {
		path := strings.TrimSuffix(rt.path, "{$}")
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(rt.method)] = set.operation(rt, path, operations[rt.method+" "+rt.path])
	}
	set.ref(reflect.TypeFor[problem](), inAnswer)
	schemas := map[string]any{}
	for name, def := range set.defs {
		schemas[name] = def
	}
	maps.Copy(schemas, pipelineSpecSchemas())
	problemSchema := schemas["Problem"].(map[string]any)
	problemSchema["description"] = "An error (RFC 9457) with a stable code. validation_failed lists every problem in errors; plan_limit_exceeded names the plan, resource, limit, usage and upgrade_url."
	problemSchema["allOf"] = []any{
		map[string]any{"if": map[string]any{"properties": map[string]any{"code": map[string]any{"const": "validation_failed"}}},
			"then": map[string]any{"required": []string{"errors"}}},
		map[string]any{"if": map[string]any{"properties": map[string]any{"code": map[string]any{"const": "plan_limit_exceeded"}}},
			"then": map[string]any{"required": []string{"plan", "resource", "limit", "usage", "upgrade_url"}}},
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "DataXPipe Catalog API", "version": "1",
			"description": apiDescription},
		"tags":  tags(paths),
		"paths": paths,
		"components": map[string]any{
			"schemas":         schemas,
			"securitySchemes": securitySchemes,
			"headers":         headerDocs,
			"responses":       errorResponses(),
		},
	}
}

const apiDescription = "The catalog of pipelines, runs, check results, connections and lineage. " +
	"Collection paths (ending in /) also answer without the slash; item paths have none. " +
	"Timestamps are RFC 3339 in UTC. Unknown query parameters are refused (400 malformed_request), " +
	"and unknown body fields too (422 validation_failed), except in pipeline definitions and OpenLineage events. " +
	"Lists return {items, next_cursor} and take limit and cursor. Every error is application/problem+json with a stable code. " +
	"With rate limiting on, authenticated answers carry RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset; a 429 carries Retry-After."

var securitySchemes = map[string]any{
	"apiKey":    map[string]any{"type": "apiKey", "in": "header", "name": "X-API-KEY", "description": "An organization's API key, dxp_ and 38 characters."},
	"bearerKey": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "dxp_ API key", "description": "An API key as a bearer token (OpenLineage's HTTP transport sends it so)."},
	"oidc": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
		"description": "An OIDC ID token of the configured issuer. A person in several organizations picks one with X-DXP-Organization."},
}

func header(description string) map[string]any {
	return map[string]any{"description": description, "schema": map[string]any{"type": "integer", "minimum": 0}}
}

var headerDocs = map[string]any{
	"RateLimit-Limit":     header("Requests the budget allows per minute (with rate limiting on)."),
	"RateLimit-Remaining": header("Requests left in the budget."),
	"RateLimit-Reset":     header("Seconds until the budget is full again."),
	"Retry-After":         header("Seconds to wait before trying again."),
	"X-Request-ID":        map[string]any{"description": "The request's id, also in problem+json request_id and the server log.", "schema": map[string]any{"type": "string"}},
}

func headerRef(name string) map[string]any {
	return map[string]any{"$ref": "#/components/headers/" + name}
}

// rateHeaders are the headers of a metered answer.
func rateHeaders(extra ...string) map[string]any {
	h := map[string]any{"X-Request-ID": headerRef("X-Request-ID")}
	for _, n := range append([]string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}, extra...) {
		h[n] = headerRef(n)
	}
	return h
}

// errorResponses are the shared error answers, by status.
func errorResponses() map[string]any {
	problemContent := func(examples map[string]any) map[string]any {
		mt := map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}
		if examples != nil {
			mt["examples"] = examples
		}
		return map[string]any{"application/problem+json": mt}
	}
	resp := func(description string, examples map[string]any, headers ...string) map[string]any {
		r := map[string]any{"description": description, "content": problemContent(examples)}
		h := map[string]any{"X-Request-ID": headerRef("X-Request-ID")}
		for _, n := range headers {
			h[n] = headerRef(n)
		}
		r["headers"] = h
		return r
	}
	unauth := resp("unauthenticated: no credential, or an unknown, malformed, revoked or expired one.", nil)
	unauth["headers"].(map[string]any)["WWW-Authenticate"] = map[string]any{"schema": map[string]any{"type": "string"}, "description": "The schemes this API accepts."}
	return map[string]any{
		"Malformed":       resp("malformed_request: the body is not JSON, the content type is wrong, or a query parameter is unknown.", nil),
		"Unauthenticated": unauth,
		"Forbidden": resp("forbidden: the role does not allow the action; plan_limit_exceeded: the plan allows no more.", map[string]any{
			"plan_limit_exceeded": map[string]any{"value": map[string]any{"type": "https://docs.dataxpipe.com/errors/plan_limit_exceeded", "title": "Plan limit exceeded",
				"status": 403, "code": "plan_limit_exceeded", "detail": "The free plan allows 3 pipelines; upgrade to team for more.", "request_id": "req_8f2c1a",
				"plan": "free", "resource": "pipelines", "limit": 3, "usage": 3, "upgrade_url": "/api/v1/billing/checkout"}}}),
		"NotFound": resp("not_found: no such object in the caller's organization.", nil),
		"TooLarge": resp("payload_too_large: the body is over 1 MiB (5 MiB decompressed for OpenLineage).", nil),
		"Invalid": resp("validation_failed: every problem of the request, by field.", map[string]any{
			"validation_failed": map[string]any{"value": map[string]any{"type": "https://docs.dataxpipe.com/errors/validation_failed", "title": "Validation failed",
				"status": 422, "code": "validation_failed", "detail": "The request has 2 problems; see errors.", "request_id": "req_8f2c1b",
				"errors": []any{map[string]any{"field": "sources[0].connection_ref", "message": "connection_ref must name a connection."},
					map[string]any{"field": "schedule", "message": "schedule must be a cron expression or a macro such as @daily."}}}}}),
		"RateLimited": resp("rate_limited: the budget is spent; wait Retry-After seconds.", nil, "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"),
		"Unavailable": resp("unavailable: a dependency is down (Retry-After says when to retry); billing_not_configured.", nil, "Retry-After"),
		"Error":       resp("Any other error, as problem+json with its code.", nil),
	}
}

func schemaRef(name string) map[string]any {
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// pipelineSpecSchemas are the JSON Schema of a pipeline definition that
// internal/spec validates with (spec.SchemaJSON, both shapes: pipeline.json
// and the YAML spec), as components: PipelineSpec and its $defs as
// PipelineSpec_<name>, the references rewritten to match. The schema closes
// its objects so that dxp spec validate can warn of typos; the API
// registers such a definition and lists the unknown keys in warnings, so
// here the objects are open.
func pipelineSpecSchemas() map[string]any {
	var root map[string]any
	if err := json.Unmarshal(spec.SchemaJSON(), &root); err != nil {
		panic("openapi: the pipeline spec schema: " + err.Error())
	}
	var rewrite func(v any) any
	rewrite = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			if v["additionalProperties"] == false { // an unknown key is a warning in the answer, not a refusal
				delete(v, "additionalProperties")
			}
			for k, x := range v {
				if s, ok := x.(string); ok && k == "$ref" {
					v[k] = "#/components/schemas/PipelineSpec_" + strings.TrimPrefix(s, "#/$defs/")
				} else {
					v[k] = rewrite(x)
				}
			}
		case []any:
			for i, x := range v {
				v[i] = rewrite(x)
			}
		}
		return v
	}
	out := map[string]any{}
	for name, def := range root["$defs"].(map[string]any) {
		out["PipelineSpec_"+name] = rewrite(def)
	}
	delete(root, "$defs")
	delete(root, "$schema")
	delete(root, "$id")
	out["PipelineSpec"] = rewrite(root)
	return out
}

func responseRef(name string) map[string]any {
	return map[string]any{"$ref": "#/components/responses/" + name}
}

// operation is the OpenAPI operation of one route.
func (set *schemaSet) operation(rt route, path string, op operation) map[string]any {
	out := map[string]any{
		"operationId": operationID(rt.method, path),
		"tags":        []string{tagOf(path)},
		"summary":     op.summary,
		"description": accessSummary(rt.need),
	}
	var ps []any
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		ps = append(ps, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	for _, p := range op.query {
		q := map[string]any{"name": p.name, "in": "query", "description": p.description, "schema": p.schema}
		if p.schema["type"] == "array" {
			q["explode"] = true
		}
		ps = append(ps, q)
	}
	if ps != nil {
		out["parameters"] = ps
	}
	if op.body != nil {
		schema := op.body.schema
		if op.body.t != nil {
			schema = set.ref(op.body.t, inRequest)
		}
		content := map[string]any{"application/json": withExample(map[string]any{"schema": schema}, op.body.example)}
		if op.yaml {
			content["application/yaml"] = map[string]any{"schema": schema}
		}
		out["requestBody"] = map[string]any{"required": false, "content": content}
	}
	switch {
	case rt.need.public:
		out["security"] = []any{}
	case rt.need.person:
		out["security"] = []any{map[string]any{"oidc": []string{}}}
	case rt.need.platform:
		out["security"] = []any{map[string]any{"apiKey": []string{}}, map[string]any{"oidc": []string{}}}
	default:
		out["security"] = []any{map[string]any{"apiKey": []string{}}, map[string]any{"bearerKey": []string{}}, map[string]any{"oidc": []string{}}}
	}
	responses := map[string]any{}
	for _, a := range op.answers {
		responses[strconv.Itoa(a.status)] = set.answer(a, !rt.need.unmetered)
	}
	inputs := op.body != nil || len(op.query) > 0
	if inputs {
		responses["400"] = responseRef("Malformed")
		responses["422"] = responseRef("Invalid")
	}
	if op.body != nil {
		responses["413"] = responseRef("TooLarge")
	}
	if !rt.need.public {
		responses["401"] = responseRef("Unauthenticated")
	}
	if !rt.need.public && !rt.need.person || rt.method == "POST" && (path == "/api/v1/pipelines/" || path == "/api/v1/connections/") {
		responses["403"] = responseRef("Forbidden")
	}
	if strings.Contains(path, "{") {
		responses["404"] = responseRef("NotFound")
		if !inputs {
			responses["422"] = responseRef("Invalid") // a path value the store cannot hold
		}
	}
	if !rt.need.unmetered {
		responses["429"] = responseRef("RateLimited")
	}
	responses["503"] = responseRef("Unavailable")
	responses["default"] = responseRef("Error")
	out["responses"] = responses
	return out
}

// answer is the response object of a success status.
func (set *schemaSet) answer(a answer, metered bool) map[string]any {
	out := map[string]any{"description": a.description}
	if metered {
		out["headers"] = rateHeaders()
	} else {
		out["headers"] = map[string]any{"X-Request-ID": headerRef("X-Request-ID")}
	}
	if a.contentType != "" {
		out["content"] = map[string]any{a.contentType: map[string]any{"schema": map[string]any{"type": "string"}}}
		return out
	}
	if len(a.types) == 1 && a.types[0] == reflect.TypeFor[none]() {
		return out
	}
	var schema map[string]any
	if len(a.types) == 1 {
		schema = set.ref(a.types[0], inAnswer)
	} else {
		var alts []any
		for _, t := range a.types {
			alts = append(alts, set.ref(t, inAnswer))
		}
		schema = map[string]any{"oneOf": alts}
	}
	content := map[string]any{"application/json": withExample(map[string]any{"schema": schema}, a.example)}
	for _, mt := range a.alts {
		content[mt] = map[string]any{"schema": map[string]any{"type": "string"}}
	}
	out["content"] = content
	return out
}

// withExample adds example to a media type object, when there is one.
func withExample(mediaType map[string]any, example any) map[string]any {
	if example != nil {
		mediaType["example"] = example
	}
	return mediaType
}

// tags are the document's tags, one per first path segment, sorted.
func tags(paths map[string]map[string]any) []any {
	seen := map[string]bool{}
	for p := range paths {
		seen[tagOf(p)] = true
	}
	var out []any
	for _, t := range slices.Sorted(maps.Keys(seen)) {
		out = append(out, map[string]any{"name": t})
	}
	return out
}

// operationID names an operation for generated clients: the method and
// the path's words in camel case (GET /api/v1/runs/{run_id} → getRunsRunId).
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		p = strings.Trim(p, "{}")
		if p == "" || p == "api" || p == "v1" {
			continue
		}
		for _, w := range strings.FieldsFunc(p, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
			b.WriteString(capitalise(w))
		}
	}
	return b.String()
}

func tagOf(path string) string {
	parts := strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/")
	if parts[0] == "" || strings.HasPrefix(path, "/healthz") || strings.HasPrefix(path, "/readyz") || strings.HasPrefix(path, "/metrics") || strings.HasPrefix(path, "/api/v1/openapi") {
		return "operations"
	}
	if strings.HasPrefix(path, "/webhooks/") {
		return "webhooks"
	}
	return parts[0]
}

func accessSummary(n need) string {
	switch {
	case n.public && n.unmetered:
		return "Public, not rate limited."
	case n.public:
		return "Public; spends the caller's per-IP budget."
	case n.platform:
		return "Platform admins."
	case n.person:
		return "A person signed in with OIDC, in an organization or not."
	default:
		return "A credential of the organization with role " + string(n.role) + " or higher."
	}
}

// OpenAPI is the OpenAPI 3.1 document of the API's routes without a server
// (the routes are the same for every server), for the UI's reference page.
func OpenAPI() map[string]any {
	s := &Server{}
	s.routes = s.routeTable()
	return s.OpenAPIDocument()
}
