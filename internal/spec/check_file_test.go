package spec

import (
	"errors"
	"fmt"
	"testing"
)

// problemLines renders problems as "line field: message" for comparison.
func problemLines(ps []Problem) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%d %s", p.Line, p.Field))
	}
	return out
}

func TestCheckDefinition_ValidDefinitionsInEveryShape(t *testing.T) {
	for _, tc := range []struct{ name, ct string }{
		{"orders_sync.json", "application/json"},
		{"orders_sync.spec.json", "application/json"},
		{"orders_sync.yaml", "application/yaml"},
	} {
		p, problems, err := CheckDefinition(tc.ct, readTestdata(t, tc.name))
		if err != nil || len(problems) != 0 || p == nil || p.Name != "orders_sync" {
			t.Errorf("%s: %v, %+v, %v", tc.name, p, problems, err)
		}
	}
}

// Both passes run and meet at the field: a schema problem the semantic pass
// also reports is shown once, in the semantic wording; one only the schema
// sees (an unknown field) is added; JSON problems get lines too.
func TestCheckDefinition_MergesSchemaAndSemanticProblems(t *testing.T) {
	body := []byte(`{
  "name": "orders",
  "schedule": "@daily",
  "sources": [
    {"id": "raw", "type": "postgres", "object": "o", "load_mode": "incremental", "watermark": "x"}
  ],
  "transforms": [{"id": "t", "type": "sql", "inputs": ["raw"], "outputs": ["clean"], "sql": "select 1"}]
}`)
	p, problems, err := CheckDefinition("application/json", body)
	if err != nil || p == nil {
		t.Fatalf("CheckDefinition: %v, %v", p, err)
	}
	got := problemLines(problems)
	want := []string{"1 owner", "5 sources[0].watermark_column", "5 sources[0].watermark"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("problems = %v\nwant       %v\n%+v", got, want, problems)
	}
	if problems[0].Message == "owner is required." {
		t.Fatalf("the owner problem is the schema's wording, not the semantic one: %q", problems[0].Message)
	}
}

// A value of the wrong type hides what the schema says beneath it: the
// user fixes the type first.
func TestCheckDefinition_WrongTypeHidesTheSchemaBelowIt(t *testing.T) {
	body := []byte("name: orders\nowner: a@b.c\nschedule: \"@daily\"\nsources: [just-a-string]\n")
	_, problems, err := CheckDefinition("application/yaml", body)
	if err != nil {
		t.Fatal(err)
	}
	if got := problemLines(problems); fmt.Sprint(got) != "[4 sources[0]]" {
		t.Fatalf("problems = %v (%+v)", got, problems)
	}
}

func TestCheckDefinition_MalformedGivesTheParsersLine(t *testing.T) {
	for _, tc := range []struct {
		ct, body string
		line     int
	}{
		{"application/yaml", "name: a\nowner: b\n  bad: : x\n", 3},
		{"application/json", "{\n  \"name\": \"a\",\n  \"owner\" \"b\"\n}", 3},
		{"application/json", "[1, 2]", 0},
	} {
		p, problems, err := CheckDefinition(tc.ct, []byte(tc.body))
		if !errors.Is(err, ErrMalformed) || p != nil || len(problems) != 1 {
			t.Fatalf("%q: %v, %+v, %v", tc.body, p, problems, err)
		}
		if problems[0].Line != tc.line || problems[0].Message == "" {
			t.Errorf("%q: problem %+v, want line %d", tc.body, problems[0], tc.line)
		}
	}
}
