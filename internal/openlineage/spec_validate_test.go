package openlineage

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// validate checks one event (JSON text) against the event schema and its
// facet maps against the facet schemas, and joins every error.
func (s *specSchema) validate(event []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(event))
	if err != nil {
		return err
	}
	errs := []error{s.event.Validate(doc)}
	for _, fm := range facetMaps(doc) {
		for name, value := range fm.value {
			for _, sch := range s.facets[fm.typ][name] {
				if err := sch.Validate(value); err != nil {
					errs = append(errs, fmt.Errorf("%s/%s: %w", fm.path, name, err))
				}
			}
		}
	}
	return errors.Join(errs...)
}

type facetMap struct {
	path, typ string
	value     map[string]any
}

// facetMaps finds the facet maps of an event and their core facet type.
func facetMaps(doc any) []facetMap {
	var out []facetMap
	add := func(parent any, path, key, typ string) {
		if m, ok := parent.(map[string]any); ok {
			if f, ok := m[key].(map[string]any); ok {
				out = append(out, facetMap{path + "/" + key, typ, f})
			}
		}
	}
	m, _ := doc.(map[string]any)
	add(m["run"], "/run", "facets", "RunFacet")
	add(m["job"], "/job", "facets", "JobFacet")
	add(m["dataset"], "/dataset", "facets", "DatasetFacet")
	for _, side := range []struct{ key, facets, typ string }{
		{"inputs", "inputFacets", "InputDatasetFacet"},
		{"outputs", "outputFacets", "OutputDatasetFacet"},
	} {
		items, _ := m[side.key].([]any)
		for i, d := range items {
			p := "/" + side.key + "/" + strconv.Itoa(i)
			add(d, p, "facets", "DatasetFacet")
			add(d, p, side.facets, side.typ)
		}
	}
	return out
}

// fixtureEvents reads a testdata file: one event, or a JSON array of them.
func fixtureEvents(t testing.TB, path string) [][]byte {
	t.Helper()
	raw := readFile(t, path)
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
		items, err := ParseBatch(raw)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out := make([][]byte, len(items))
		for i, it := range items {
			out[i] = it
		}
		return out
	}
	return [][]byte{raw}
}
