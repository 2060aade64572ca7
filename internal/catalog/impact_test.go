package catalog

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// impactString renders an analysis compactly: each group with owner, next
// run, datasets and blockers, then the owner totals.
func impactString(a ImpactAnalysis) string {
	var b strings.Builder
	for _, g := range a.Groups {
		fmt.Fprintf(&b, "%s:%s owner=%s", g.Source.Kind, g.Source.Name, g.Owner)
		if g.NextRun != nil {
			fmt.Fprintf(&b, " next=%s", g.NextRun.Format("01-02T15:04"))
		}
		b.WriteString(" [")
		for i, d := range g.Datasets {
			if i > 0 {
				b.WriteString(" ")
			}
			fmt.Fprintf(&b, "%s:%d", d.ID, d.Depth)
		}
		b.WriteString("]")
		for _, f := range g.BlockedBy {
			fmt.Fprintf(&b, " blocked-by=%s/%s", f.Pipeline, f.CheckID)
		}
		b.WriteString("\n")
	}
	for _, o := range a.Owners {
		fmt.Fprintf(&b, "owner %q: %d pipelines, %d datasets, %d blocked\n", o.Owner, o.Pipelines, o.Datasets, o.Blocked)
	}
	fmt.Fprintf(&b, "datasets=%d failing=%d", a.Datasets, len(a.Failing))
	return b.String()
}

func TestImpactGraph_Analyse(t *testing.T) {
	node := func(id string, depth int) LineageNode { return LineageNode{Dataset: Dataset{ID: id}, Depth: depth} }
	p := func(name string) ImpactSource { return ImpactSource{SourcePipeline, name} }
	job := ImpactSource{LineageSourceJob, "ns/j"}
	g := &ImpactGraph{
		Root: "r", Depth: 10,
		Nodes: map[string]LineageNode{"r": node("r", 0), "a": node("a", 1), "c": node("c", 1), "b": node("b", 2), "d": node("d", 2), "e": node("e", 3)},
		Edges: []ImpactEdge{
			{"r", "a", p("load")}, {"a", "b", p("report")}, {"r", "c", p("enrich")}, {"c", "d", job},
			{"d", "e", p("report")},
		},
		Pipelines: map[string]ImpactPipeline{
			"load":   {Owner: "ingest@x", Schedule: "0 6 * * *", Tags: []string{"tier-1"}},
			"report": {Owner: "bi@x", Schedule: ""},
			"enrich": {Owner: "ingest@x", Schedule: "@hourly"},
		},
		Failing: []FailingCheck{
			{ResultID: "chk_1", Pipeline: "load", CheckID: "a_not_null", Dataset: "a"},
			{ResultID: "chk_2", Pipeline: "enrich", CheckID: "no_target"}, // guards what enrich writes: c
			{ResultID: "chk_3", Pipeline: "elsewhere", CheckID: "x", Dataset: "zz"},
		},
	}
	got := impactString(g.Analyse(time.Date(2026, 12, 1, 11, 30, 0, 0, time.UTC)))
	want := `pipeline:enrich owner=ingest@x next=12-01T12:00 [c:1]
pipeline:load owner=ingest@x next=12-02T06:00 [a:1]
pipeline:report owner=bi@x [b:2 e:3] blocked-by=load/a_not_null blocked-by=enrich/no_target
job:ns/j owner= [d:2] blocked-by=enrich/no_target
owner "": 1 pipelines, 1 datasets, 1 blocked
owner "bi@x": 1 pipelines, 2 datasets, 1 blocked
owner "ingest@x": 2 pipelines, 2 datasets, 0 blocked
datasets=5 failing=2`
	if got != want {
		t.Errorf("analysis:\n%s\nwant:\n%s", got, want)
	}
}

func TestImpactGraph_CheckOnTheRootBlocksItsReaders(t *testing.T) {
	g := &ImpactGraph{Root: "r", Depth: 1,
		Nodes: map[string]LineageNode{"r": {Dataset: Dataset{ID: "r"}}, "a": {Dataset: Dataset{ID: "a"}, Depth: 1}},
		Edges: []ImpactEdge{{"r", "a", ImpactSource{SourcePipeline, "gone"}},
			{"a", "r", ImpactSource{SourcePipeline, "loop"}}}, // writes only the root back: not a group
		Failing: []FailingCheck{{ResultID: "chk_1", Pipeline: "up", CheckID: "pk", Dataset: "r"}},
	}
	a := g.Analyse(time.Now())
	if len(a.Groups) != 1 || !a.Groups[0].Blocked() || a.Groups[0].Registered {
		t.Fatalf("groups = %+v, want the unregistered pipeline gone, blocked by up/pk", a.Groups)
	}
}

func TestImpactAnalysis_After(t *testing.T) {
	var a ImpactAnalysis
	for _, s := range []ImpactSource{{SourcePipeline, "a"}, {SourcePipeline, "b"}, {SourcePipeline, "c"}, {LineageSourceJob, "a"}} {
		a.Groups = append(a.Groups, ImpactGroup{Source: s})
	}
	names := func(gs []ImpactGroup) string {
		var out []string
		for _, g := range gs {
			out = append(out, g.Source.Kind+":"+g.Source.Name)
		}
		return strings.Join(out, ",")
	}
	cases := []struct {
		after *ImpactSource
		limit int
		want  string
		more  bool
	}{
		{nil, 2, "pipeline:a,pipeline:b", true},
		{&ImpactSource{SourcePipeline, "b"}, 2, "pipeline:c,job:a", false},
		{&ImpactSource{SourcePipeline, "bb"}, 1, "pipeline:c", true}, // a group gone between pages
		{&ImpactSource{LineageSourceJob, "a"}, 5, "", false},
	}
	for _, c := range cases {
		got, more := a.After(c.after, c.limit)
		if names(got) != c.want || more != c.more {
			t.Errorf("After(%v, %d) = %s, %v; want %s, %v", c.after, c.limit, names(got), more, c.want, c.more)
		}
	}
}

func TestImpactQuery_Validate(t *testing.T) {
	for depth, ok := range map[int]bool{0: false, 1: true, 10: true, 50: true, 51: false} {
		if got := len(ImpactQuery{Root: "r", Depth: depth}.Validate()) == 0; got != ok {
			t.Errorf("depth %d valid = %v, want %v", depth, got, ok)
		}
	}
}
