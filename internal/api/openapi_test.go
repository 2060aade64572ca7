package api_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestOpenAPI_CoversEveryRoute keeps the document in step with the routes.
func TestOpenAPI_CoversEveryRoute(t *testing.T) {
	e := sqliteEnv(t)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(e.do("GET", "/api/v1/openapi.json", "", "").expect(200).Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi = %q", doc.OpenAPI)
	}
	n := 0
	for _, rt := range e.srv.Routes() {
		path := strings.TrimSuffix(rt.Path, "{$}")
		if _, ok := doc.Paths[path][strings.ToLower(rt.Method)]; !ok {
			t.Errorf("%s %s is missing from openapi.json", rt.Method, path)
		}
		n++
	}
	ops := 0
	for _, p := range doc.Paths {
		ops += len(p)
	}
	if ops != n {
		t.Errorf("openapi.json has %d operations for %d routes", ops, n)
	}
}

// openAPIJSON is the served document.
func openAPIJSON(t *testing.T) []byte {
	t.Helper()
	return sqliteEnv(t).do("GET", "/api/v1/openapi.json", "", "").expect(200).Body.Bytes()
}

// TestOpenAPI_DocumentIsValid lints the document against the OpenAPI 3.1
// schema (libopenapi-validator's ValidateDocument) and builds its model,
// which resolves every $ref.
func TestOpenAPI_DocumentIsValid(t *testing.T) {
	doc, err := libopenapi.NewDocument(openAPIJSON(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := doc.BuildV3Model(); err != nil {
		t.Fatalf("the document does not build: %v", err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if ok, errs := v.ValidateDocument(); !ok {
		t.Fatalf("the document is not valid OpenAPI 3.1:\n%s", strings.Join(describe(errs), "\n"))
	}
}

// TestOpenAPI_LintCanFail: the linter of TestOpenAPI_DocumentIsValid
// refuses a document with an operation that answers nothing.
func TestOpenAPI_LintCanFail(t *testing.T) {
	doc, err := libopenapi.NewDocument([]byte(`{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
		"paths": {"/x": {"get": {"responses": "none"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := validator.NewValidator(doc)
	if ok, _ := v.ValidateDocument(); ok {
		t.Fatal("a broken document passes the lint")
	}
}

// compiledDoc compiles schemas found at JSON pointers of the document, with
// JSON Schema 2020-12 as OpenAPI 3.1 uses it.
func compiledDoc(t *testing.T, raw []byte) func(pointer string) *jsonschema.Schema {
	t.Helper()
	whole, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("openapi.json", whole); err != nil {
		t.Fatal(err)
	}
	return func(pointer string) *jsonschema.Schema {
		t.Helper()
		s, err := c.Compile("openapi.json#" + pointer)
		if err != nil {
			t.Fatalf("schema at %s: %v", pointer, err)
		}
		return s
	}
}

// TestOpenAPI_ExamplesMatchTheirSchemas validates every example of the
// document against the schema beside it.
func TestOpenAPI_ExamplesMatchTheirSchemas(t *testing.T) {
	raw := openAPIJSON(t)
	compile := compiledDoc(t, raw)
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	var walk func(v any, pointer string)
	walk = func(v any, pointer string) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		if _, hasSchema := m["schema"]; hasSchema {
			var examples []any
			if ex, ok := m["example"]; ok {
				examples = append(examples, ex)
			}
			if exs, ok := m["examples"].(map[string]any); ok {
				for _, ex := range exs {
					examples = append(examples, ex.(map[string]any)["value"])
				}
			}
			for _, ex := range examples {
				n++
				if err := compile(pointer + "/schema").Validate(roundTrip(t, ex)); err != nil {
					t.Errorf("the example at %s does not match its schema: %v", pointer, err)
				}
			}
		}
		for k, x := range m {
			walk(x, pointer+"/"+strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1"))
		}
	}
	walk(doc, "")
	if n < 5 {
		t.Fatalf("checked %d examples; the document has lost some", n)
	}
}

// roundTrip is v as the validator reads JSON (numbers as json.Number).
func roundTrip(t *testing.T, v any) any {
	t.Helper()
	b, _ := json.Marshal(v)
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestOpenAPI_AnswersAreClosed: an answer with a field the document does
// not have, or without one it requires, fails its schema, which is what
// makes the suite-wide validation catch a view that drifted.
func TestOpenAPI_AnswersAreClosed(t *testing.T) {
	run := compiledDoc(t, openAPIJSON(t))("/components/schemas/Run")
	good := map[string]any{"run_id": "run-20260607-001", "pipeline_id": "p", "status": "running", "started_at": "2026-06-07T06:00:00Z",
		"finished_at": nil, "duration_seconds": nil, "checks_failed": false, "error": nil, "attributes": map[string]any{},
		"created_at": "2026-06-07T06:00:00Z", "updated_at": "2026-06-07T06:00:00Z"}
	if err := run.Validate(roundTrip(t, good)); err != nil {
		t.Fatalf("a run: %v", err)
	}
	extra := maps.Clone(good)
	extra["undocumented"] = 1
	missing := maps.Clone(good)
	delete(missing, "status")
	badEnum := maps.Clone(good)
	badEnum["status"] = "exploded"
	for name, v := range map[string]any{"an extra field": extra, "a missing field": missing, "a status outside the enum": badEnum} {
		if run.Validate(roundTrip(t, v)) == nil {
			t.Errorf("a run with %s passes the schema", name)
		}
	}
}
