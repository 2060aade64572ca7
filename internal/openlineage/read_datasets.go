package openlineage

import (
	"slices"
	"strconv"
)

// datasets reads the inputs or outputs array. ioFacets is the key of the
// facets only that side has: inputFacets or outputFacets.
func (r *reader) datasets(m map[string]any, key, ioFacets string) []Dataset {
	items := r.array(m, "", key, optional)
	if items == nil {
		return nil
	}
	out := make([]Dataset, 0, len(items))
	for i, item := range items {
		path := at("/"+key, strconv.Itoa(i))
		if d := r.asObject(item, path, "each entry of "+key); d != nil {
			out = append(out, r.dataset(d, path, ioFacets))
		}
	}
	return out
}

// dataset reads one dataset. The spec requires namespace and name; the
// catalog also needs a name to find or create the lineage node. ioFacets is
// "" for a DatasetEvent's dataset.
func (r *reader) dataset(d map[string]any, path, ioFacets string) Dataset {
	ds := Dataset{
		Namespace: r.str(d, path, "namespace", required),
		Name:      r.str(d, path, "name", nonEmpty),
	}
	f, raw := r.facets(d, path, "facets")
	ds.Facets = raw
	if s := facet(f, "schema"); s != nil {
		ds.Schema = r.schemaFields(s, at(at(path, "facets"), "schema"))
	}
	// The spec puts dataQualityAssertions among an input's inputFacets, but
	// Airflow's example and dbt put it among the dataset's facets: both
	// count, each assertion once.
	if a := facet(f, "dataQualityAssertions"); a != nil {
		ds.Assertions = r.assertions(a, at(at(path, "facets"), "dataQualityAssertions"))
	}
	if sl := facet(f, "symlinks"); sl != nil {
		p := at(at(path, "facets"), "symlinks")
		ds.Symlinks = objects(r, sl, p, "identifiers", optional, "each identifier", func(m map[string]any, ip string) Symlink {
			return Symlink{Namespace: r.str(m, ip, "namespace", nonEmpty), Name: r.str(m, ip, "name", nonEmpty), Type: r.str(m, ip, "type", optional)}
		})
	}
	switch ioFacets {
	case "inputFacets":
		f, ds.InputFacets = r.facets(d, path, ioFacets)
		if a := facet(f, "dataQualityAssertions"); a != nil {
			for _, x := range r.assertions(a, at(at(path, ioFacets), "dataQualityAssertions")) {
				if !slices.Contains(ds.Assertions, x) {
					ds.Assertions = append(ds.Assertions, x)
				}
			}
		}
	case "outputFacets":
		f, ds.OutputFacets = r.facets(d, path, ioFacets)
		if s := facet(f, "outputStatistics"); s != nil {
			p := at(at(path, ioFacets), "outputStatistics")
			ds.Statistics = &OutputStatistics{
				RowCount:  r.integer(s, p, "rowCount"),
				Size:      r.integer(s, p, "size"),
				FileCount: r.integer(s, p, "fileCount"),
			}
		}
	}
	return ds
}

// assertions reads the dataQualityAssertions facet at path.
func (r *reader) assertions(facet map[string]any, path string) []Assertion {
	return objects(r, facet, path, "assertions", required, "each assertion", func(a map[string]any, p string) Assertion {
		return Assertion{
			Assertion: r.str(a, p, "assertion", nonEmpty),
			Success:   r.boolean(a, p, "success", required),
			Column:    r.str(a, p, "column", optional),
			Severity:  r.str(a, p, "severity", optional),
			Name:      r.str(a, p, "name", optional),
			Expected:  r.str(a, p, "expected", optional),
			Actual:    r.str(a, p, "actual", optional),
		}
	})
}

// schemaFields reads the fields of a schema facet, or of a nested struct
// field, at path. The decoder's depth limit bounds the recursion.
func (r *reader) schemaFields(s map[string]any, path string) []SchemaField {
	return objects(r, s, path, "fields", optional, "each field", func(f map[string]any, p string) SchemaField {
		return SchemaField{
			Name:        r.str(f, p, "name", required),
			Type:        r.str(f, p, "type", optional),
			Description: r.str(f, p, "description", optional),
			Fields:      r.schemaFields(f, p),
		}
	})
}
