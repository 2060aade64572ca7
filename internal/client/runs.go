package client

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"time"
)

// Run statuses (API.md "Runs").
const (
	RunQueued    = "queued"
	RunRunning   = "running"
	RunSuccess   = "success"
	RunFailed    = "failed"
	RunCancelled = "cancelled"
)

// Run is one run of a pipeline. PipelineID is the pipeline's name.
// GetRun adds the run's check results and their summary.
type Run struct {
	RunID           string          `json:"run_id"`
	PipelineID      string          `json:"pipeline_id"`
	Status          string          `json:"status"`
	StartedAt       *time.Time      `json:"started_at"`
	FinishedAt      *time.Time      `json:"finished_at"`
	DurationSeconds *float64        `json:"duration_seconds"`
	Error           *string         `json:"error"`
	Attributes      json.RawMessage `json:"attributes,omitempty"`
	ChecksFailed    bool            `json:"checks_failed"`
	CreatedAt       *time.Time      `json:"created_at,omitempty"`
	UpdatedAt       *time.Time      `json:"updated_at,omitempty"`
	Checks          []CheckResult   `json:"checks,omitempty"`
	ChecksSummary   *ChecksSummary  `json:"checks_summary,omitempty"`
	// Created is set by CreateRun: false when the post updated a run.
	Created *bool `json:"created,omitempty"`
}

// ChecksSummary counts a run's check results by status.
type ChecksSummary struct {
	Total   int `json:"total"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Error   int `json:"error"`
	Skipped int `json:"skipped"`
}

// NewRun is what CreateRun posts. Without RunID the server assigns one
// (run-YYYYMMDD-NNN); with the RunID of an existing run it updates it.
type NewRun struct {
	PipelineID string         `json:"pipeline_id"`
	Status     string         `json:"status"`
	RunID      string         `json:"run_id,omitempty"`
	StartedAt  *time.Time     `json:"started_at,omitempty"`
	FinishedAt *time.Time     `json:"finished_at,omitempty"`
	Error      string         `json:"error,omitempty"`
	Attributes map[string]any `json:"attributes,omitempty"`
}

// CreateRun posts a run event (POST /runs/).
func (c *Client) CreateRun(ctx context.Context, r NewRun) (*Run, error) {
	return call[Run](ctx, c, "POST", "/api/v1/runs/", nil, r)
}

// RunUpdate changes a run (PATCH); nil fields stay as they are.
type RunUpdate struct {
	Status     *string    `json:"status,omitempty"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	Error      *string    `json:"error,omitempty"`
}

// UpdateRun changes the run runID. A finished run cannot change status
// again (409), except by an identical repeat.
func (c *Client) UpdateRun(ctx context.Context, runID string, u RunUpdate) (*Run, error) {
	return call[Run](ctx, c, "PATCH", itemPath("/api/v1/runs", runID), nil, u)
}

// GetRun returns the run runID with its check results summary.
func (c *Client) GetRun(ctx context.Context, runID string) (*Run, error) {
	return call[Run](ctx, c, "GET", itemPath("/api/v1/runs", runID), nil, nil)
}

// RunFilter narrows ListRuns; empty fields do not filter. PipelineID is
// the pipeline's name.
type RunFilter struct {
	PipelineID, Status string
	Since, Until       *time.Time
	// ChecksFailed, when set, keeps only runs whose error-severity checks
	// failed (true) or did not (false), whatever their status.
	ChecksFailed *bool
}

// ListRuns returns one page of runs, newest first.
func (c *Client) ListRuns(ctx context.Context, f RunFilter, p Page) (*List[Run], error) {
	q := url.Values{}
	setNonEmpty(q, "pipeline_id", f.PipelineID)
	setNonEmpty(q, "status", f.Status)
	setTime(q, "since", f.Since)
	setTime(q, "until", f.Until)
	if f.ChecksFailed != nil {
		q.Set("checks_failed", strconv.FormatBool(*f.ChecksFailed))
	}
	return call[List[Run]](ctx, c, "GET", "/api/v1/runs/", p.add(q), nil)
}
