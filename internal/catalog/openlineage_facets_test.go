package catalog

import (
	"strings"
	"testing"
	"time"
)

func TestMergeDatasetFacets(t *testing.T) {
	t1, t2 := time.Unix(100, 0), time.Unix(200, 0)
	schemaA := `{"schema":{"fields":[{"name":"a"}]}}`
	schemaB := `{"schema":{"fields":[{"name":"b"}]},"lifecycleStateChange":{"lifecycleStateChange":"DROP"},"other":{"x":1}}`
	// Newest wins in either order.
	ab, _, _ := MergeDatasetFacets(nil, []byte(schemaA), t1)
	ab, _, _ = MergeDatasetFacets(ab, []byte(schemaB), t2)
	ba, _, _ := MergeDatasetFacets(nil, []byte(schemaB), t2)
	ba, changed, _ := MergeDatasetFacets(ba, []byte(schemaA), t1)
	if string(ab) != string(ba) || changed || !strings.Contains(string(ab), `"b"`) || strings.Contains(string(ab), "other") {
		t.Errorf("merge: %s vs %s (changed %v)", ab, ba, changed)
	}
	if !DatasetDropped(ab) || DatasetDropped([]byte(`{}`)) {
		t.Errorf("dropped: %v", DatasetDropped(ab))
	}
	big := `{"schema":{"fields":[{"name":"` + strings.Repeat("x", MaxDatasetFacetBytes) + `"}]}}`
	if _, changed, tooLarge := MergeDatasetFacets(nil, []byte(big), t1); changed || len(tooLarge) != 1 {
		t.Errorf("a facet too large: changed %v, %v", changed, tooLarge)
	}
	if f := DatasetFacets(ab); len(f) != 2 {
		t.Errorf("facets %v", f)
	}
}
