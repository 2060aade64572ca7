package openlineage

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParse_ErrNotJSON(t *testing.T) {
	for _, body := range []string{"", "  \n", "{", `{"eventTime": }`, "{} {}", `{"a":1}x`, "nope", "\xff\xfe"} {
		_, err := Parse([]byte(body))
		if !errors.Is(err, ErrNotJSON) {
			t.Errorf("Parse(%q) = %v, want ErrNotJSON", body, err)
		}
		var ve *ValidationError
		if errors.As(err, &ve) {
			t.Errorf("Parse(%q) is also a ValidationError", body)
		}
	}
}

func TestParse_NotAnObject(t *testing.T) {
	for _, body := range []string{"[]", `"event"`, "42", "null", "true"} {
		_, err := Parse([]byte(body))
		if ps := problemsOf(t, err); len(ps) != 1 || ps[0].Field != "" {
			t.Errorf("Parse(%s) problems = %v", body, ps)
		}
	}
}

// Every problem is reported at once, not only the first.
func TestParse_ReportsEveryProblem(t *testing.T) {
	body := `{"eventType": "DONE", "eventTime": "soon", "producer": 1,
	  "run": {"runId": "x"}, "job": {"namespace": "", "name": 2},
	  "inputs": [{"name": ""}, 7], "outputs": {}}`
	_, err := Parse([]byte(body))
	ps := problemsOf(t, err)
	for _, field := range []string{"/eventType", "/eventTime", "/producer", "/schemaURL", "/run/runId",
		"/job/namespace", "/job/name", "/inputs/0/namespace", "/inputs/0/name", "/inputs/1", "/outputs"} {
		if !hasProblem(ps, field) {
			t.Errorf("no problem at %s in %v", field, ps)
		}
	}
	if !strings.Contains(err.Error(), "/eventTime: eventTime must be an RFC 3339 date-time") {
		t.Errorf("Error() = %q", err)
	}
}

// A hostile event cannot make the answer grow without bound.
func TestParse_ProblemsAreCapped(t *testing.T) {
	inputs := strings.TrimSuffix(strings.Repeat(`{"namespace":1,"name":""},`, 500), ",")
	body := edit(t, func(e map[string]any) {})
	body = []byte(strings.Replace(string(body), `"inputs":[{"name":"ecommerce.orders","namespace":"postgres://prod:5432"}]`, `"inputs":[`+inputs+`]`, 1))
	_, err := Parse(body)
	ps := problemsOf(t, err)
	if got, want := len(ps), maxProblems+1; got != want {
		t.Fatalf("%d problems, want %d", got, want)
	}
	if last := ps[len(ps)-1]; last.Field != "" || !strings.Contains(last.Message, "900 more") {
		t.Errorf("last problem = %+v", last)
	}
}

// Facet names are the producer's: "/" and "~" in them are escaped in the
// JSON pointer (RFC 6901).
func TestParse_PointerEscaping(t *testing.T) {
	body := edit(t, func(e map[string]any) {
		obj(e["run"])["facets"] = map[string]any{"acme/v1~beta": "not an object"}
	})
	_, err := Parse(body)
	if ps := problemsOf(t, err); !hasProblem(ps, "/run/facets/acme~1v1~0beta") {
		t.Errorf("problems = %v", ps)
	}
}

func TestParse_Normalises(t *testing.T) {
	body := edit(t, func(e map[string]any) {
		obj(e["run"])["runId"] = "0190F1E4-2C3A-7B41-9D2E-5F6A7B8C9D01"
		e["eventTime"] = "2024-05-01T04:00:00.5+02:00"
		delete(e, "eventType") // optional in the spec: the event adds metadata
	})
	e := mustParse(t, body)
	if e.RunID != "0190f1e4-2c3a-7b41-9d2e-5f6a7b8c9d01" {
		t.Errorf("RunID = %q, want lower case", e.RunID)
	}
	if got := e.EventTime.UTC().Format("15:04:05.0"); got != "02:00:00.5" {
		t.Errorf("EventTime = %v", e.EventTime)
	}
	if e.EventType != "" || Status(e.EventType) != "" {
		t.Errorf("EventType = %q", e.EventType)
	}
	if string(e.Raw) != string(body) {
		t.Error("Raw is not the body as received")
	}
}

func TestParse_Integers(t *testing.T) {
	for literal, want := range map[string]any{"2000": int64(2000), "2000.0": int64(2000), "2e3": int64(2000), "-1": int64(-1),
		"1.5": "/rowCount", "1e30": "/rowCount", `"12"`: "/rowCount", "true": "/rowCount"} {
		body := edit(t, func(e map[string]any) {
			obj(e["outputs"].([]any)[0])["outputFacets"] = map[string]any{"outputStatistics": map[string]any{"rowCount": "PLACEHOLDER"}}
		})
		body = []byte(strings.Replace(string(body), `"PLACEHOLDER"`, literal, 1))
		e, err := Parse(body)
		if n, ok := want.(int64); ok {
			if err != nil || e.Outputs[0].Statistics.RowCount == nil || *e.Outputs[0].Statistics.RowCount != n {
				t.Errorf("rowCount %s: %v, %v", literal, err, e.Outputs)
			}
			continue
		}
		if ps := problemsOf(t, err); !hasProblem(ps, "/outputs/0/outputFacets/outputStatistics"+want.(string)) {
			t.Errorf("rowCount %s: problems %v", literal, ps)
		}
	}
}

func TestParseBatch(t *testing.T) {
	items, err := ParseBatch([]byte(fmt.Sprintf(" [%s, {\"broken\": true}, 3]\n", minimalRunEvent)))
	if err != nil || len(items) != 3 {
		t.Fatalf("ParseBatch = %d items, %v", len(items), err)
	}
	mustParse(t, items[0])
	if _, err := Parse(items[1]); err == nil {
		t.Error("the broken item parsed")
	}
	if items, err := ParseBatch([]byte("[]")); err != nil || len(items) != 0 {
		t.Errorf("empty batch = %v, %v", items, err)
	}
	if _, err := ParseBatch([]byte(minimalRunEvent)); len(problemsOf(t, err)) != 1 {
		t.Errorf("an object as a batch: %v", err)
	}
	for _, body := range []string{"", "[", "[1,]", "[] []"} {
		if _, err := ParseBatch([]byte(body)); !errors.Is(err, ErrNotJSON) {
			t.Errorf("ParseBatch(%q) = %v, want ErrNotJSON", body, err)
		}
	}
}
