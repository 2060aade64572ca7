package spec

import (
	"slices"
	"strings"
	"testing"
)

func TestValidate_ItemRules(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(p *Pipeline)
		want   []string
	}{
		{"source id required", func(p *Pipeline) { p.Sources[0].ID = "" }, []string{"sources[0].id"}},
		{"source id malformed", func(p *Pipeline) { p.Sources = append(p.Sources, Source{ID: "9lives", Type: "s3"}) }, []string{"sources[1].id"}},
		{"source type required", func(p *Pipeline) { p.Sources[0].Type = "" }, []string{"sources[0].type"}},
		{"source load_mode unknown", func(p *Pipeline) { p.Sources[0].LoadMode = "delta" }, []string{"sources[0].load_mode"}},
		{"source full needs no watermark", func(p *Pipeline) { p.Sources[0].LoadMode, p.Sources[0].WatermarkColumn = "full", "" }, []string{}},
		{"WatermarkRequired", func(p *Pipeline) { p.Sources[0].WatermarkColumn = "" }, []string{"sources[0].watermark_column"}},
		{"transform id required", func(p *Pipeline) { p.Transforms[0].ID = "" }, []string{"transforms[0].id"}},
		{"transform type required", func(p *Pipeline) { p.Transforms[0].Type = "" }, []string{"transforms[0].type"}},
		{"transform outputs required", func(p *Pipeline) {
			p.Transforms = append(p.Transforms, Transform{ID: "t2", Type: "sql", Inputs: []string{"raw_orders"}})
		}, []string{"transforms[1].outputs"}},
		{"transform output empty", func(p *Pipeline) { p.Transforms[0].Outputs = append(p.Transforms[0].Outputs, "") }, []string{"transforms[0].outputs[1]"}},
		{"transform output is a source", func(p *Pipeline) {
			p.Transforms = append(p.Transforms, Transform{ID: "t2", Type: "sql", Outputs: []string{"raw_orders"}})
		}, []string{"transforms[1].outputs[0]"}},
		{"transform output twice", func(p *Pipeline) {
			p.Transforms = append(p.Transforms, Transform{ID: "t2", Type: "sql", Outputs: []string{"orders_enriched"}})
		}, []string{"transforms[1].outputs[0]"}},
		{"transform output is a check id", func(p *Pipeline) {
			p.Transforms = append(p.Transforms, Transform{ID: "t2", Type: "sql", Outputs: []string{"orders_pk_not_null"}})
		}, []string{"transforms[1].outputs[0]"}},
		{"target id is a transform output", func(p *Pipeline) {
			p.Targets = append(p.Targets, Target{ID: "orders_enriched", Type: "bq"})
		}, []string{"targets[1].id"}},
		{"target type required", func(p *Pipeline) { p.Targets[0].Type = "" }, []string{"targets[0].type"}},
		{"target write_mode unknown", func(p *Pipeline) { p.Targets[0].WriteMode = "upsert" }, []string{"targets[0].write_mode"}},
		{"merge needs primary_key", func(p *Pipeline) { p.Targets[0].PrimaryKey = nil }, []string{"targets[0].primary_key"}},
		{"append needs no primary_key", func(p *Pipeline) { p.Targets[0].WriteMode, p.Targets[0].PrimaryKey = "append", nil }, []string{}},
		{"primary_key column empty", func(p *Pipeline) { p.Targets[0].PrimaryKey = []string{"id", ""} }, []string{"targets[0].primary_key[1]"}},
		{"target inputs optional", func(p *Pipeline) { p.Targets[0].Inputs = nil }, []string{}},
		{"check id required", func(p *Pipeline) { p.Checks[0].ID = "" }, []string{"checks[0].id"}},
		{"check target required", func(p *Pipeline) { p.Checks[0].Target = "" }, []string{"checks[0].target"}},
		{"check target unknown", func(p *Pipeline) { p.Checks[0].Target = "elsewhere" }, []string{"checks[0].target"}},
		{"check target is a source", func(p *Pipeline) { p.Checks[0].Target = "raw_orders" }, []string{}},
		{"check target is an output", func(p *Pipeline) { p.Checks[0].Target = "orders_enriched" }, []string{}},
		{"check severity warn", func(p *Pipeline) { p.Checks[0].Severity = "warn" }, []string{}},
		{"check severity unknown", func(p *Pipeline) { p.Checks[0].Severity = "fatal" }, []string{"checks[0].severity"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := example(t)
			c.mutate(p)
			if got := validFields(p); !slices.Equal(got, c.want) {
				t.Fatalf("problems = %q, want %q (%+v)", got, c.want, p.Validate())
			}
		})
	}
}

func TestValidate_IDsUniqueAcrossKinds(t *testing.T) {
	p := example(t)
	p.Checks = append(p.Checks, Check{ID: "raw_orders", Target: "clean_orders"})
	p.Targets = append(p.Targets, Target{ID: "orders_pk_not_null", Type: "bq"})
	got := p.Validate()
	// Targets come before checks in document order, so both duplicates are
	// reported at the checks, naming the earlier declaration.
	if got, want := fieldsOf(got), []string{"checks[0].id", "checks[1].id"}; !slices.Equal(got, want) {
		t.Fatalf("problems = %q, want %q", got, want)
	}
	if !strings.Contains(got[0].Message, "targets[1]") || !strings.Contains(got[1].Message, "sources[0]") {
		t.Fatalf("messages do not name the first place: %+v", got)
	}
}

func TestValidate_Inputs(t *testing.T) {
	cases := []struct {
		name, input string
		ok          bool
		says        string
	}{
		{"source", "raw_orders", true, ""},
		{"transform output", "orders_enriched", true, ""},
		{"target", "clean_orders", true, ""},
		{"external dataset", "warehouse.dim_customers", true, ""},
		{"check id", "orders_pk_not_null", false, "names a check"},
		{"transform id", "enrich_step", false, "names a transform"},
		{"empty", "", false, "empty"},
		{"malformed", "dim customers", false, "not a valid dataset id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := example(t)
			p.Transforms = append(p.Transforms, Transform{ID: "enrich_step", Type: "sql",
				Inputs: []string{c.input}, Outputs: []string{"probe"}})
			got := p.Validate()
			if c.ok {
				if got != nil {
					t.Fatalf("Validate = %+v, want nil", got)
				}
				return
			}
			if len(got) != 1 || got[0].Field != "transforms[1].inputs[0]" || !strings.Contains(got[0].Message, c.says) {
				t.Fatalf("Validate = %+v, want one problem at transforms[1].inputs[0] saying %q", got, c.says)
			}
		})
	}
}
