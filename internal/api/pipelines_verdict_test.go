package api_test

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/spec"
)

// An input that names nothing declared but is a near-miss of a declared
// dataset is a typo (it would register a phantom dataset), refused with a
// "did you mean"; a far one is an external dataset, as API.md's example
// reads dim_customers.
func TestPipelines_NearMissInputIsRefused(t *testing.T) {
	e := sqliteEnv(t)
	typo := strings.Replace(pipelineJSON("orders_sync", "1"), `"inputs":["raw_orders"]`, `"inputs":["raw_order","dim_customers"]`, 1)
	r := e.do("POST", "/api/v1/pipelines/", "dev-key", typo).expect(422)
	if f := problemFields(t, r); !slices.Equal(f, []string{"transforms[0].inputs[0]"}) {
		t.Fatalf("fields %v\n%s", f, r.Body.String())
	}
	if msg := problemMessages(t, r); !strings.Contains(msg, "did you mean raw_orders?") {
		t.Fatalf("message %q", msg)
	}
	e.do("GET", "/api/v1/datasets/raw_order", "dev-key", "").expect(404) // no phantom
	// Listed under external, the same name is taken as meant.
	listed := strings.Replace(typo, `"checks":`, `"external":["raw_order","dim_customers"],"checks":`, 1)
	e.do("POST", "/api/v1/pipelines/", "dev-key", listed).expect(201)
}

// Unknown fields are ignored on pipeline.json (API.md), but named in the
// answer's warnings with the field they most likely meant.
func TestPipelines_UnknownFieldsAreWarnings(t *testing.T) {
	e := sqliteEnv(t)
	body := strings.Replace(pipelineJSON("orders_sync", "1"), `"severity":"warn"`, `"severity":"warn","sevrity":"error"`, 1)
	body = strings.Replace(body, `{"name":`, `{"generator":"dxp 1.0","name":`, 1)
	m := e.do("POST", "/api/v1/pipelines/", "dev-key", body).expect(201).json()
	var fields []string
	for _, w := range m["warnings"].([]any) {
		w := w.(map[string]any)
		fields = append(fields, w["field"].(string))
		if w["field"] == "checks[0].sevrity" && !strings.Contains(w["message"].(string), "did you mean severity?") {
			t.Fatalf("warning %v", w)
		}
	}
	// Top-level metadata of a generated pipeline.json is no typo; the
	// connection_ref warning is the one of connection_warnings.go.
	if !slices.Equal(fields, []string{"sources[0].connection_ref", "checks[0].sevrity"}) {
		t.Fatalf("warnings %v", m["warnings"])
	}
}

// The server and `dxp spec validate` give one verdict on a file: the same
// errors, in the same order, for every example (spec.CheckDefinition).
func TestPipelines_SameVerdictAsTheCLI(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", "business") // every valid example registers
	paths, _ := filepath.Glob("../../examples/invalid/*")
	more, _ := filepath.Glob("../../examples/*.yaml")
	paths = append(paths, more...)
	if len(paths) < 5 {
		t.Fatalf("examples not found: %v", paths)
	}
	for _, path := range paths {
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ct := "application/yaml"
		if filepath.Ext(path) == ".json" {
			ct = "application/json"
		}
		_, problems, err := spec.CheckDefinition(ct, body)
		errs, _ := spec.SplitWarnings(problems)
		r := e.do("POST", "/api/v1/pipelines/", key, string(body), "Content-Type", ct)
		switch {
		case err != nil:
			r.expect(http.StatusBadRequest)
		case len(errs) > 0:
			r.expect(http.StatusUnprocessableEntity)
			var got, want []string
			for _, e := range r.json()["errors"].([]any) {
				e := e.(map[string]any)
				got = append(got, e["field"].(string)+": "+e["message"].(string))
			}
			for _, p := range errs {
				want = append(want, p.Field+": "+p.Message)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: server says\n%s\nthe CLI says\n%s", path, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		default:
			if r.Code != 201 && r.Code != 200 {
				t.Errorf("%s: status %d, the CLI finds no error: %s", path, r.Code, r.Body.String())
			}
		}
	}
}
