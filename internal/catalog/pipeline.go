package catalog

import (
	"context"
	"encoding/json"
	"time"
)

// Pipeline is a registered pipeline as of its current version.
type Pipeline struct {
	OrgID         string
	Name          string
	Version       string
	Description   string
	Owner         string
	Environment   string
	Schedule      string
	Tags          []string
	ContentHash   string
	Definition    json.RawMessage // the normalised definition of the current version
	VersionsCount int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// AtVersion is the pipeline's entry as of v, one of its registered versions:
// what registering v's content again answers (API.md: the same version with
// the same content is the existing entry, even when a later version is
// current). The pipeline's own facts (name, versions count, creation) stay;
// the content is v's, which reg repeats, and updated_at is when v was
// registered.
func (p *Pipeline) AtVersion(v *PipelineVersion, reg PipelineRegistration) *Pipeline {
	if v.Version == p.Version {
		return p
	}
	at := *p
	at.Version, at.ContentHash, at.Definition, at.UpdatedAt = v.Version, v.ContentHash, v.Definition, v.CreatedAt
	at.Description, at.Owner, at.Environment, at.Schedule = reg.Description, reg.Owner, reg.Environment, reg.Schedule
	at.Tags = append([]string(nil), reg.Tags...)
	return &at
}

// PipelineVersion is one registered version of a pipeline.
type PipelineVersion struct {
	Name        string
	Version     string
	Seq         int
	ContentHash string
	Definition  json.RawMessage
	CreatedAt   time.Time
	CreatedBy   string
}

// PipelineRegistration is a validated definition to register.
type PipelineRegistration struct {
	Name        string
	Version     string // "" lets the content decide
	Description string
	Owner       string
	Environment string
	Schedule    string
	Tags        []string
	// ContentHash identifies the content regardless of version; it names
	// its algorithm, so a stored one can be compared after the algorithm
	// changes (SameContent).
	ContentHash string
	// SameContent reports whether a stored ContentHash, of any algorithm,
	// names this content. nil: only an identical hash does.
	SameContent func(storedHash string) bool
	// Definition renders the definition with the version that registration
	// settles on, which only the store knows when Version is "".
	Definition func(version string) json.RawMessage
	// NextVersion names the version after the current one.
	NextVersion func(current string) string
	// Datasets and Edges are the lineage the definition declares: its
	// datasets, with the external ones its edges name (known only by id),
	// and its edges. They become the pipeline's part of the organization's
	// lineage graph when the registration creates a version.
	Datasets []Dataset
	Edges    []LineageEdge
	// OpenLineageJobs are the OpenLineage jobs the pipeline is (its spec's
	// openlineage field; Namespace "" matches any namespace). None: the
	// job named as the pipeline is.
	OpenLineageJobs []OpenLineageJob
}

// Unchanged reports whether storedHash, kept with an earlier version, names
// the registration's content.
func (r PipelineRegistration) Unchanged(storedHash string) bool {
	if r.SameContent == nil {
		return storedHash == r.ContentHash
	}
	return r.SameContent(storedHash)
}

// PipelineFilter narrows a pipeline list. All Tags must match.
type PipelineFilter struct {
	Tags  []string
	Owner string
	Query string // substring of name or description
	Sort  string // one of PipelineSorts; "" is by name
	Page
}

// Pipeline list orders. Every order breaks ties by name, so paging through
// any of them visits each pipeline once.
const (
	PipelineSortName    = "name"    // by name
	PipelineSortUpdated = "updated" // most recently updated first
	PipelineSortOwner   = "owner"   // by owner, then name
)

// PipelineSorts lists the orders ListPipelines takes.
var PipelineSorts = []string{PipelineSortName, PipelineSortUpdated, PipelineSortOwner}

// PipelineService manages the caller's organization's pipelines.
type PipelineService interface {
	// RegisterPipeline applies version semantics: the same version with the
	// same content returns the existing entry (created false); the same
	// version with other content is ECONFLICT; a new version is created and
	// becomes current. A new name beyond the plan is ELIMIT. Audited as
	// pipeline.registered when something was created.
	RegisterPipeline(ctx context.Context, reg PipelineRegistration) (p *Pipeline, created bool, err error)
	// FindPipeline returns the current version. ENOTFOUND.
	FindPipeline(ctx context.Context, name string) (*Pipeline, error)
	// ListPipelines lists in f.Sort order (by name by default). An unknown
	// sort, or a cursor of another sort, is EINVALID.
	ListPipelines(ctx context.Context, f PipelineFilter) ([]*Pipeline, string, error)
	// ListPipelineVersions lists newest first. ENOTFOUND for an unknown pipeline.
	ListPipelineVersions(ctx context.Context, name string, page Page) ([]*PipelineVersion, string, error)
	// FindPipelineVersion returns one version. ENOTFOUND.
	FindPipelineVersion(ctx context.Context, name, version string) (*PipelineVersion, error)
	// DeletePipeline removes the pipeline and its versions, audited as
	// pipeline.deleted. ENOTFOUND.
	DeletePipeline(ctx context.Context, name string) error
}
