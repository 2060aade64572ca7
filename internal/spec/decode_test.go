package spec

import (
	"slices"
	"testing"
)

func TestDecode_ShapesGiveIdenticalCanonical(t *testing.T) {
	want := example(t)
	cases := []struct {
		name, contentType, file string
	}{
		{"spec shape as JSON", "application/json", "orders_sync.spec.json"},
		{"spec shape as YAML", "application/yaml", "orders_sync.yaml"},
		{"flat shape as YAML", "text/yaml; charset=utf-8", "orders_sync.json"},
		{"spec shape as x-yaml", "application/x-yaml", "orders_sync.yaml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := mustDecode(t, c.contentType, readTestdata(t, c.file))
			if g, w := string(got.Canonical()), string(want.Canonical()); g != w {
				t.Fatalf("Canonical differs:\n got %s\nwant %s", g, w)
			}
			if g, w := got.Version, want.Version; g != w {
				t.Fatalf("Version = %q, want %q", g, w)
			}
		})
	}
}

func TestDecode_FlatFields(t *testing.T) {
	p := example(t)
	if got, want := p.Name, "orders_sync"; got != want {
		t.Fatalf("Name = %q, want %q", got, want)
	}
	if got, want := p.Sources[0].WatermarkColumn, "updated_at"; got != want {
		t.Fatalf("WatermarkColumn = %q, want %q", got, want)
	}
	if got, want := p.Targets[0].PrimaryKey, []string{"order_id"}; !slices.Equal(got, want) {
		t.Fatalf("PrimaryKey = %q, want %q", got, want)
	}
	if got, want := p.Lineage.Edges, []Edge{{"orders_enriched", "clean_orders"}}; !slices.Equal(got, want) {
		t.Fatalf("Lineage.Edges = %v, want %v", got, want)
	}
	if problems := p.Validate(); problems != nil {
		t.Fatalf("example is invalid: %+v", problems)
	}
}

func TestDecode_SQLShorthandTransform(t *testing.T) {
	p := mustDecode(t, "application/yaml", []byte("transforms:\n  - id: t\n    sql: a.sql\n    outputs: [x]\n"))
	if got, want := p.Transforms[0].Type, "sql"; got != want {
		t.Fatalf("Type = %q, want %q", got, want)
	}
	if got, want := p.Transforms[0].CodeRef, "a.sql"; got != want {
		t.Fatalf("CodeRef = %q, want %q", got, want)
	}
}

func TestDecode_SQLShorthandCheck(t *testing.T) {
	p := mustDecode(t, "", []byte(`{"checks": [{"id": "c", "target": "x", "sql": "c.sql"}]}`))
	if got, want := p.Checks[0].Type, "sql"; got != want {
		t.Fatalf("Type = %q, want %q", got, want)
	}
	if got, want := p.Checks[0].CodeRef, "c.sql"; got != want {
		t.Fatalf("CodeRef = %q, want %q", got, want)
	}
}

func TestDecode_SQLShorthandConflicts(t *testing.T) {
	body := `{"transforms": [{"id": "t", "type": "python", "code_ref": "b.py", "sql": "a.sql", "outputs": ["x"]}]}`
	_, problems, err := Decode("application/json", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fieldsOf(problems), []string{"transforms[0].sql", "transforms[0].sql"}; !slices.Equal(got, want) {
		t.Fatalf("problems = %q, want %q", got, want)
	}
}

func TestDecode_ListsNeverNil(t *testing.T) {
	p := mustDecode(t, "", []byte(`{"name": "x", "tags": null}`))
	if p.Tags == nil || p.Sources == nil || p.Transforms == nil || p.Targets == nil || p.Checks == nil || p.Lineage.Edges == nil {
		t.Fatalf("a list is nil: %+v", p)
	}
}

func TestDecode_UnknownFieldsIgnored(t *testing.T) {
	body := `{"name": "x", "generator": {"v": 1}, "sources": [{"id": "s", "type": "pg", "extra": [1, 2]}]}`
	p := mustDecode(t, "", []byte(body))
	if got, want := p.Sources[0].ID, "s"; got != want {
		t.Fatalf("ID = %q, want %q", got, want)
	}
}

func TestDecode_YAMLScalarsReadAsWritten(t *testing.T) {
	p := mustDecode(t, "text/yaml", []byte("name: x\nversion: 1.10\nenvironment: no\n"))
	if got, want := p.Version, "1.10"; got != want {
		t.Fatalf("Version = %q, want %q", got, want)
	}
	if got, want := p.Environment, "no"; got != want {
		t.Fatalf("Environment = %q, want %q", got, want)
	}
}

func TestDecode_YAMLMergeKeys(t *testing.T) {
	body := "defaults: &pg\n  type: postgres\n  connection_ref: pg-prod\nsources:\n  - <<: *pg\n    id: a\n  - <<: *pg\n    id: b\n    type: mysql\n"
	p := mustDecode(t, "application/yaml", []byte(body))
	if got, want := p.Sources[0].ConnectionRef, "pg-prod"; got != want {
		t.Fatalf("merged ConnectionRef = %q, want %q", got, want)
	}
	if got, want := p.Sources[1].Type, "mysql"; got != want {
		t.Fatalf("own key should win over merged: Type = %q, want %q", got, want)
	}
}

func TestDecode_MixedShapeReported(t *testing.T) {
	_, problems, err := Decode("", []byte(`{"name": "a", "pipeline": {"name": "b"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fieldsOf(problems), []string{"name"}; !slices.Equal(got, want) {
		t.Fatalf("problems = %q, want %q", got, want)
	}
}
