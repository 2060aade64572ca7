package openlineage

import (
	"path/filepath"
	"strings"
	"testing"
)

// Every fixture is a valid event for the real spec (with format
// assertions) and for Parse.
func TestFixtures_SpecAndParseAccept(t *testing.T) {
	spec := loadSpec(t, true)
	files, _ := filepath.Glob("testdata/*.json")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, file := range files {
		for i, event := range fixtureEvents(t, file) {
			if err := spec.validate(event); err != nil {
				t.Errorf("%s[%d]: the spec rejects it: %v", file, i, err)
			}
			if _, err := Parse(event); err != nil {
				t.Errorf("%s[%d]: Parse: %v", file, i, err)
			}
		}
	}
}

// Each broken fixture breaks one rule of the spec; Parse must reject it
// too, naming the field.
func TestBroken_SpecAndParseReject(t *testing.T) {
	spec := loadSpec(t, true)
	want := map[string]string{
		"assertion_without_success":   "/inputs/0/inputFacets/dataQualityAssertions/assertions/0/success",
		"event_time_not_a_date":       "/eventTime",
		"event_type_unknown":          "/eventType",
		"input_missing_namespace":     "/inputs/0/namespace",
		"job_and_dataset_without_run": "",
		"job_name_missing":            "/job/name",
		"job_namespace_number":        "/job/namespace",
		"missing_event_time":          "/eventTime",
		"missing_schema_url":          "/schemaURL",
		"no_job_no_dataset":           "",
		"nominal_time_not_a_date":     "/run/facets/nominalTime/nominalStartTime",
		"outputs_not_array":           "/outputs",
		"parent_run_id_not_uuid":      "/run/facets/parent/run/runId",
		"parent_without_run_id":       "/run/facets/parent/run/runId",
		"producer_not_a_string":       "/producer",
		"row_count_not_integer":       "/outputs/0/outputFacets/outputStatistics/rowCount",
		"run_facet_not_object":        "/run/facets/nominalTime",
		"run_id_missing":              "/run/runId",
		"run_id_not_uuid":             "/run/runId",
		"run_without_job":             "/job",
		"schema_field_without_name":   "/outputs/0/facets/schema/fields/0/name",
		"test_without_status":         "/run/facets/test/tests/0/status",
	}
	files, _ := filepath.Glob("testdata/broken/*.json")
	if len(files) != len(want) {
		t.Errorf("%d broken fixtures, %d in the table: keep them in step", len(files), len(want))
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			event := readFile(t, file)
			if spec.validate(event) == nil {
				t.Error("the spec accepts it; a broken fixture must break the spec")
			}
			field, ok := want[name]
			if !ok {
				t.Fatal("not in the table")
			}
			_, err := Parse(event)
			if ps := problemsOf(t, err); !hasProblem(ps, field) {
				t.Errorf("problems %v, want one at %q", ps, field)
			}
		})
	}
}

// The catalog needs more than the spec: names to key on. These events are
// valid for the spec and still rejected.
func TestCatalogRules_BeyondSpec(t *testing.T) {
	spec := loadSpec(t, true)
	parentFacet := func(jobName string) map[string]any {
		return map[string]any{
			"_producer": "https://example.com/p", "_schemaURL": "https://example.com/s",
			"run": map[string]any{"runId": "0190f1e4-2c3a-7b41-9d2e-5f6a7b8c9d00"},
			"job": map[string]any{"namespace": "airflow://prod", "name": jobName},
		}
	}
	for name, tc := range map[string]struct {
		change func(e map[string]any)
		field  string
	}{
		"empty job name":        {func(e map[string]any) { obj(e["job"])["name"] = "" }, "/job/name"},
		"empty job namespace":   {func(e map[string]any) { obj(e["job"])["namespace"] = "" }, "/job/namespace"},
		"empty input name":      {func(e map[string]any) { obj(e["inputs"].([]any)[0])["name"] = "" }, "/inputs/0/name"},
		"empty parent job name": {func(e map[string]any) { obj(e["run"])["facets"] = map[string]any{"parent": parentFacet("")} }, "/run/facets/parent/job/name"},
	} {
		t.Run(name, func(t *testing.T) {
			event := edit(t, tc.change)
			if err := spec.validate(event); err != nil {
				t.Fatalf("the spec rejects it, so it is not a catalog-only rule: %v", err)
			}
			_, err := Parse(event)
			if ps := problemsOf(t, err); !hasProblem(ps, tc.field) {
				t.Errorf("problems %v, want one at %q", ps, tc.field)
			}
		})
	}
}

// Parse accepts a few things the spec does not, because producers send
// them. The test pins each one down so that a change on either side shows.
func TestLeniency_BeyondSpec(t *testing.T) {
	strict, loose := loadSpec(t, true), loadSpec(t, false)
	for name, tc := range map[string]struct {
		change func(e map[string]any)
		spec   *specSchema
	}{
		"facet without _producer and _schemaURL": {func(e map[string]any) {
			obj(e["job"])["facets"] = map[string]any{"jobType": map[string]any{"processingType": "BATCH", "integration": "DBT"}}
		}, loose},
		"eventTime without offset":   {func(e map[string]any) { e["eventTime"] = "2021-11-03T10:53:52.427343" }, strict},
		"null for an optional field": {func(e map[string]any) { obj(e["run"])["facets"] = nil }, loose},
	} {
		t.Run(name, func(t *testing.T) {
			event := edit(t, tc.change)
			if tc.spec.validate(event) == nil {
				t.Error("the spec accepts it now; drop the leniency from this test")
			}
			mustParse(t, event)
		})
	}
}
