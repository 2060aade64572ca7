package catalog

import (
	"encoding/json"
	"strings"
	"time"
)

// KeptDatasetFacets are the dataset facets the catalog keeps and shows on
// the dataset. Others stay in the raw events only.
var KeptDatasetFacets = []string{"schema", "documentation", "ownership", "dataSource", "columnLineage", "lifecycleStateChange"}

// MaxDatasetFacetBytes bounds one kept facet: a wider one (a schema of
// thousands of columns) is not kept, and the event says so in a warning.
const MaxDatasetFacetBytes = 64 << 10

// storedFacet is one kept facet with the time of the event that said it.
type storedFacet struct {
	At    time.Time       `json:"at"`
	Facet json.RawMessage `json:"facet"`
}

// MergeDatasetFacets merges the kept facets of an event's dataset (facets,
// the dataset's facets object) at the event's time into cur, the stored
// ones: per facet, the newest event wins (on a tie the greater JSON), so
// any delivery order keeps the same. It returns the merged object, whether
// it changed, and the names of facets too large to keep.
func MergeDatasetFacets(cur, facets json.RawMessage, at time.Time) (json.RawMessage, bool, []string) {
	var in map[string]json.RawMessage
	if len(facets) == 0 || json.Unmarshal(facets, &in) != nil {
		return cur, false, nil
	}
	stored := map[string]storedFacet{}
	_ = json.Unmarshal(cur, &stored) // none, or unreadable: start anew
	at = KeepTime(at)
	changed := false
	var tooLarge []string
	for _, name := range KeptDatasetFacets {
		f, ok := in[name]
		if !ok || string(f) == "null" {
			continue
		}
		if len(f) > MaxDatasetFacetBytes {
			tooLarge = append(tooLarge, name)
			continue
		}
		old, had := stored[name]
		if had && (old.At.After(at) || (old.At.Equal(at) && string(old.Facet) >= string(f))) {
			continue
		}
		stored[name], changed = storedFacet{At: at, Facet: f}, true
	}
	if !changed {
		return cur, false, tooLarge
	}
	b, _ := json.Marshal(stored) // raw JSON and times always encode
	return b, true, tooLarge
}

// DatasetFacets reads stored facets: each kept facet as it was said.
func DatasetFacets(stored json.RawMessage) map[string]json.RawMessage {
	var m map[string]storedFacet
	if json.Unmarshal(stored, &m) != nil || len(m) == 0 {
		return nil
	}
	out := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		out[k] = v.Facet
	}
	return out
}

// DatasetDropped reports whether the newest lifecycleStateChange facet of
// the stored facets says DROP.
func DatasetDropped(stored json.RawMessage) bool {
	f := DatasetFacets(stored)["lifecycleStateChange"]
	var l struct {
		State string `json:"lifecycleStateChange"`
	}
	return json.Unmarshal(f, &l) == nil && strings.EqualFold(l.State, "DROP")
}
