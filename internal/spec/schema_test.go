package spec

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

// schemaAt is a problem's field and line, what the schema tests compare.
type schemaAt struct {
	field string
	line  int
}

func schemaProblems(t *testing.T, contentType, body string) []schemaAt {
	t.Helper()
	problems, err := CheckSchema(contentType, []byte(body))
	if err != nil {
		t.Fatalf("CheckSchema: %v", err)
	}
	var out []schemaAt
	for _, p := range problems {
		out = append(out, schemaAt{p.Field, p.Line})
		if !strings.HasSuffix(p.Message, ".") && !strings.HasSuffix(p.Message, "?") {
			t.Errorf("message is not a sentence: %q", p.Message)
		}
	}
	return out
}

func TestSchemaJSON_IsAValidDocument(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(SchemaJSON(), &doc); err != nil || doc["$schema"] == nil {
		t.Fatalf("SchemaJSON: %v", err)
	}
	compiledSchema() // panics if it does not compile
}

func TestCheckSchema_AcceptsEveryShapeOfTheExample(t *testing.T) {
	for name, ct := range map[string]string{"orders_sync.yaml": "application/yaml", "orders_sync.json": "application/json",
		"orders_sync.spec.json": "application/json"} {
		if got := schemaProblems(t, ct, string(readTestdata(t, name))); got != nil {
			t.Errorf("%s: %v", name, got)
		}
	}
}

func TestCheckSchema_ReportsAtTheFieldWithLines(t *testing.T) {
	got := schemaProblems(t, "application/yaml", string(readTestdata(t, "bad.yaml")))
	// The same places as Validate for what both check (see lines_test.go).
	want := []schemaAt{{"name", 3}, {"sources[0].watermark_column", 9}, {"sources[1].load_mode", 14},
		{"targets[0].primary_key", 23}, {"checks[0].severity", 31}}
	if !slices.Equal(got, want) {
		t.Fatalf("problems = %v\nwant       %v", got, want)
	}
}

func TestCheckSchema_UnknownFields(t *testing.T) {
	body := "pipeline:\n  name: x\n  owner: o\n  schedule: '@daily'\n  x-team: data\n" +
		"sources:\n  - id: a\n    type: s3\n    conection_ref: s3-prod\n    frobnicate: 1\n"
	problems, err := CheckSchema("application/yaml", []byte(body))
	if err != nil || len(problems) != 2 {
		t.Fatalf("CheckSchema = %+v, %v; want 2 problems (x- extensions are allowed)", problems, err)
	}
	if p := problems[0]; p.Field != "sources[0].conection_ref" || p.Line != 9 || !strings.HasSuffix(p.Message, "did you mean connection_ref?") {
		t.Errorf("typo: %+v", p)
	}
	if p := problems[1]; p.Field != "sources[0].frobnicate" || !strings.Contains(p.Message, "use connection_ref, id, load_mode") {
		t.Errorf("unknown field: %+v", p)
	}
}

func TestCheckSchema_ReadsValuesAsDecodeDoes(t *testing.T) {
	// YAML scalars are text, and null is absent, as Decode reads them.
	body := "pipeline:\n  name: x\n  version: 1.0\n  environment: no\n  description: ~\n  owner: ~\n  schedule: '@daily'\n"
	if got, want := schemaProblems(t, "application/yaml", body), []schemaAt{{"owner", 6}}; !slices.Equal(got, want) {
		t.Fatalf("problems = %v, want %v", got, want)
	}
	// JSON types are explicit; generated pipeline.json may carry metadata.
	body = `{"name": "x", "version": 1, "owner": "o", "schedule": "@daily", "generated_at": "2026-01-01",
	  "sources": [{"id": "a", "type": "s3", "note": "?"}]}`
	if got, want := schemaProblems(t, "application/json", body), []schemaAt{{"version", 1}, {"sources[0].note", 2}}; !slices.Equal(got, want) {
		t.Fatalf("problems = %v, want %v", got, want)
	}
}

func TestCheckSchema_Malformed(t *testing.T) {
	for _, body := range []string{"", "[1, 2]", "a: [", "{"} {
		if _, err := CheckSchema("application/yaml", []byte(body)); !errors.Is(err, ErrMalformed) {
			t.Errorf("CheckSchema(%q) = %v, want ErrMalformed", body, err)
		}
	}
}
