package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// TestOpenLineage_BatchUnstorableEventFailsAlone: in a batch, an event with
// a NUL in its job name and one whose dataset name is over the limit fail
// alone with the field named, the others are stored, on both engines (on
// Postgres both used to be a 5xx for the whole batch, after the events
// before them were stored).
func TestOpenLineage_BatchUnstorableEventFailsAlone(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		_, key := e.newOrg("acme", catalog.PlanTeam)
		event := func(n int, job, dataset string) string {
			return fmt.Sprintf(`{"eventType":"COMPLETE","eventTime":"2026-06-07T05:00:00Z","producer":"https://example.com/t",
			  "schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
			  "run":{"runId":"0190a0b0-0000-7000-8000-%012d"},"job":{"namespace":"airflow","name":%s},
			  "outputs":[{"namespace":"warehouse","name":%q}]}`, n, job, dataset)
		}
		long := strings.Repeat("x", catalog.MaxDatasetNameBytes+1) // dataset names are stored up to 8 KiB
		batch := "[" + strings.Join([]string{
			event(1, `"first"`, "a"),
			event(2, `"bad\u0000job"`, "b"),
			event(3, `"third"`, long),
			event(4, `"fourth"`, "d"),
		}, ",") + "]"
		m := e.do("POST", "/api/v1/lineage/batch", key, batch).expect(200).json()
		failed := m["failed_events"].([]any)
		if m["status"] != "partial_success" || len(failed) != 2 {
			t.Fatalf("batch answer %v", m)
		}
		for i, want := range []struct {
			index float64
			field string
		}{{1, "job.name"}, {2, "outputs[0].name"}} {
			f := failed[i].(map[string]any)
			fields := fieldsOf(f)
			if f["index"] != want.index || f["code"] != "validation_failed" || len(fields) != 1 || fields[0] != want.field {
				t.Errorf("failed event %d = %v; want index %v naming %s", i, f, want.index, want.field)
			}
		}
		items := e.do("GET", "/api/v1/lineage/events", key, "").expect(200).json()["items"].([]any)
		if len(items) != 2 {
			t.Fatalf("%d events stored, want the 2 good ones", len(items))
		}
		// Alone, the same events are 422 naming the field.
		if got := fieldsOf(e.do("POST", "/api/v1/lineage", key, event(5, `"x\ud800"`, "e")).expect(422).json()); len(got) != 1 || got[0] != "job.name" {
			t.Fatalf("single event fields %v", got)
		}
	})
}
