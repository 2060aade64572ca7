package openlineage

import (
	"encoding/hex"
	"testing"
)

func TestEvent_Fingerprint(t *testing.T) {
	a := mustParse(t, []byte(minimalRunEvent))
	if b, err := hex.DecodeString(a.Fingerprint()); err != nil || len(b) != 32 {
		t.Fatalf("Fingerprint = %q, want hex SHA-256", a.Fingerprint())
	}

	// Same event: other key order, whitespace and string escapes.
	same := `{"job":{"name":"orders_sync.extract","namespace":"airflow://prod"},
	  "outputs":[{"name":"analytics.orders_clean","namespace":"bigquery"}],"eventType":"START",
	  "run":{"runId":"0190f1e4-2c3a-7b41-9d2e-5f6a7b8c9d01"},"eventTime":"2024-05-01T02:00:00Z",
	  "inputs":[{"namespace":"postgres://prod:5432","name":"ecommerce.\u006frders"}],
	  "producer":"https://github.com/apache/airflow/tree/providers-openlineage/2.1.0",
	  "schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"}`
	if b := mustParse(t, []byte(same)); b.Fingerprint() != a.Fingerprint() {
		t.Error("the same event re-serialised has another fingerprint")
	}

	// Any change of content changes it, including list order.
	for name, change := range map[string]func(e map[string]any){
		"event type": func(e map[string]any) { e["eventType"] = "COMPLETE" },
		"time":       func(e map[string]any) { e["eventTime"] = "2024-05-01T02:00:01Z" },
		"inputs order": func(e map[string]any) {
			e["inputs"] = append(e["inputs"].([]any), map[string]any{"namespace": "x", "name": "y"})
			in := e["inputs"].([]any)
			in[0], in[1] = in[1], in[0]
		},
	} {
		if c := mustParse(t, edit(t, change)); c.Fingerprint() == a.Fingerprint() {
			t.Errorf("%s: same fingerprint", name)
		}
	}

	// An Event built from Raw alone (as the store may) gets the same value.
	if got := (Event{Raw: a.Raw}).Fingerprint(); got != a.Fingerprint() {
		t.Errorf("from Raw = %s, from Parse = %s", got, a.Fingerprint())
	}
}
