package spec

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestEdges_DerivedAndExplicitSortedUnique(t *testing.T) {
	got := example(t).Edges()
	want := []Edge{
		{"dim_customers", "orders_enriched"},
		{"orders_enriched", "clean_orders"}, // from the target and from lineage.edges: once
		{"raw_orders", "orders_enriched"},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Edges = %v, want %v", got, want)
	}
}

func TestEdges_TransformFansOutToEveryOutput(t *testing.T) {
	p := &Pipeline{Transforms: []Transform{{ID: "t", Inputs: []string{"a", ""}, Outputs: []string{"y", "x"}}},
		Lineage: Lineage{Edges: []Edge{{"", "x"}}}}
	if got, want := p.Edges(), []Edge{{"a", "x"}, {"a", "y"}}; !slices.Equal(got, want) {
		t.Fatalf("Edges = %v, want %v", got, want)
	}
}

func TestDatasets_DeclaredNodes(t *testing.T) {
	got := example(t).Datasets()
	want := []Dataset{
		{ID: "clean_orders", Object: "analytics.orders_clean", ConnectionRef: "bq-prod"},
		{ID: "orders_enriched"},
		{ID: "raw_orders", Object: "ecommerce.orders", ConnectionRef: "pg-prod"},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Datasets = %+v, want %+v", got, want)
	}
}

func TestConnectionRefs_DistinctSorted(t *testing.T) {
	p := example(t)
	p.Sources = append(p.Sources, Source{ID: "b", ConnectionRef: "bq-prod"}, Source{ID: "c"})
	if got, want := p.ConnectionRefs(), []string{"bq-prod", "pg-prod"}; !slices.Equal(got, want) {
		t.Fatalf("ConnectionRefs = %q, want %q", got, want)
	}
}

func TestCheckSeverity(t *testing.T) {
	p := example(t)
	p.Checks = append(p.Checks, Check{ID: "soft", Target: "clean_orders", Severity: "warn"}, Check{ID: "plain", Target: "clean_orders"})
	cases := []struct {
		id, want string
		ok       bool
	}{
		{"orders_pk_not_null", "error", true},
		{"soft", "warn", true},
		{"plain", "error", true},
		{"missing", "", false},
	}
	for _, c := range cases {
		got, ok := p.CheckSeverity(c.id)
		if got != c.want || ok != c.ok {
			t.Fatalf("CheckSeverity(%q) = %q, %v; want %q, %v", c.id, got, ok, c.want, c.ok)
		}
	}
}

func TestValidate_LineageEdges(t *testing.T) {
	p := example(t)
	p.Lineage.Edges = append(p.Lineage.Edges, Edge{"", "x"}, Edge{"x", ""}, Edge{"clean_orders", "clean_orders"})
	want := []string{"lineage.edges[1].from", "lineage.edges[2].to", "lineage.edges[3]"}
	if got := validFields(p); !slices.Equal(got, want) {
		t.Fatalf("problems = %q, want %q", got, want)
	}
}

func TestValidate_CycleDetected(t *testing.T) {
	p := example(t)
	// clean_orders feeds back into the transform that produces its input.
	p.Transforms[0].Inputs = append(p.Transforms[0].Inputs, "clean_orders")
	got := p.Validate()
	if len(got) != 1 || got[0].Field != "lineage" {
		t.Fatalf("Validate = %+v, want one problem at lineage", got)
	}
	if want := "lineage has a cycle: clean_orders → orders_enriched → clean_orders"; !strings.HasPrefix(got[0].Message, want) {
		t.Fatalf("message = %q, want prefix %q", got[0].Message, want)
	}
}

func TestValidate_CycleThroughExplicitEdges(t *testing.T) {
	p := &Pipeline{Name: "x", Owner: "o", Schedule: "@daily",
		Lineage: Lineage{Edges: []Edge{{"a", "b"}, {"b", "c"}, {"c", "a"}}}}
	got := p.Validate()
	if len(got) != 1 || !strings.Contains(got[0].Message, "a → b → c → a") {
		t.Fatalf("Validate = %+v, want the cycle a → b → c → a", got)
	}
}

func TestValidate_DiamondIsNotACycle(t *testing.T) {
	// a → b → d and a → c → d share d but never return to a.
	p := &Pipeline{Name: "x", Owner: "o", Schedule: "@daily",
		Sources: []Source{{ID: "a", Type: "s3"}},
		Transforms: []Transform{
			{ID: "tb", Type: "sql", Inputs: []string{"a"}, Outputs: []string{"b"}},
			{ID: "tc", Type: "sql", Inputs: []string{"a"}, Outputs: []string{"c"}},
		},
		Targets: []Target{{ID: "d", Type: "bq", Inputs: []string{"b", "c"}}},
	}
	if got := p.Validate(); got != nil {
		t.Fatalf("Validate = %+v, want nil", got)
	}
}

func TestValidate_TransformReadingItsOwnOutputIsACycle(t *testing.T) {
	p := example(t)
	p.Transforms[0].Inputs = append(p.Transforms[0].Inputs, "orders_enriched")
	if got, want := validFields(p), []string{"lineage"}; !slices.Equal(got, want) {
		t.Fatalf("problems = %q, want %q", got, want)
	}
}

func TestValidate_CycleEnteredThroughAStepNamesOnlyDatasets(t *testing.T) {
	// The step "a_step" sorts before the dataset "x", so the search starts
	// at the step; the message must still be a path of datasets.
	p := &Pipeline{Name: "x", Owner: "o", Schedule: "@daily",
		Transforms: []Transform{{ID: "a_step", Type: "sql", Inputs: []string{"y"}, Outputs: []string{"x"}},
			{ID: "b_step", Type: "sql", Inputs: []string{"x"}, Outputs: []string{"y"}}}}
	got := p.Validate()
	if len(got) != 1 || !strings.Contains(got[0].Message, "cycle: x → y → x;") {
		t.Fatalf("Validate = %+v, want the cycle x → y → x", got)
	}
}

func TestValidate_TooManyEdges(t *testing.T) {
	p := example(t)
	var ins, outs []string
	for i := range 400 {
		ins = append(ins, fmt.Sprintf("in_%d", i))
		outs = append(outs, fmt.Sprintf("out_%d", i))
	}
	p.Transforms = append(p.Transforms, Transform{ID: "wide", Type: "sql", Inputs: ins, Outputs: outs})
	if got, want := validFields(p), []string{"lineage"}; !slices.Equal(got, want) {
		t.Fatalf("problems = %q, want %q", got, want)
	}
}
