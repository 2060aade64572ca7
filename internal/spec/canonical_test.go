package spec

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestContentHash_IgnoresVersionAndKeyOrder(t *testing.T) {
	a := mustDecode(t, "", []byte(`{"name": "x", "version": "1", "owner": "o", "schedule": "@daily", "tags": ["a"]}`))
	b := mustDecode(t, "", []byte(`{"tags": ["a"], "schedule": "@daily", "owner": "o", "name": "x"}`))
	c := &Pipeline{Name: "x", Version: "7", Owner: "o", Schedule: "@daily", Tags: []string{"a"}}
	if a.ContentHash() != b.ContentHash() || a.ContentHash() != c.ContentHash() {
		t.Fatalf("hashes differ:\n%s\n%s\n%s", a.Canonical(), b.Canonical(), c.Canonical())
	}
	if h := a.ContentHash(); !strings.HasPrefix(h, "v1:") || len(h) != len("v1:")+64 {
		t.Fatalf("hash %q is not v1: and a hex SHA-256", h)
	}
	if strings.Contains(string(a.Canonical()), "version") {
		t.Fatalf("Canonical contains the version: %s", a.Canonical())
	}
}

func TestContentHash_ChangesWithEveryField(t *testing.T) {
	mutations := map[string]func(p *Pipeline){
		"name":                 func(p *Pipeline) { p.Name += "x" },
		"description":          func(p *Pipeline) { p.Description += "x" },
		"owner":                func(p *Pipeline) { p.Owner += "x" },
		"environment":          func(p *Pipeline) { p.Environment += "x" },
		"schedule":             func(p *Pipeline) { p.Schedule = "0 7 * * *" },
		"tags":                 func(p *Pipeline) { p.Tags = append(p.Tags, "x") },
		"source id":            func(p *Pipeline) { p.Sources[0].ID += "x" },
		"source type":          func(p *Pipeline) { p.Sources[0].Type += "x" },
		"source connection":    func(p *Pipeline) { p.Sources[0].ConnectionRef += "x" },
		"source object":        func(p *Pipeline) { p.Sources[0].Object += "x" },
		"source load_mode":     func(p *Pipeline) { p.Sources[0].LoadMode = "full" },
		"source watermark":     func(p *Pipeline) { p.Sources[0].WatermarkColumn += "x" },
		"transform id":         func(p *Pipeline) { p.Transforms[0].ID += "x" },
		"transform type":       func(p *Pipeline) { p.Transforms[0].Type += "x" },
		"transform code_ref":   func(p *Pipeline) { p.Transforms[0].CodeRef += "x" },
		"transform inputs":     func(p *Pipeline) { p.Transforms[0].Inputs = p.Transforms[0].Inputs[:1] },
		"transform outputs":    func(p *Pipeline) { p.Transforms[0].Outputs = append(p.Transforms[0].Outputs, "y") },
		"target id":            func(p *Pipeline) { p.Targets[0].ID += "x" },
		"target type":          func(p *Pipeline) { p.Targets[0].Type += "x" },
		"target connection":    func(p *Pipeline) { p.Targets[0].ConnectionRef += "x" },
		"target object":        func(p *Pipeline) { p.Targets[0].Object += "x" },
		"target write_mode":    func(p *Pipeline) { p.Targets[0].WriteMode = "append" },
		"target primary_key":   func(p *Pipeline) { p.Targets[0].PrimaryKey = append(p.Targets[0].PrimaryKey, "y") },
		"target inputs":        func(p *Pipeline) { p.Targets[0].Inputs = nil },
		"check id":             func(p *Pipeline) { p.Checks[0].ID += "x" },
		"check target":         func(p *Pipeline) { p.Checks[0].Target += "x" },
		"check type":           func(p *Pipeline) { p.Checks[0].Type = "sql" },
		"check code_ref":       func(p *Pipeline) { p.Checks[0].CodeRef += "x" },
		"check severity":       func(p *Pipeline) { p.Checks[0].Severity = "warn" },
		"lineage edge from":    func(p *Pipeline) { p.Lineage.Edges[0].From += "x" },
		"lineage edge to":      func(p *Pipeline) { p.Lineage.Edges[0].To += "x" },
		"lineage edges":        func(p *Pipeline) { p.Lineage.Edges = nil },
		"list order (sources)": func(p *Pipeline) { p.Sources = append([]Source{{ID: "z"}}, p.Sources...) },
	}
	base := example(t).ContentHash()
	seen := map[string]string{base: "base"}
	for name, mutate := range mutations {
		p := example(t)
		mutate(p)
		h := p.ContentHash()
		if prev, dup := seen[h]; dup {
			t.Fatalf("%s: hash equals the one after %s", name, prev)
		}
		seen[h] = name
	}
}

func TestContentHash_VersionOnlyChangeIsEqual(t *testing.T) {
	p := example(t)
	before := p.ContentHash()
	p.Version = NextVersion(p.Version)
	if got := p.ContentHash(); got != before {
		t.Fatalf("hash changed with the version: %s → %s", before, got)
	}
}

func TestCanonical_NilAndEmptyListsAgree(t *testing.T) {
	a := &Pipeline{Name: "x"}
	b := &Pipeline{Name: "x", Tags: []string{}, Sources: []Source{}, Lineage: Lineage{Edges: []Edge{}},
		Transforms: []Transform{{ID: "t", Inputs: []string{}}}}
	a.Transforms = []Transform{{ID: "t"}}
	if got, want := string(a.Canonical()), string(b.Canonical()); got != want {
		t.Fatalf("Canonical differs:\n%s\n%s", got, want)
	}
	for _, want := range []string{`"tags":[]`, `"checks":[]`, `"lineage":{"edges":[]}`} {
		if !strings.Contains(string(a.Canonical()), want) {
			t.Fatalf("Canonical %s lacks %s", a.Canonical(), want)
		}
	}
}

// legacyOrdersSync is the hash the orders_sync example was stored with
// before hashes carried their version (the hex SHA-256 of its v1 form).
const legacyOrdersSync = "99b7d116665cd057948193c4eb3281740573e0835564ea38d1dfca7580f75ac7"

// The v1 form never changes: pipelines are stored with it.
func TestContentHash_V1IsFrozen(t *testing.T) {
	if got, want := example(t).ContentHash(), "v1:"+legacyOrdersSync; got != want {
		t.Fatalf("ContentHash = %s, want %s; the v1 form of unchanged content changed", got, want)
	}
}

func TestSameContent_StoredHashesOfEveryForm(t *testing.T) {
	p := example(t)
	changed := example(t)
	changed.Owner += "x"
	for _, c := range []struct {
		stored string
		same   bool
	}{
		{legacyOrdersSync, true}, // stored before hashes were versioned
		{"v1:" + legacyOrdersSync, true},
		{p.ContentHash(), true},
		{changed.ContentHash(), false},
		{"v1:" + legacyOrdersSync[1:], false},
		{"v9:" + legacyOrdersSync, false}, // a newer build's algorithm
		{"", false},
		{"v1:", false},
	} {
		if got := p.SameContent(c.stored); got != c.same {
			t.Errorf("SameContent(%q) = %v, want %v", c.stored, got, c.same)
		}
	}
	if changed.SameContent(legacyOrdersSync) {
		t.Error("changed content compares equal to the stored legacy hash")
	}
}

// A new algorithm turns no stored pipeline into a changed one: content
// stored under v1 still compares equal, and a real change still shows.
func TestSameContent_NewAlgorithmKeepsStoredContentEqual(t *testing.T) {
	stored := example(t).ContentHash()
	// v2 here also sorts tags, as a later algorithm might normalise.
	v2 := func(p *Pipeline) []byte {
		c := *p
		c.Tags = slices.Sorted(slices.Values(p.Tags))
		return append([]byte("v2"), canonicalV1(&c)...)
	}
	defer func(saved []hashAlgorithm) { hashAlgorithms = saved }(hashAlgorithms)
	hashAlgorithms = append(slices.Clip(hashAlgorithms), hashAlgorithm{"v2", v2})

	p := example(t)
	if h := p.ContentHash(); !strings.HasPrefix(h, "v2:") || h == stored {
		t.Fatalf("ContentHash = %s under v2", h)
	}
	if !p.SameContent(stored) || !p.SameContent(legacyOrdersSync) {
		t.Fatal("unchanged content stored under v1 compares as changed once v2 is current")
	}
	if !p.SameContent(p.ContentHash()) {
		t.Fatal("content does not equal its own v2 hash")
	}
	p.Schedule = "@hourly"
	if p.SameContent(stored) {
		t.Fatal("changed content compares equal to its v1 hash")
	}
}

// v1 encodes the whole Pipeline, so a field added later must be omitempty
// (absent encodes as nothing, as before) or come with a new algorithm that
// v1 zeroes it for. These are the fields v1 encodes even when empty.
func TestCanonicalV1_FieldsAreFrozen(t *testing.T) {
	frozen := map[string][]string{
		"Pipeline":  {"name", "owner", "schedule", "tags", "sources", "transforms", "targets", "checks", "lineage"},
		"Source":    {"id", "type"},
		"Transform": {"id", "type"},
		"Target":    {"id", "type"},
		"Check":     {"id", "target"},
		"Lineage":   {"edges"},
		"Edge":      {"from", "to"},
	}
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(typ reflect.Type) {
		for typ.Kind() == reflect.Slice || typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] {
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			f := typ.Field(i)
			if !f.IsExported() {
				continue
			}
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !strings.Contains(opts, "omitempty") && !slices.Contains(frozen[typ.Name()], name) {
				t.Errorf("%s.%s (json %q) is not omitempty: v1 would encode it for content stored without it; make it omitempty or add a hash algorithm (canonical.go)", typ.Name(), f.Name, name)
			}
			walk(f.Type)
		}
	}
	walk(reflect.TypeFor[Pipeline]())
}
