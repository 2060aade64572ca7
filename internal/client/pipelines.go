package client

import (
	"context"
	"encoding/json"
	"net/url"
	"time"
)

// Pipeline is a registered pipeline at its current version. Lists carry
// the summary fields only; GetPipeline and RegisterPipeline add the
// definition parts, as the API stores them (normalised).
type Pipeline struct {
	Name          string          `json:"name"`
	Version       string          `json:"version"`
	Description   string          `json:"description"`
	Owner         string          `json:"owner"`
	Environment   string          `json:"environment"`
	Schedule      string          `json:"schedule"`
	Tags          []string        `json:"tags"`
	VersionsCount int             `json:"versions_count"`
	CreatedAt     time.Time       `json:"created_at"`
	UpdatedAt     time.Time       `json:"updated_at"`
	Sources       json.RawMessage `json:"sources,omitempty"`
	Transforms    json.RawMessage `json:"transforms,omitempty"`
	Targets       json.RawMessage `json:"targets,omitempty"`
	Checks        json.RawMessage `json:"checks,omitempty"`
	Lineage       json.RawMessage `json:"lineage,omitempty"`
	LastRun       json.RawMessage `json:"last_run,omitempty"`
	// Created is set by RegisterPipeline: true when the call added a
	// pipeline or a version, false when the content was already there.
	Created *bool `json:"created,omitempty"`
	// Warnings are set by RegisterPipeline: what the registration
	// accepted but the caller should fix (a connection_ref naming no
	// connection), with the field it is about.
	Warnings []FieldError `json:"warnings,omitempty"`
}

// RegisterPipeline registers a definition given as pipeline.json (or the
// spec shape as JSON). Registering the same content again is a no-op.
func (c *Client) RegisterPipeline(ctx context.Context, definition []byte) (*Pipeline, error) {
	return call[Pipeline](ctx, c, "POST", "/api/v1/pipelines/", nil, definition)
}

// PipelineFilter narrows ListPipelines: every tag must match; Query is a
// name or description substring.
type PipelineFilter struct {
	Tags  []string
	Owner string
	Query string
}

// ListPipelines returns one page of pipelines, by name.
func (c *Client) ListPipelines(ctx context.Context, f PipelineFilter, p Page) (*List[Pipeline], error) {
	q := url.Values{"tag": f.Tags}
	if f.Owner != "" {
		q.Set("owner", f.Owner)
	}
	if f.Query != "" {
		q.Set("q", f.Query)
	}
	return call[List[Pipeline]](ctx, c, "GET", "/api/v1/pipelines/", p.add(q), nil)
}

// AllPipelines returns every pipeline matching f, following the pages.
func (c *Client) AllPipelines(ctx context.Context, f PipelineFilter) ([]Pipeline, error) {
	return all(ctx, func(ctx context.Context, p Page) (*List[Pipeline], error) { return c.ListPipelines(ctx, f, p) })
}

// GetPipeline returns the pipeline name at its current version.
func (c *Client) GetPipeline(ctx context.Context, name string) (*Pipeline, error) {
	return call[Pipeline](ctx, c, "GET", itemPath("/api/v1/pipelines", name), nil, nil)
}

// GetPipelineRaw returns the JSON the API answers for the pipeline name,
// whose definition parts read as pipeline.json (extra fields aside).
func (c *Client) GetPipelineRaw(ctx context.Context, name string) (json.RawMessage, error) {
	out, err := call[json.RawMessage](ctx, c, "GET", itemPath("/api/v1/pipelines", name), nil, nil)
	if err != nil {
		return nil, err
	}
	return *out, nil
}

// DeletePipeline deletes the pipeline name; its runs stay in history.
func (c *Client) DeletePipeline(ctx context.Context, name string) error {
	return c.do(ctx, "DELETE", itemPath("/api/v1/pipelines", name), nil, nil, nil)
}

// PipelineVersion is one registered version with its definition.
type PipelineVersion struct {
	Version    string          `json:"version"`
	CreatedAt  time.Time       `json:"created_at"`
	CreatedBy  string          `json:"created_by"`
	Definition json.RawMessage `json:"definition"`
}

// GetPipelineVersion returns version of the pipeline name.
func (c *Client) GetPipelineVersion(ctx context.Context, name, version string) (*PipelineVersion, error) {
	path := itemPath(itemPath("/api/v1/pipelines", name)+"/versions", version)
	return call[PipelineVersion](ctx, c, "GET", path, nil, nil)
}
