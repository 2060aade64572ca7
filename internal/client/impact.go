package client

import (
	"context"
	"strconv"
	"time"
)

// Impact is one page of what is downstream of a dataset, grouped by
// pipeline (GET /lineage/{dataset}/impact); the totals are the whole
// answer's on every page.
type Impact struct {
	Root          string         `json:"root"`
	Depth         int            `json:"depth"`
	Datasets      int            `json:"datasets"`
	Pipelines     int            `json:"pipelines"`
	Truncated     bool           `json:"truncated"`
	Owners        []OwnerImpact  `json:"owners"`
	FailingChecks []FailingCheck `json:"failing_checks"`
	Items         []ImpactGroup  `json:"items"`
	NextCursor    *string        `json:"next_cursor"`
}

// ImpactGroup is a pipeline (or an OpenLineage job, Job) whose edges
// reach downstream datasets.
type ImpactGroup struct {
	Pipeline   string          `json:"pipeline,omitempty"`
	Job        string          `json:"job,omitempty"`
	Source     string          `json:"source,omitempty"`
	Registered bool            `json:"registered"`
	Owner      string          `json:"owner"`
	Tags       []string        `json:"tags"`
	Schedule   string          `json:"schedule"`
	LastRun    *ImpactRun      `json:"last_run"`
	NextRunAt  *time.Time      `json:"next_run_at"`
	Blocked    bool            `json:"blocked"`
	BlockedBy  []FailingCheck  `json:"blocked_by"`
	Datasets   []ImpactDataset `json:"datasets"`
}

// ImpactRun is a pipeline's latest run.
type ImpactRun struct {
	RunID        string    `json:"run_id"`
	Status       string    `json:"status"`
	StartedAt    time.Time `json:"started_at"`
	ChecksFailed bool      `json:"checks_failed"`
}

// FailingCheck is an error-severity check that failed in its pipeline's
// latest run, with the dataset it guards.
type FailingCheck struct {
	ResultID   string    `json:"result_id"`
	RunID      string    `json:"run_id"`
	Pipeline   string    `json:"pipeline"`
	CheckID    string    `json:"check_id"`
	Dataset    string    `json:"dataset"`
	Message    string    `json:"message"`
	ExecutedAt time.Time `json:"executed_at"`
}

// ImpactDataset is a downstream dataset at its distance from the root.
type ImpactDataset struct {
	ID        string `json:"id"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name,omitempty"`
	Object    string `json:"object,omitempty"`
	Depth     int    `json:"depth"`
}

// OwnerImpact totals one owner's groups.
type OwnerImpact struct {
	Owner     string `json:"owner"`
	Pipelines int    `json:"pipelines"`
	Datasets  int    `json:"datasets"`
	Blocked   int    `json:"blocked"`
}

// Impact returns one page of the impact of dataset to depth (0: the
// server's default, 10).
func (c *Client) Impact(ctx context.Context, dataset string, depth int, p Page) (*Impact, error) {
	q := p.add(nil)
	if depth > 0 {
		q.Set("depth", strconv.Itoa(depth))
	}
	return call[Impact](ctx, c, "GET", itemPath("/api/v1/lineage", dataset)+"/impact", q, nil)
}

// AllImpact follows the pages of an impact and returns them as one: every
// group in Items, the totals of the first page.
func (c *Client) AllImpact(ctx context.Context, dataset string, depth int) (*Impact, error) {
	var all *Impact
	p := Page{Limit: maxPage}
	for {
		im, err := c.Impact(ctx, dataset, depth, p)
		if err != nil {
			return nil, err
		}
		if all == nil {
			all = im
		} else {
			all.Items = append(all.Items, im.Items...)
		}
		if im.NextCursor == nil {
			all.NextCursor = nil
			return all, nil
		}
		p.Cursor = *im.NextCursor
	}
}
