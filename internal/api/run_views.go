package api

import (
	"encoding/json"
	"math"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// runSummary is a run as a pipeline's last_run shows it.
type runSummary struct {
	RunID           string     `json:"run_id"`
	Status          string     `json:"status"`
	StartedAt       time.Time  `json:"started_at"`
	FinishedAt      *time.Time `json:"finished_at"`
	DurationSeconds *float64   `json:"duration_seconds"`
	ChecksFailed    bool       `json:"checks_failed"`
}

func viewRunSummary(r *catalog.Run) runSummary {
	v := runSummary{RunID: r.ID, Status: r.Status, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, ChecksFailed: r.ChecksFailed}
	if d, ok := r.Duration(); ok {
		s := math.Round(d.Seconds()*1000) / 1000 // milliseconds are precision enough for a run
		v.DurationSeconds = &s
	}
	return v
}

type runView struct {
	runSummary
	PipelineID string          `json:"pipeline_id"`
	Error      *string         `json:"error"`
	Attributes json.RawMessage `json:"attributes"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
	Created    *bool           `json:"created,omitempty"`
}

func viewRun(r *catalog.Run) runView {
	v := runView{runSummary: viewRunSummary(r), PipelineID: r.PipelineName, Attributes: r.Attributes,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if r.Error != "" {
		v.Error = &r.Error
	}
	if v.Attributes == nil {
		v.Attributes = json.RawMessage(`{}`)
	}
	return v
}

type checksSummaryView struct {
	Total   int `json:"total"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Error   int `json:"error"`
	Skipped int `json:"skipped"`
}

// runDetailView is one run with its newest check results.
type runDetailView struct {
	runView
	Checks        []checkResultView `json:"checks"`
	ChecksSummary checksSummaryView `json:"checks_summary"`
}

type checkResultView struct {
	ID            string          `json:"id"`
	RunID         string          `json:"run_id"`
	PipelineID    string          `json:"pipeline_id"`
	CheckID       string          `json:"check_id"`
	Status        string          `json:"status"`
	Severity      string          `json:"severity"`
	ObservedValue json.RawMessage `json:"observed_value"`
	Expected      json.RawMessage `json:"expected"`
	Message       string          `json:"message"`
	ExecutedAt    time.Time       `json:"executed_at"`
	CreatedAt     time.Time       `json:"created_at"`
	// Dataset is the dataset the check tested (an OpenLineage
	// dataQualityAssertions facet's dataset), null when it names none.
	Dataset *checkedDatasetView `json:"dataset"`
}

type checkedDatasetView struct {
	ID        string `json:"id"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

func viewCheckResult(c *catalog.CheckResult) checkResultView {
	v := checkResultView{ID: c.ID, RunID: c.RunID, PipelineID: c.PipelineName, CheckID: c.CheckID, Status: c.Status,
		Severity: c.Severity, ObservedValue: c.ObservedValue, Expected: c.Expected, // nil encodes as null
		Message: c.Message, ExecutedAt: c.ExecutedAt, CreatedAt: c.CreatedAt}
	if d := c.Dataset; d != nil {
		v.Dataset = &checkedDatasetView{ID: d.ID, Namespace: d.Namespace, Name: d.Name}
	}
	return v
}
