package openlineage

import (
	"bytes"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// specSchema is the real OpenLineage JSON Schema from ../shared: the event
// schema and the standard facet schemas. The event schema checks only what
// every facet has in common, so each facet is also checked against its
// own schema, found by the core facet type it extends (RunFacet, JobFacet,
// DatasetFacet, InputDatasetFacet, OutputDatasetFacet) and its name.
type specSchema struct {
	event  *jsonschema.Schema
	facets map[string]map[string][]*jsonschema.Schema // type → name → schemas
}

var (
	specMu    sync.Mutex
	specCache = map[bool]*specSchema{}
)

// loadSpec compiles the spec once per mode. strict asserts "format"
// (date-time, uuid, uri), which JSON Schema 2020-12 treats as an annotation
// by default; our own fixtures must pass strict, producers' events at
// least the default.
func loadSpec(t testing.TB, strict bool) *specSchema {
	t.Helper()
	dir := filepath.Join(sharedDir(t), "spec")
	specMu.Lock()
	defer specMu.Unlock()
	if s := specCache[strict]; s != nil {
		return s
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(noNetwork{})
	if strict {
		c.AssertFormat()
	}
	files, _ := filepath.Glob(filepath.Join(dir, "facets", "*.json"))
	if len(files) == 0 {
		t.Fatalf("no facet schemas in %s/facets", dir)
	}
	type facetFile struct {
		id    string
		names []string // the root's properties: the facet names it defines
		types []string
	}
	var facetFiles []facetFile
	for _, file := range append([]string{filepath.Join(dir, "OpenLineage.json")}, files...) {
		raw := readFile(t, file)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		root, _ := doc.(map[string]any)
		id, _ := root["$id"].(string)
		if err := c.AddResource(id, doc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		props, _ := root["properties"].(map[string]any)
		if file != filepath.Join(dir, "OpenLineage.json") {
			f := facetFile{id, slices.Collect(maps.Keys(props)), facetTypes(raw)}
			if len(f.names) == 0 || len(f.types) == 0 {
				t.Fatalf("%s: cannot tell which facet it defines or where it goes", file)
			}
			facetFiles = append(facetFiles, f)
		}
	}
	s := &specSchema{
		event:  compile(t, c, "https://openlineage.io/spec/2-0-2/OpenLineage.json"),
		facets: map[string]map[string][]*jsonschema.Schema{},
	}
	for _, f := range facetFiles {
		for _, name := range f.names {
			// The property's schema, not the root: some roots require
			// their facet (BaseSubsetDatasetFacet requires "subset").
			sch := compile(t, c, f.id+"#/properties/"+name)
			for _, typ := range f.types {
				if s.facets[typ] == nil {
					s.facets[typ] = map[string][]*jsonschema.Schema{}
				}
				s.facets[typ][name] = append(s.facets[typ][name], sch)
			}
		}
	}
	specCache[strict] = s
	return s
}

var coreFacetRef = regexp.MustCompile(`OpenLineage\.json#/\$defs/(\w+Facet)"`)

// facetTypes returns the core facet types a facet schema extends. A run
// facet may mention JobFacet for the jobs it nests (ParentRunFacet); it is
// still only a run facet.
func facetTypes(raw []byte) []string {
	seen := map[string]bool{}
	var types []string
	for _, m := range coreFacetRef.FindAllSubmatch(raw, -1) {
		if typ := string(m[1]); !seen[typ] {
			seen[typ] = true
			types = append(types, typ)
		}
	}
	if seen["RunFacet"] {
		return []string{"RunFacet"}
	}
	return types
}

func compile(t testing.TB, c *jsonschema.Compiler, id string) *jsonschema.Schema {
	t.Helper()
	sch, err := c.Compile(id)
	if err != nil {
		t.Fatalf("compile %s: %v", id, err)
	}
	return sch
}

// noNetwork refuses every schema not added from ../shared: the $ids point
// at openlineage.io, and tests must not depend on it.
type noNetwork struct{}

func (noNetwork) Load(url string) (any, error) {
	return nil, fmt.Errorf("%s is not in ../shared/openlineage/spec and is never fetched", url)
}
