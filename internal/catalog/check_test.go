package catalog_test

import (
	"slices"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
)

func TestCheckReport_ResolveSeverity(t *testing.T) {
	declared := map[string]string{"pk": catalog.SeverityWarn, "fresh": catalog.SeverityError}
	cases := []struct {
		rep      catalog.CheckReport
		declared map[string]string
		want     string
	}{
		{catalog.CheckReport{CheckID: "pk"}, declared, catalog.SeverityWarn},
		{catalog.CheckReport{CheckID: "pk", Severity: catalog.SeverityError}, declared, catalog.SeverityError}, // its own wins
		{catalog.CheckReport{CheckID: "fresh"}, declared, catalog.SeverityError},
		{catalog.CheckReport{CheckID: "adhoc"}, declared, catalog.SeverityError}, // not in the definition
		{catalog.CheckReport{CheckID: "pk"}, nil, catalog.SeverityError},         // no definition
		{catalog.CheckReport{CheckID: "adhoc", Severity: catalog.SeverityWarn}, nil, catalog.SeverityWarn},
	}
	for _, c := range cases {
		if got := c.rep.ResolveSeverity(c.declared); got != c.want {
			t.Errorf("%+v with %v: %q, want %q", c.rep, c.declared, got, c.want)
		}
	}
}

func TestValidateCheckBatch(t *testing.T) {
	runs := map[string]*catalog.Run{"r1": {ID: "r1", PipelineName: "orders"}, "gone": nil}
	got := catalog.ValidateCheckBatch([]catalog.CheckReport{
		{RunID: "r1", CheckID: "pk", Status: catalog.CheckPassed, PipelineName: "orders"},
		{RunID: "r1", CheckID: "pk", Status: "bogus", Severity: "critical"},
		{RunID: "gone", CheckID: "pk", Status: catalog.CheckPassed},
		{RunID: "r1", CheckID: "", Status: catalog.CheckPassed, PipelineName: "events"},
		{CheckID: "pk", Status: catalog.CheckPassed},
	}, runs)
	var fields []string
	for _, p := range got {
		fields = append(fields, p.Field)
	}
	want := []string{"results[1].status", "results[1].severity", "results[2].run_id", "results[3].check_id", "results[3].pipeline_id", "results[4].run_id"}
	if !slices.Equal(fields, want) {
		t.Fatalf("problems on %v, want %v", fields, want)
	}
	for _, n := range []int{0, catalog.MaxCheckBatch + 1} {
		if p := catalog.CheckBatchProblems(n); len(p) != 1 || p[0].Field != "results" {
			t.Errorf("batch of %d: %v", n, p)
		}
	}
	if p := catalog.CheckBatchProblems(catalog.MaxCheckBatch); p != nil {
		t.Errorf("a full batch: %v", p)
	}
}

func TestNewCheckResult(t *testing.T) {
	run := &catalog.Run{OrgID: "org_1", ID: "r1", PipelineName: "orders"}
	now := *at(5)
	c := catalog.NewCheckResult(run, catalog.CheckReport{RunID: "r1", CheckID: "pk", Status: catalog.CheckFailed,
		ObservedValue: []byte(` { "n" : 3 } `), Expected: []byte(`null`), Message: "3 nulls"}, catalog.SeverityError, now)
	if c.OrgID != "org_1" || c.RunID != "r1" || c.PipelineName != "orders" || c.Severity != catalog.SeverityError ||
		string(c.ObservedValue) != `{"n":3}` || c.Expected != nil || !c.ExecutedAt.Equal(now) || !c.CreatedAt.Equal(now) || c.ID == "" {
		t.Fatalf("result = %+v (observed %s)", c, c.ObservedValue)
	}
	if !c.FailsRun() {
		t.Error("a failed error check does not fail its run")
	}
	ran := t0.Add(1500)
	c = catalog.NewCheckResult(run, catalog.CheckReport{CheckID: "pk", Status: catalog.CheckFailed, ExecutedAt: &ran}, catalog.SeverityWarn, now)
	if !c.ExecutedAt.Equal(t0.Add(1000)) || c.FailsRun() {
		t.Fatalf("warn result executed %s, fails run %v; want %s, false", c.ExecutedAt, c.FailsRun(), t0.Add(1000))
	}
}
