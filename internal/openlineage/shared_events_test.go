package openlineage

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"
)

// TestParse_ProducerEvents parses the events real producers sent, from
// ../shared/openlineage/events, and pins down what the spec says of each:
// producers do not always follow it to the letter, and the catalog must
// take their events anyway.
func TestParse_ProducerEvents(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "events")
	strict, loose := loadSpec(t, true), loadSpec(t, false)
	for _, tc := range []struct {
		file   string
		strict bool // the spec with format assertions accepts it
		loose  bool // the spec as 2020-12 reads it, formats as annotations
		check  func(t *testing.T, e Event)
	}{
		{"full_event.json", true, true, func(t *testing.T, e Event) {
			if e.EventType != Complete || e.Parent == nil || e.Parent.JobName != "myjob.mytask" || e.Nominal == nil {
				t.Errorf("event = %+v", e)
			}
			if len(e.Inputs[0].Assertions) != 2 || e.Inputs[0].Assertions[1].Column != "id" {
				t.Errorf("assertions = %+v", e.Inputs[0].Assertions)
			}
			if s := e.Outputs[0].Statistics; s == nil || *s.RowCount != 2000 || *s.Size != 2097152 {
				t.Errorf("outputStatistics = %+v", s)
			}
			if e.Job.Documentation != "string" || len(e.Inputs[0].Schema) != 1 {
				t.Errorf("documentation %q, schema %+v", e.Job.Documentation, e.Inputs[0].Schema)
			}
		}},
		// The Python client sends naive datetimes: no UTC offset.
		{"dataset_event.json", false, true, func(t *testing.T, e Event) {
			if e.Kind != KindDataset || e.Dataset.Name != "name" || len(e.Dataset.Schema) != 2 || e.EventTime.Location().String() != "UTC" {
				t.Errorf("event = %+v", e)
			}
		}},
		{"job_event.json", false, true, func(t *testing.T, e Event) {
			if e.Kind != KindJob || e.Inputs[0].Name != "dataset_a" || e.Outputs[0].Name != "dataset_b" {
				t.Errorf("event = %+v", e)
			}
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			raw := readFile(t, filepath.Join(dir, tc.file))
			if got := strict.validate(raw) == nil; got != tc.strict {
				t.Errorf("strict spec accepts = %v, want %v", got, tc.strict)
			}
			if got := loose.validate(raw) == nil; got != tc.loose {
				t.Errorf("spec accepts = %v, want %v", got, tc.loose)
			}
			tc.check(t, mustParse(t, raw))
		})
	}
}

// TestParse_DBTTemplate fills in dbt_small.json, the dbt integration's
// expected START and COMPLETE, as its README says: one UUID for every
// {{ any(result) }} (run ids and version strings alike) and a timestamp for
// {{ is_datetime(result) }}. The template leaves out what the integration's
// test does not compare: the event's producer and schemaURL, which the spec
// and Parse require and every OpenLineage client sets, so they are added
// here; and the facets' _producer and _schemaURL, which the spec requires
// and Parse does not.
func TestParse_DBTTemplate(t *testing.T) {
	raw := readFile(t, filepath.Join(sharedDir(t), "events", "dbt_small.json"))
	const runID = "0190f3b2-7c1d-7e2f-8a3b-4c5d6e7f8a9b"
	raw = bytes.ReplaceAll(raw, []byte("{{ any(result) }}"), []byte(runID))
	raw = bytes.ReplaceAll(raw, []byte("{{ is_datetime(result) }}"), []byte("2024-05-01T03:00:00.123456+00:00"))

	items, err := ParseBatch(raw)
	if err != nil || len(items) != 2 {
		t.Fatalf("ParseBatch: %d items, %v", len(items), err)
	}
	_, err = Parse(items[0])
	if ps := problemsOf(t, err); len(ps) != 2 || !hasProblem(ps, "/producer") || !hasProblem(ps, "/schemaURL") {
		t.Fatalf("problems of the bare template = %v, want /producer and /schemaURL", ps)
	}
	for i := range items {
		items[i] = withEnvelope(t, items[i])
	}
	if loadSpec(t, false).validate(items[1]) == nil {
		t.Error("the spec accepts the filled template now; update this test's comment")
	}
	start, complete := mustParse(t, items[0]), mustParse(t, items[1])
	if start.EventType != Start || complete.EventType != Complete || start.RunID != runID || complete.RunID != runID {
		t.Errorf("START %s %s, COMPLETE %s %s", start.EventType, start.RunID, complete.EventType, complete.RunID)
	}
	if complete.Job.Type == nil || *complete.Job.Type != (JobType{"BATCH", "DBT", "MODEL"}) {
		t.Errorf("jobType = %+v", complete.Job.Type)
	}
	if complete.Parent == nil || complete.Parent.JobName != "dbt-job-name" || complete.Parent.JobNamespace != "dbt" {
		t.Errorf("parent = %+v", complete.Parent)
	}
	if s := complete.Outputs[0].Schema; len(s) != 1 || s[0].Name != "id" {
		t.Errorf("output schema = %+v", s)
	}
	if complete.Parent.RunID != runID {
		t.Errorf("parent run = %q, want %q", complete.Parent.RunID, runID)
	}
}

// withEnvelope adds the producer and schemaURL the dbt integration sends.
func withEnvelope(t *testing.T, raw json.RawMessage) json.RawMessage {
	t.Helper()
	var e map[string]any
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatal(err)
	}
	e["producer"] = "https://github.com/OpenLineage/OpenLineage/tree/1.30.1/integration/dbt"
	e["schemaURL"] = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
