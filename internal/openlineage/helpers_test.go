package openlineage

import (
	"encoding/json"
	"errors"
	"testing"
)

// minimalRunEvent is a small valid RunEvent that tests change one thing in.
const minimalRunEvent = `{
  "eventType": "START",
  "eventTime": "2024-05-01T02:00:00Z",
  "producer": "https://github.com/apache/airflow/tree/providers-openlineage/2.1.0",
  "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
  "run": {"runId": "0190f1e4-2c3a-7b41-9d2e-5f6a7b8c9d01"},
  "job": {"namespace": "airflow://prod", "name": "orders_sync.extract"},
  "inputs": [{"namespace": "postgres://prod:5432", "name": "ecommerce.orders"}],
  "outputs": [{"namespace": "bigquery", "name": "analytics.orders_clean"}]
}`

// edit returns minimalRunEvent changed by change, as JSON.
func edit(t testing.TB, change func(e map[string]any)) []byte {
	t.Helper()
	var e map[string]any
	if err := json.Unmarshal([]byte(minimalRunEvent), &e); err != nil {
		t.Fatal(err)
	}
	change(e)
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// obj is a shorthand for the nested maps edit works on.
func obj(v any) map[string]any { return v.(map[string]any) }

// mustParse parses body or fails the test.
func mustParse(t testing.TB, body []byte) Event {
	t.Helper()
	e, err := Parse(body)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return e
}

// problemsOf returns the problems of a *ValidationError, failing the test
// for any other outcome.
func problemsOf(t testing.TB, err error) []Problem {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want a *ValidationError", err)
	}
	return ve.Problems
}

// hasProblem reports whether ps has a problem at field.
func hasProblem(ps []Problem, field string) bool {
	for _, p := range ps {
		if p.Field == field {
			return true
		}
	}
	return false
}
