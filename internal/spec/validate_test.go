package spec

import (
	"slices"
	"strings"
	"testing"
)

func TestValidate_ReportsEveryProblemInDocumentOrder(t *testing.T) {
	body := `{
	  "name": "Orders Sync", "owner": "", "schedule": "every day", "tags": ["ok", "Bad Tag"],
	  "sources": [{"id": "src", "type": "postgres", "load_mode": "incremental"}],
	  "transforms": [{"id": "t1", "type": "sql", "inputs": ["src", "chk"]},
	                 {"id": "src", "sql": "x.sql", "outputs": ["out"]}],
	  "targets": [{"id": "tgt", "type": "bigquery", "write_mode": "upsert", "inputs": ["t1"]}],
	  "checks": [{"id": "chk", "target": "tgt", "severity": "critical"}],
	  "lineage": {"edges": [{"from": "out", "to": ""}]}
	}`
	p, problems, err := Decode("application/json", []byte(body))
	if err != nil || problems != nil {
		t.Fatalf("Decode: %v %+v", err, problems)
	}
	want := []string{
		"name",
		"owner",
		"schedule",
		"tags[1]",
		"sources[0].watermark_column",
		"transforms[0].inputs[1]",
		"transforms[0].outputs",
		"transforms[1].id",
		"targets[0].write_mode",
		"targets[0].inputs[0]",
		"checks[0].severity",
		"lineage.edges[0].to",
	}
	got := p.Validate()
	if !slices.Equal(fieldsOf(got), want) {
		t.Fatalf("fields = %q\nwant     %q", fieldsOf(got), want)
	}
	for _, pr := range got {
		if pr.Line != 0 {
			t.Fatalf("JSON input has a line number: %+v", pr)
		}
		if !strings.HasSuffix(pr.Message, ".") || len(pr.Message) < 20 {
			t.Fatalf("message is not a sentence: %q", pr.Message)
		}
	}
	if got, want := got[7].Message, `id "src" is already used by sources[0]`; !strings.HasPrefix(got, want) {
		t.Fatalf("duplicate id message = %q, want prefix %q", got, want)
	}
}

func TestValidate_ValidExampleHasNoProblems(t *testing.T) {
	if got := example(t).Validate(); got != nil {
		t.Fatalf("Validate = %+v, want nil", got)
	}
}

func TestValidate_BuiltInCodeWorksWithoutDecode(t *testing.T) {
	p := &Pipeline{Name: "x", Owner: "o", Schedule: "@hourly",
		Sources: []Source{{ID: "a", Type: "s3", LoadMode: "incremental"}}}
	if got, want := validFields(p), []string{"sources[0].watermark_column"}; !slices.Equal(got, want) {
		t.Fatalf("problems = %q, want %q", got, want)
	}
}

func TestValidate_HeaderRules(t *testing.T) {
	long := strings.Repeat("a", 64)
	cases := []struct {
		name   string
		mutate func(p *Pipeline)
		want   []string
	}{
		{"name required", func(p *Pipeline) { p.Name = "" }, []string{"name"}},
		{"name as an Airflow dag_id ok", func(p *Pipeline) { p.Name = "Orders-Sync.v2_1" }, []string{}},
		{"name starts with digit ok", func(p *Pipeline) { p.Name = "1orders" }, []string{}},
		{"name with space", func(p *Pipeline) { p.Name = "orders sync" }, []string{"name"}},
		{"name starts with dot", func(p *Pipeline) { p.Name = ".orders" }, []string{"name"}},
		{"name starts with dash", func(p *Pipeline) { p.Name = "-orders" }, []string{"name"}},
		{"name with slash", func(p *Pipeline) { p.Name = "orders/sync" }, []string{"name"}},
		{"name 250 chars ok", func(p *Pipeline) { p.Name = strings.Repeat("a", 250) }, []string{}},
		{"name 251 chars", func(p *Pipeline) { p.Name = strings.Repeat("a", 251) }, []string{"name"}},
		{"owner required", func(p *Pipeline) { p.Owner = "" }, []string{"owner"}},
		{"version absent ok", func(p *Pipeline) { p.Version = "" }, []string{}},
		{"version semver+build ok", func(p *Pipeline) { p.Version = "v1.2.3-rc.1+build_7" }, []string{}},
		{"version with space", func(p *Pipeline) { p.Version = "1 2" }, []string{"version"}},
		{"version too long", func(p *Pipeline) { p.Version = long + "1" }, []string{"version"}},
		{"environment 64 ok", func(p *Pipeline) { p.Environment = long }, []string{}},
		{"environment too long", func(p *Pipeline) { p.Environment = long + "é" }, []string{"environment"}},
		{"tag invalid", func(p *Pipeline) { p.Tags = []string{"ok", "-bad"} }, []string{"tags[1]"}},
		{"tag uppercase", func(p *Pipeline) { p.Tags = []string{"PII"} }, []string{"tags[0]"}},
		{"tag with colon ok", func(p *Pipeline) { p.Tags = []string{"team:data", "tier.1"} }, []string{}},
		{"tag duplicate", func(p *Pipeline) { p.Tags = []string{"a", "b", "a"} }, []string{"tags[2]"}},
		{"tag empty", func(p *Pipeline) { p.Tags = []string{""} }, []string{"tags[0]"}},
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

func TestValidate_Schedule(t *testing.T) {
	cases := []struct {
		schedule string
		ok       bool
		says     string
	}{
		{"0 6 * * *", true, ""},
		{"*/15 0-23 1,15 * MON-FRI", true, ""},
		{"@daily", true, ""},
		{"@annually", true, ""},
		{"@midnight", true, ""},
		{"", false, "required"},
		{"@once", false, "not a supported descriptor"},
		{"@every 5m", false, "not a supported descriptor"},
		{"0 0 6 * * *", false, "has 6 fields"},
		{"0 6 * *", false, "has 4 fields"},
		{"0 25 * * *", false, "not a valid cron expression"},
		{"a b c d e", false, "not a valid cron expression"},
		{"TZ=UTC\t0\t6\t*\t*", false, "time zone"},
		{"CRON_TZ=UTC 0 6 * *", false, "time zone"},
	}
	for _, c := range cases {
		t.Run(c.schedule, func(t *testing.T) {
			p := example(t)
			p.Schedule = c.schedule
			got := p.Validate()
			if c.ok {
				if got != nil {
					t.Fatalf("Validate = %+v, want nil", got)
				}
				return
			}
			if len(got) != 1 || got[0].Field != "schedule" {
				t.Fatalf("Validate = %+v, want one problem at schedule", got)
			}
			if !strings.Contains(got[0].Message, c.says) {
				t.Fatalf("message %q does not say %q", got[0].Message, c.says)
			}
		})
	}
}

func TestDecode_OpenLineageJobs(t *testing.T) {
	one := `{"name":"jaffle_shop","owner":"o","schedule":"@daily","openlineage":{"namespace":"dbt","name":"dbt-run-jaffle_shop"}}`
	p, problems, err := Decode("application/json", []byte(one))
	if err != nil || problems != nil || len(p.OpenLineage) != 1 || p.OpenLineage[0] != (OpenLineageJob{"dbt", "dbt-run-jaffle_shop"}) {
		t.Fatalf("one job: %+v %v %v", p, problems, err)
	}
	many := "pipeline:\n  name: orders\n  owner: o\n  schedule: '@daily'\n  openlineage:\n    - {name: Orders-DAG}\n    - {namespace: spark, name: orders_app}\n"
	p, problems, err = Decode("application/yaml", []byte(many))
	if err != nil || problems != nil || len(p.OpenLineage) != 2 || p.OpenLineage[0].Namespace != "" || len(p.Validate()) != 0 {
		t.Fatalf("two jobs: %+v %v %v", p, problems, err)
	}
	bad := `{"name":"x","owner":"o","schedule":"@daily","openlineage":{"namespace":"dbt"}}`
	p, _, _ = Decode("application/json", []byte(bad))
	if got := fieldsOf(p.Validate()); !slices.Equal(got, []string{"openlineage.name"}) {
		t.Errorf("no name: %v", got)
	}
}
