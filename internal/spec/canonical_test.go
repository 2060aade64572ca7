package spec

import (
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
	if got, want := len(a.ContentHash()), 64; got != want {
		t.Fatalf("hash length = %d, want %d", got, want)
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
