package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Dataset is a node of an organization's lineage graph. Its ID is the id
// declared in pipeline specs (clean_orders), or for a dataset that arrives
// through OpenLineage events ObservedDatasetID(Namespace, Name); Object and
// ConnectionRef are "" when no declaration says them. Namespace and Name
// are the OpenLineage identity ("" for spec datasets that no event met).
type Dataset struct {
	ID            string
	Namespace     string
	Name          string
	Object        string
	ConnectionRef string
	// Dropped says the newest lifecycleStateChange facet reported DROP.
	Dropped bool
}

// LineageEdge says data flows From one dataset To another, as declared by
// Pipeline.
type LineageEdge struct {
	From, To, Pipeline string
	Job                string // the OpenLineage job ("namespace/name") that reported the edge, if any
	// Historic is true for an edge of a job's older run that its latest
	// run reporting lineage did not report again. Spec edges never are.
	Historic bool
	// FirstSeen and LastSeen are the event times of the first and last
	// run that reported a job's edge; nil for spec edges.
	FirstSeen, LastSeen *time.Time
}

// Direction is which way a lineage walk goes from its root.
type Direction string

// The directions of a lineage walk.
const (
	Upstream   Direction = "upstream"
	Downstream Direction = "downstream"
	Both       Direction = "both"
)

// Lineage walk depths, as API.md fixes them.
const (
	DefaultLineageDepth = 3
	MaxLineageDepth     = 50
)

// LineageQuery asks for the subgraph around Root up to Depth edges away.
type LineageQuery struct {
	Root      string
	Direction Direction
	Depth     int
	History   bool // also follow historic edges (LineageEdge.Historic)
}

// Validate lists the query's problems.
func (q LineageQuery) Validate() []FieldError {
	var errs []FieldError
	switch q.Direction {
	case Upstream, Downstream, Both:
	default:
		errs = append(errs, FieldError{"direction", "direction must be upstream, downstream or both."})
	}
	if q.Depth < 1 || q.Depth > MaxLineageDepth {
		errs = append(errs, FieldError{"depth", fmt.Sprintf("depth must be a whole number from 1 to %d.", MaxLineageDepth)})
	}
	return errs
}

// LineageNode is a dataset of a walk with its smallest distance from the root.
type LineageNode struct {
	Dataset
	Depth int
}

// LineageGraph is the answer to a LineageQuery. Nodes are ordered by depth,
// then id; Edges by from, to, pipeline. Edges are those the walk followed:
// every edge, in the walk's direction, leaving a node closer than Depth.
// Truncated says some node at Depth has further edges the walk did not
// follow. For Both, the upstream and downstream walks are made separately
// and merged: a node reached both ways keeps the smaller depth.
type LineageGraph struct {
	LineageQuery
	Nodes     []LineageNode
	Edges     []LineageEdge
	Truncated bool
}

// Neighbour is a dataset one edge away, with the pipelines declaring that edge.
type Neighbour struct {
	Dataset
	Pipelines []string
}

// DatasetDetail is a dataset with the pipelines that produce it (declare an
// edge into it) and its direct upstream and downstream neighbours.
type DatasetDetail struct {
	Dataset
	// Facets are the kept OpenLineage facets (KeptDatasetFacets) by name,
	// as the newest event said them: schema, documentation, ownership,
	// dataSource, columnLineage, lifecycleStateChange.
	Facets     map[string]json.RawMessage
	Producers  []string
	Upstream   []Neighbour
	Downstream []Neighbour
}

// DatasetFilter narrows a dataset list; Query is a case-insensitive
// substring of the id, the name or the object; Namespace and Name match
// exactly when given.
type DatasetFilter struct {
	Query           string
	Namespace, Name string
	Page
}

// LineageService reads the caller's organization's lineage graph. The graph
// is written as a side effect of registering and deleting pipelines, so
// the two always agree.
type LineageService interface {
	// Lineage walks the graph from q.Root. EINVALID for a bad query;
	// ENOTFOUND if the organization has no dataset q.Root.
	Lineage(ctx context.Context, q LineageQuery) (*LineageGraph, error)
	// ListDatasets lists datasets by id.
	ListDatasets(ctx context.Context, f DatasetFilter) ([]*Dataset, string, error)
	// FindDataset returns one dataset with its producers and neighbours.
	// ENOTFOUND.
	FindDataset(ctx context.Context, id string) (*DatasetDetail, error)
	// ResolveDataset returns the id of the dataset ref addresses: its id,
	// else the one dataset of that name, or the dataset (Namespace, Name).
	// ENOTFOUND; ECONFLICT (AmbiguousDataset) for a bare name that several
	// datasets carry.
	ResolveDataset(ctx context.Context, ref DatasetRef) (string, error)
}
