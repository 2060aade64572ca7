package sqlstore

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/openlineage"
)

// The values OpenLineage facets give the catalog's runs and check results.

// testStatus maps the test facet's status (pass, fail, skip by convention;
// some producers write passed or success) onto a check status; anything
// else is error, since the test said neither.
func testStatus(s string) string {
	switch strings.ToLower(s) {
	case "pass", "passed", "success":
		return catalog.CheckPassed
	case "fail", "failed", "failure":
		return catalog.CheckFailed
	case "skip", "skipped":
		return catalog.CheckSkipped
	}
	return catalog.CheckError
}

// jsonString is s as a JSON string value, nil for "".
func jsonString(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	b, _ := json.Marshal(clipBytes(s, 1024))
	return b
}

// failedTask is the attributes change noting a task's FAIL on its DAG run:
// failed_tasks maps each failed task's job name to its error message. The
// stored map is extended, as attributes merge only their top-level keys.
func failedTask(cur json.RawMessage, ev openlineage.Event) json.RawMessage {
	if ev.EventType != openlineage.Fail {
		return nil
	}
	var attrs struct {
		Failed map[string]string `json:"failed_tasks"`
	}
	_ = json.Unmarshal(cur, &attrs) // not an object, or none: start a new map
	if attrs.Failed == nil {
		attrs.Failed = map[string]string{}
	}
	msg := ""
	if ev.Error != nil {
		msg = clipBytes(ev.Error.Message, 512)
	}
	attrs.Failed[ev.Job.Name] = msg
	b, _ := json.Marshal(attrs)
	return b
}

// clipBytes cuts s to at most n bytes without splitting a character.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
