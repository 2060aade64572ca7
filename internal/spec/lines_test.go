package spec

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestDecodeFile_YAMLLineNumbers pins every problem of testdata/bad.yaml to
// its line: the offending key or entry, or the mapping a missing field
// belongs in.
func TestDecodeFile_YAMLLineNumbers(t *testing.T) {
	p, problems, err := DecodeFile("testdata/bad.yaml")
	if err != nil || problems != nil {
		t.Fatalf("DecodeFile: %v %+v", err, problems)
	}
	type at struct {
		field string
		line  int
	}
	want := []at{
		{"name", 3},
		{"schedule", 5},
		{"tags[1]", 6},
		{"sources[0].watermark_column", 9}, // missing: the entry's line
		{"sources[1].id", 12},
		{"sources[1].load_mode", 14},
		{"transforms[0].inputs[1]", 19},
		{"targets[0].primary_key", 23}, // missing: the entry's line
		{"checks[0].target", 30},
		{"checks[0].severity", 31},
	}
	var got []at
	for _, pr := range p.Validate() {
		got = append(got, at{pr.Field, pr.Line})
	}
	if !slices.Equal(got, want) {
		t.Fatalf("problems =\n%v\nwant\n%v", got, want)
	}
}

func TestDecode_YAMLMissingHeaderFieldPointsAtPipeline(t *testing.T) {
	body := "# comment\nsources: []\npipeline:\n  name: x\n  schedule: '@daily'\n"
	p := mustDecode(t, "application/yaml", []byte(body))
	got := p.Validate()
	if len(got) != 1 || got[0].Field != "owner" {
		t.Fatalf("Validate = %+v, want one problem at owner", got)
	}
	if got, want := got[0].Line, 3; got != want {
		t.Fatalf("Line = %d, want %d (the pipeline: line)", got, want)
	}
}

func TestDecode_YAMLFlatMissingFieldPointsAtRoot(t *testing.T) {
	p := mustDecode(t, "application/yaml", []byte("\n\nname: x\nschedule: '@daily'\n"))
	got := p.Validate()
	if len(got) != 1 || got[0].Field != "owner" || got[0].Line != 3 {
		t.Fatalf("Validate = %+v, want owner at line 3", got)
	}
}

func TestDecode_YAMLDecodeProblemsCarryLines(t *testing.T) {
	body := "pipeline:\n  name: x\n  organization_id: acme\nsources:\n  - id: a\n    type: [pg]\n"
	_, problems, err := Decode("application/yaml", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{
		{Field: "organization_id", Line: 3},
		{Field: "sources[0].type", Line: 6},
	}
	if len(problems) != len(want) {
		t.Fatalf("problems = %+v, want %d", problems, len(want))
	}
	for i, w := range want {
		if problems[i].Field != w.Field || problems[i].Line != w.Line {
			t.Fatalf("problem %d = %+v, want field %s at line %d", i, problems[i], w.Field, w.Line)
		}
	}
}

func TestDecode_YAMLCycleReportedAtLineage(t *testing.T) {
	body := "name: x\nowner: o\nschedule: '@daily'\nlineage:\n  edges:\n    - {from: a, to: b}\n    - {from: b, to: a}\n"
	p := mustDecode(t, "application/yaml", []byte(body))
	got := p.Validate()
	if len(got) != 1 || got[0].Field != "lineage" || got[0].Line != 4 {
		t.Fatalf("Validate = %+v, want a cycle at lineage, line 4", got)
	}
}

func TestDecodeFile_JSONByExtension(t *testing.T) {
	p, problems, err := DecodeFile("testdata/orders_sync.spec.json")
	if err != nil || problems != nil {
		t.Fatalf("DecodeFile: %v %+v", err, problems)
	}
	if got, want := p.ContentHash(), example(t).ContentHash(); got != want {
		t.Fatalf("ContentHash = %s, want %s", got, want)
	}
}

func TestDecodeFile_MalformedNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "broken.yaml")
	if err := os.WriteFile(path, []byte("pipeline: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := DecodeFile(path)
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "broken.yaml") {
		t.Fatalf("err = %v, want ErrMalformed naming the file", err)
	}
}

func TestDecode_YAMLAliasReportedWhereUsed(t *testing.T) {
	body := "defaults: &d [x]\nsources:\n  - *d\n"
	_, problems, err := Decode("application/yaml", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || problems[0].Field != "sources[0]" || problems[0].Line != 3 {
		t.Fatalf("problems = %+v, want sources[0] at line 3", problems)
	}
}
