package catalog

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Check result statuses.
const (
	CheckPassed  = "passed"
	CheckFailed  = "failed"
	CheckError   = "error"
	CheckSkipped = "skipped"
)

// Check severities, as a pipeline definition declares them.
const (
	SeverityError = "error"
	SeverityWarn  = "warn"
)

// Limits of check results.
const (
	MaxCheckBatch        = 500
	MaxCheckIDLength     = 200
	MaxCheckMessageBytes = 8 << 10
	MaxCheckValueBytes   = 64 << 10 // each of observed_value and expected
)

// ValidCheckStatus reports whether s is a check result status.
func ValidCheckStatus(s string) bool {
	return s == CheckPassed || s == CheckFailed || s == CheckError || s == CheckSkipped
}

// ValidSeverity reports whether s is a check severity.
func ValidSeverity(s string) bool { return s == SeverityError || s == SeverityWarn }

// CheckResult is one recorded outcome of a data-quality check in a run.
type CheckResult struct {
	OrgID         string
	ID            string // chk_...
	RunID         string
	PipelineName  string
	CheckID       string
	Status        string
	Severity      string
	ObservedValue json.RawMessage // any JSON value, nil for none
	Expected      json.RawMessage
	Message       string
	ExecutedAt    time.Time
	CreatedAt     time.Time
	// Dataset is the dataset the check tested, nil when the result names
	// none (a POSTed result, or a test of the test run facet without one
	// input). Reads fill in its namespace and name.
	Dataset *Dataset
}

// CheckReport is one check result to record. Severity "" takes the check's
// severity in the current definition of the run's pipeline, else error;
// PipelineName "" takes the run's (a given one must match it); a nil
// ExecutedAt is the time of recording.
type CheckReport struct {
	RunID, CheckID, Status, Severity, PipelineName string
	ObservedValue, Expected                        json.RawMessage
	Message                                        string
	ExecutedAt                                     *time.Time
	DatasetID                                      string // the dataset tested, "" for none
}

// Validate reports every problem of the report that needs no stored state.
func (c CheckReport) Validate() []FieldError {
	var errs []FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError{field, fmt.Sprintf(format, args...)})
	}
	if c.RunID == "" {
		add("run_id", "run_id is required; name the run this check ran in.")
	}
	if c.CheckID == "" || len(c.CheckID) > MaxCheckIDLength {
		add("check_id", "check_id is required, at most %d characters.", MaxCheckIDLength)
	}
	if !ValidCheckStatus(c.Status) {
		add("status", "status must be one of passed, failed, error, skipped.")
	}
	if c.Severity != "" && !ValidSeverity(c.Severity) {
		add("severity", "severity must be error or warn, or left out to take the pipeline definition's.")
	}
	if len(c.Message) > MaxCheckMessageBytes {
		add("message", "message must be at most %d KiB.", MaxCheckMessageBytes>>10)
	}
	for i, v := range []json.RawMessage{c.ObservedValue, c.Expected} {
		if len(v) > MaxCheckValueBytes || (v != nil && !json.Valid(v)) {
			field := []string{"observed_value", "expected"}[i]
			add(field, "%s must be a JSON value of at most %d KiB.", field, MaxCheckValueBytes>>10)
		}
	}
	return errs
}

// CheckSeverities reads the severity of each check that a stored pipeline
// definition declares (check id → severity). The caller of the check
// services hands it over: the store keeps definitions as text and does not
// know their shape. Nil, or a definition it cannot read, declares none.
type CheckSeverities func(definition json.RawMessage) map[string]string

// ResolveSeverity is the severity the report is recorded with: its own,
// else the one declared (by the current definition of the run's pipeline),
// else error.
func (c CheckReport) ResolveSeverity(declared map[string]string) string {
	if c.Severity != "" {
		return c.Severity
	}
	if s, ok := declared[c.CheckID]; ok {
		return s
	}
	return SeverityError
}

// CheckBatchProblems reports a batch that is empty or too large: then
// nothing else of it is worth checking.
func CheckBatchProblems(n int) []FieldError {
	if n == 0 || n > MaxCheckBatch {
		return []FieldError{{"results", fmt.Sprintf("Send 1 to %d check results at a time (got %d); split larger batches.", MaxCheckBatch, n)}}
	}
	return nil
}

// ValidateCheckBatch reports every problem of every report, named
// results[i].field, given the runs that the reports name (a run missing
// from runs does not exist in the organization).
func ValidateCheckBatch(reports []CheckReport, runs map[string]*Run) []FieldError {
	var problems []FieldError
	add := func(i int, field, msg string) {
		problems = append(problems, FieldError{fmt.Sprintf("results[%d].%s", i, field), msg})
	}
	for i, rep := range reports {
		for _, p := range rep.Validate() {
			add(i, p.Field, p.Message)
		}
		if rep.RunID == "" {
			continue
		}
		switch run := runs[rep.RunID]; {
		case run == nil:
			add(i, "run_id", fmt.Sprintf("No run %q in this organization; post the run first.", rep.RunID))
		case rep.PipelineName != "" && rep.PipelineName != run.PipelineName:
			add(i, "pipeline_id", fmt.Sprintf("Run %s belongs to pipeline %s, not %s.", run.ID, run.PipelineName, rep.PipelineName))
		}
	}
	return problems
}

// NewCheckResult is the result that rep records in run at now, with
// severity (see ResolveSeverity). It runs at rep.ExecutedAt, else now; its
// values are kept compact, and JSON null as none.
func NewCheckResult(run *Run, rep CheckReport, severity string, now time.Time) *CheckResult {
	c := &CheckResult{OrgID: run.OrgID, ID: NewID("chk"), RunID: run.ID, PipelineName: run.PipelineName,
		CheckID: rep.CheckID, Status: rep.Status, Severity: severity, ObservedValue: compactJSON(rep.ObservedValue),
		Expected: compactJSON(rep.Expected), Message: rep.Message, ExecutedAt: now, CreatedAt: now}
	if rep.DatasetID != "" {
		c.Dataset = &Dataset{ID: rep.DatasetID}
	}
	if rep.ExecutedAt != nil {
		c.ExecutedAt = KeepTime(*rep.ExecutedAt)
	}
	return c
}

// FailsRun reports whether the result marks its run ChecksFailed: a failed
// check of severity error.
func (c *CheckResult) FailsRun() bool { return c.Status == CheckFailed && c.Severity == SeverityError }

// compactJSON keeps a JSON value compact, and JSON null as none.
func compactJSON(v json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if v == nil || json.Compact(&b, v) != nil || b.String() == "null" {
		return nil
	}
	return b.Bytes()
}

// CheckSummary counts a run's check results by status.
type CheckSummary struct {
	Total, Passed, Failed, Error, Skipped int
}

// CheckResultFilter narrows a check result list; Since bounds executed_at.
type CheckResultFilter struct {
	PipelineName, RunID, CheckID, Status, Severity string
	Since                                          *time.Time
	Page
}

// CheckService records the caller's organization's check results.
type CheckService interface {
	// RecordCheckResults stores 1 to MaxCheckBatch reports in one
	// transaction, all or nothing. EINVALID lists every problem of every
	// report, with fields named results[i].field (results for the batch
	// size), including a run that does not exist (results[i].run_id) and a
	// pipeline that is not the run's (results[i].pipeline_id). A failed
	// result of severity error marks its run ChecksFailed in the same
	// transaction. Results come back in the order of reports. A report
	// without severity takes the one severities reads from the current
	// definition of its run's pipeline (see ResolveSeverity).
	RecordCheckResults(ctx context.Context, reports []CheckReport, severities CheckSeverities) ([]*CheckResult, error)
	// ListCheckResults lists newest first (executed_at, then id,
	// descending). EINVALID for a cursor this store did not make.
	ListCheckResults(ctx context.Context, f CheckResultFilter) ([]*CheckResult, string, error)
	// SummarizeChecks counts every result of a run. ENOTFOUND for an
	// unknown run, also another organization's.
	SummarizeChecks(ctx context.Context, runID string) (CheckSummary, error)
}
