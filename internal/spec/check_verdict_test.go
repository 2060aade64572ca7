package spec

import (
	"fmt"
	"strings"
	"testing"
)

const refundsHeader = "pipeline:\n  name: refunds\n  owner: a@b.com\n  schedule: \"@daily\"\n"

// An input naming nothing declared is external unless it is a near-miss of
// a declared dataset; then it is a typo, refused with "did you mean".
func TestValidate_InputsNearMissIsATypo(t *testing.T) {
	spec := func(inputs, external string) string {
		return refundsHeader + external + "sources:\n  - {id: raw_refunds, type: postgres}\n  - {id: raw_orders, type: postgres}\n" +
			"transforms:\n  - {id: t, type: sql, inputs: " + inputs + ", outputs: [clean]}\n"
	}
	for _, tc := range []struct {
		name, inputs, external string
		want                   string // the problem's message has this; "" for none
	}{
		{"typo", "[raw_refund]", "", `input "raw_refund" is not declared in this pipeline; did you mean raw_refunds?`},
		{"transposed", "[raw_ordres]", "", "did you mean raw_orders?"},
		{"other pipeline's dataset", "[dim_customers, raw_orders]", "", ""},
		{"not that close", "[stg_orders]", "", ""},
		{"listed as external", "[raw_refund]", "external: [raw_refund]\n", ""},
		{"strict once listed", "[dim_customers]", "external: [dim_products]\n", "nor listed under external"},
		{"near a listed one", "[dim_customer]", "external: [dim_customers]\n", "did you mean dim_customers?"},
		{"external declared here", "[raw_orders]", "external: [raw_orders]\n", `external dataset "raw_orders" is declared by sources[1]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, problems, err := CheckDefinition("application/yaml", []byte(spec(tc.inputs, tc.external)))
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.want == "" && len(problems) > 0:
				t.Fatalf("problems %+v, want none", problems)
			case tc.want != "" && (len(problems) != 1 || !strings.Contains(problems[0].Message, tc.want)):
				t.Fatalf("problems %+v, want one saying %q", problems, tc.want)
			}
		})
	}
}

// A check's target may not be external; a near-miss is named.
func TestValidate_CheckTargetNearMiss(t *testing.T) {
	body := refundsHeader + "sources:\n  - {id: raw_refunds, type: postgres}\nchecks:\n  - {id: c, target: raw_refund}\n"
	_, problems, _ := CheckDefinition("application/yaml", []byte(body))
	if len(problems) != 1 || !strings.Contains(problems[0].Message, "did you mean raw_refunds?") {
		t.Fatalf("problems %+v", problems)
	}
}

// One run shows every problem: the semantic rules run beside the schema's.
func TestCheckDefinition_EveryProblemInOneRun(t *testing.T) {
	body := refundsHeader + `sources:
  - id: raw_refunds
    type: postgres
    load_mode: incremental
transforms:
  - id: t1
    sql: x.sql
    inputs: [raw_refund]
    outputs: [refunds_clean]
checks:
  - id: c1
    target: refunds_clean
    severity: info
`
	for _, ct := range []string{"application/yaml", "application/json"} {
		b := []byte(body)
		if ct == "application/json" {
			b = []byte(`{"name":"refunds","owner":"a@b.com","schedule":"@daily",
 "sources":[{"id":"raw_refunds","type":"postgres","load_mode":"incremental"}],
 "transforms":[{"id":"t1","sql":"x.sql","inputs":["raw_refund"],"outputs":["refunds_clean"]}],
 "checks":[{"id":"c1","target":"refunds_clean","severity":"info"}]}`)
		}
		_, problems, err := CheckDefinition(ct, b)
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(fieldsOf(problems))
		if want := "[sources[0].watermark_column transforms[0].inputs[0] checks[0].severity]"; got != want {
			t.Fatalf("%s: problems %s, want %s\n%+v", ct, got, want, problems)
		}
	}
}

// Unknown fields are warnings with "did you mean": the API ignores them,
// so they never make a definition invalid.
func TestCheckDefinition_UnknownFieldsAreWarnings(t *testing.T) {
	body := refundsHeader + "  tag: [pii]\nsources:\n  - {id: raw, type: postgres, watermark_colum: x, x-note: fine}\n"
	_, problems, err := CheckDefinition("application/yaml", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	errs, warnings := SplitWarnings(problems)
	if len(errs) != 0 || len(warnings) != 2 {
		t.Fatalf("errors %+v, warnings %+v", errs, warnings)
	}
	for i, want := range []string{`"tag" is not a pipeline field and is ignored; did you mean tags?`,
		`"watermark_colum" is not a source field and is ignored; did you mean watermark_column?`} {
		if warnings[i].Message != want {
			t.Errorf("warning %d = %q, want %q", i, warnings[i].Message, want)
		}
	}
	if warnings[0].Line != 5 || warnings[1].Line != 7 {
		t.Errorf("lines %d, %d", warnings[0].Line, warnings[1].Line)
	}
}

// A misindented key is reported at its own line, not where the list or
// mapping around it starts (as yaml.v3 says).
func TestCheckDefinition_MisindentedKeyAtItsLine(t *testing.T) {
	for _, tc := range []struct {
		body string
		line int
	}{
		{refundsHeader + "sources:\n  - id: raw\n    type: postgres\n  - id: other\n    type: postgres\n   object: x\n", 10},
		{"pipeline:\n  name: refunds\n  owner: a@b.com\n schedule: \"@daily\"\nsources: []\n", 4},
		{refundsHeader + "targets:\n  - id: t\n    type: bq\n    inputs:\n      - a\n     - b\n", 10},
		{refundsHeader + "sources:\n  - id: raw\n    type: postgres\n     object: x\n", 8}, // yaml.v3 already says this one
	} {
		_, problems, err := CheckDefinition("application/yaml", []byte(tc.body))
		if err == nil || len(problems) != 1 || problems[0].Line != tc.line {
			t.Errorf("%q: %v, %+v; want one problem at line %d", tc.body, err, problems, tc.line)
		}
	}
}
