package api

import (
	"encoding/json"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// definitionParts are the parts of a stored definition shown as they were
// registered (normalised).
type definitionParts struct {
	Sources    json.RawMessage `json:"sources"`
	Transforms json.RawMessage `json:"transforms"`
	Targets    json.RawMessage `json:"targets"`
	Checks     json.RawMessage `json:"checks"`
	Lineage    json.RawMessage `json:"lineage"`
}

type pipelineSummary struct {
	Name          string    `json:"name"`
	Version       string    `json:"version"`
	Description   string    `json:"description"`
	Owner         string    `json:"owner"`
	Environment   string    `json:"environment"`
	Schedule      string    `json:"schedule"`
	Tags          []string  `json:"tags"`
	VersionsCount int       `json:"versions_count"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	Late          *lateView `json:"late,omitempty"` // only while a scheduled run is overdue (lateness.go)
}

type pipelineView struct {
	pipelineSummary
	definitionParts
	LastRun *runSummary `json:"last_run"` // only the single-pipeline read fills it
	Created *bool       `json:"created,omitempty"`
}

func viewPipelineSummary(p *catalog.Pipeline) pipelineSummary {
	tags := p.Tags
	if tags == nil {
		tags = []string{}
	}
	return pipelineSummary{Name: p.Name, Version: p.Version, Description: p.Description, Owner: p.Owner, Environment: p.Environment,
		Schedule: p.Schedule, Tags: tags, VersionsCount: p.VersionsCount, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

func viewPipeline(p *catalog.Pipeline) pipelineView {
	v := pipelineView{pipelineSummary: viewPipelineSummary(p)}
	json.Unmarshal(p.Definition, &v.definitionParts) // written by this server; a bad one shows as nulls
	return v
}

type versionSummary struct {
	Version   string    `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
}

func viewVersionSummary(v *catalog.PipelineVersion) versionSummary {
	return versionSummary{Version: v.Version, CreatedAt: v.CreatedAt, CreatedBy: v.CreatedBy}
}

type versionView struct {
	versionSummary
	Definition json.RawMessage `json:"definition"`
}

func viewVersion(v *catalog.PipelineVersion) versionView {
	return versionView{versionSummary: viewVersionSummary(v), Definition: v.Definition}
}
