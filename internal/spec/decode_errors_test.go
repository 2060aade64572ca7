package spec

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestDecode_OrganizationRejected(t *testing.T) {
	cases := []struct {
		name, contentType, body, field string
	}{
		{"flat organization_id", "", `{"name": "x", "organization_id": "acme"}`, "organization_id"},
		{"flat organization", "", `{"name": "x", "organization": {"id": 1}}`, "organization"},
		{"inside pipeline", "", `{"pipeline": {"name": "x", "organization_id": "acme"}}`, "organization_id"},
		{"YAML inside pipeline", "application/yaml", "pipeline:\n  organization: acme\n", "organization"},
		{"YAML null still rejected", "application/yaml", "organization_id:\n", "organization_id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, problems, err := Decode(c.contentType, []byte(c.body))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := fieldsOf(problems), []string{c.field}; !slices.Equal(got, want) {
				t.Fatalf("problems = %q, want %q", got, want)
			}
			if got, want := problems[0].Message, "credential; remove "+c.field; !strings.Contains(got, want) {
				t.Fatalf("message %q does not contain %q", got, want)
			}
		})
	}
}

func TestDecode_WrongTypesAreProblems(t *testing.T) {
	cases := []struct {
		name, body string
		fields     []string
	}{
		{"tags string", `{"tags": "pii"}`, []string{"tags"}},
		{"sources object", `{"sources": {}}`, []string{"sources"}},
		{"name number", `{"name": 5}`, []string{"name"}},
		{"name object", `{"name": {"x": 1}}`, []string{"name"}},
		{"tag entry number", `{"tags": ["a", 2, "b"]}`, []string{"tags[1]"}},
		{"source entry not object", `{"sources": [{"id": "a", "type": "p"}, "b"]}`, []string{"sources[1]"}},
		{"inputs string", `{"transforms": [{"id": "t", "inputs": "a"}]}`, []string{"transforms[0].inputs"}},
		{"lineage list", `{"lineage": []}`, []string{"lineage"}},
		{"edges object", `{"lineage": {"edges": {}}}`, []string{"lineage.edges"}},
		{"edge end bool", `{"lineage": {"edges": [{"from": true, "to": "b"}]}}`, []string{"lineage.edges[0].from"}},
		{"pipeline string", `{"pipeline": "x"}`, []string{"pipeline"}},
		{"input null entry", `{"targets": [{"id": "t", "inputs": [null]}]}`, []string{"targets[0].inputs[0]"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, problems, err := Decode("application/json", []byte(c.body))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got := fieldsOf(problems); !slices.Equal(got, c.fields) {
				t.Fatalf("problems = %q, want %q", got, c.fields)
			}
		})
	}
}

func TestValidate_SkipsFieldsDecodeCouldNotRead(t *testing.T) {
	p, problems, err := Decode("", []byte(`{"name": 5, "owner": "o", "schedule": "@daily", "sources": [7]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fieldsOf(problems), []string{"name", "sources[0]"}; !slices.Equal(got, want) {
		t.Fatalf("decode problems = %q, want %q", got, want)
	}
	// Without suppression Validate would add "name" and "sources[0].id"/".type".
	if got := p.Validate(); got != nil {
		t.Fatalf("Validate repeated decode problems: %+v", got)
	}
}

func TestDecode_MalformedBody(t *testing.T) {
	cases := []struct {
		name, contentType, body string
	}{
		{"empty JSON", "", ""},
		{"blank JSON", "application/json", "  \n"},
		{"truncated JSON", "", `{"name": "x"`},
		{"bad JSON token", "", `{"name": x}`},
		{"trailing data", "", `{"name": "x"} {}`},
		{"JSON array", "", `[{"name": "x"}]`},
		{"JSON string", "", `"orders"`},
		{"JSON null", "", `null`},
		{"empty YAML", "application/yaml", "# only a comment\n"},
		{"broken YAML", "application/yaml", "name: [x\n"},
		{"YAML list", "application/yaml", "- name: x\n"},
		{"YAML scalar", "application/yaml", "orders\n"},
		{"two YAML documents", "application/yaml", "name: a\n---\nname: b\n"},
		{"YAML alias bomb", "application/yaml", aliasBomb()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, problems, err := Decode(c.contentType, []byte(c.body))
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("err = %v, want ErrMalformed", err)
			}
			if p != nil || problems != nil {
				t.Fatalf("got pipeline %v and problems %v with an error", p, problems)
			}
		})
	}
}

// aliasBomb is a "billion laughs" document: tiny text, huge expansion.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		prev := "*a" + string(rune('0'+i-1))
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		b.WriteString(strings.Repeat(prev+", ", 9) + prev + "]\n")
	}
	return b.String()
}

func TestDecode_JSONSyntaxErrorHasPosition(t *testing.T) {
	_, _, err := Decode("", []byte("{\n  \"name\": x\n}"))
	if got, want := err.Error(), "line 2, column 11"; !strings.Contains(got, want) {
		t.Fatalf("error %q does not contain %q", got, want)
	}
}

func TestDecodeFile_MissingFile(t *testing.T) {
	if _, _, err := DecodeFile("testdata/does-not-exist.yaml"); err == nil || errors.Is(err, ErrMalformed) {
		t.Fatalf("err = %v, want a read error that is not ErrMalformed", err)
	}
}
