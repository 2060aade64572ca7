package spec

import "testing"

func TestLineIndex(t *testing.T) {
	spec := readTestdata(t, "bad.yaml")
	flat := []byte(`{
  "name": "orders_sync",
  "sources": [
    {"id": "raw_orders",
     "type": "postgres"}
  ]
}`)
	cases := []struct {
		body []byte
		path string
		want int
	}{
		{spec, "name", 3},                        // a header field, under pipeline:
		{spec, "owner", 4},                       //
		{spec, "tags[1]", 6},                     // a list entry on the same line
		{spec, "sources[1].load_mode", 14},       //
		{spec, "sources[0].watermark_column", 9}, // missing: the entry
		{spec, "environment", 2},                 // missing header field: pipeline:
		{spec, "checks[0].severity", 31},         //
		{spec, "lineage", 2},                     // missing section: the document
		{flat, "name", 2},                        // JSON has lines too
		{flat, "sources[0].type", 5},             //
		{flat, "owner", 1},                       // missing: the object
		{[]byte("a: ["), "a", 0},                 // does not parse
	}
	for _, c := range cases {
		if got := IndexLines(c.body).Line(c.path); got != c.want {
			t.Errorf("Line(%q) = %d, want %d", c.path, got, c.want)
		}
	}
}

func TestFlatPath(t *testing.T) {
	root, err := parseYAML([]byte("pipeline: {name: x}\nsources: [{id: a}]\n'0': {'1': x}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		loc  []string
		want string
	}{
		{[]string{"pipeline", "name"}, "name"},
		{[]string{"pipeline"}, "pipeline"},
		{[]string{"sources", "0", "id"}, "sources[0].id"},
		{[]string{"0", "1"}, "0.1"}, // keys that look like indexes stay keys
	} {
		if got := flatPath(root, c.loc); got != c.want {
			t.Errorf("flatPath(%v) = %q, want %q", c.loc, got, c.want)
		}
	}
}
