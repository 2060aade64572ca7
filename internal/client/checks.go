package client

import (
	"context"
	"net/url"
	"time"
)

// CheckResult is one data-quality check result of a run. ObservedValue
// and Expected are any JSON values (a number, a string, an object). ID
// and CreatedAt are set by the server.
type CheckResult struct {
	ID            string     `json:"id,omitempty"`
	RunID         string     `json:"run_id"`
	CheckID       string     `json:"check_id"`
	Status        string     `json:"status"`
	Severity      string     `json:"severity,omitempty"`
	PipelineID    string     `json:"pipeline_id,omitempty"`
	ObservedValue any        `json:"observed_value,omitempty"`
	Expected      any        `json:"expected,omitempty"`
	Message       string     `json:"message,omitempty"`
	ExecutedAt    *time.Time `json:"executed_at,omitempty"`
	CreatedAt     *time.Time `json:"created_at,omitempty"`
}

// maxCheckBatch is how many results API.md takes in one request.
const maxCheckBatch = 500

// ReportCheckResults posts results: one as a single result, several as
// {"results": [...]} in batches of up to 500, each stored atomically.
func (c *Client) ReportCheckResults(ctx context.Context, results ...CheckResult) error {
	if len(results) == 1 {
		return c.do(ctx, "POST", "/api/v1/checks/results", nil, results[0], nil)
	}
	for start := 0; start < len(results); start += maxCheckBatch {
		batch := results[start:min(start+maxCheckBatch, len(results))]
		body := map[string][]CheckResult{"results": batch}
		if err := c.do(ctx, "POST", "/api/v1/checks/results", nil, body, nil); err != nil {
			return err
		}
	}
	return nil
}

// CheckFilter narrows ListCheckResults; empty fields do not filter.
type CheckFilter struct {
	PipelineID, RunID, CheckID, Status, Severity string
	Since                                        *time.Time
}

// ListCheckResults returns one page of check results, newest first.
func (c *Client) ListCheckResults(ctx context.Context, f CheckFilter, p Page) (*List[CheckResult], error) {
	q := url.Values{}
	setNonEmpty(q, "pipeline_id", f.PipelineID)
	setNonEmpty(q, "run_id", f.RunID)
	setNonEmpty(q, "check_id", f.CheckID)
	setNonEmpty(q, "status", f.Status)
	setNonEmpty(q, "severity", f.Severity)
	setTime(q, "since", f.Since)
	return call[List[CheckResult]](ctx, c, "GET", "/api/v1/checks/results", p.add(q), nil)
}
