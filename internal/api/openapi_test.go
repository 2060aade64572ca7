package api_test

import (
	"encoding/json"
	"strings"
	"testing"
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
