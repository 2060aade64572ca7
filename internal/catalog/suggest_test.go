package catalog

import "testing"

func TestSuggest(t *testing.T) {
	known := []string{"pipeline_id", "status", "since", "until", "cursor", "limit"}
	for _, c := range []struct{ word, want string }{
		{"pipeline", "pipeline_id"}, // shortened
		{"stauts", "status"},        // transposed
		{"LIMIT", "limit"},          // case
		{"cursr", "cursor"},         // a letter missing
		{"owner", ""},               // nothing like it
		{"s", ""},                   // too short to guess from
		{"pipeline_ids", "pipeline_id"},
	} {
		if got := Suggest(c.word, known); got != c.want {
			t.Errorf("Suggest(%q) = %q, want %q", c.word, got, c.want)
		}
	}
}
