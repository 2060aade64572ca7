package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/spec"
)

// lineageSource is who declares datasets and edges: a registered pipeline
// now; an OpenLineage job later (kind "job"), whose edges then live beside
// the pipelines' without touching them. Each source's part of the graph is
// replaced as a whole.
type lineageSource struct{ kind, name string }

// sourcePipeline is the kind of lineage declared by pipeline specs.
const sourcePipeline = "pipeline"

// afterPipelineVersion is where other aggregates follow a new current
// version: the pipeline's datasets and edges replace its old ones in the
// organization's graph, inside the registration's transaction.
func (tx *Tx) afterPipelineVersion(ctx context.Context, p *catalog.Pipeline) error {
	// The definition is the JSON the server rendered from a spec.Pipeline.
	var def spec.Pipeline
	if err := json.Unmarshal(p.Definition, &def); err != nil {
		return fmt.Errorf("pipeline %s definition: %w", p.Name, err)
	}
	datasets, edges := declaredLineage(&def)
	return tx.replaceLineage(ctx, p.OrgID, lineageSource{sourcePipeline, p.Name}, datasets, edges)
}

// afterPipelineDeleted is where other aggregates forget a deleted pipeline:
// its edges leave the graph, and so do datasets nothing else declares.
// Versions and tags go by foreign-key cascade; runs stay in history.
func (tx *Tx) afterPipelineDeleted(ctx context.Context, orgID, name string) error {
	return tx.replaceLineage(ctx, orgID, lineageSource{sourcePipeline, name}, nil, nil)
}

// declaredLineage returns the datasets a definition declares, plus the
// external datasets its edges name (inputs from other pipelines, known only
// by id), and its edges.
func declaredLineage(def *spec.Pipeline) ([]catalog.Dataset, []catalog.LineageEdge) {
	var datasets []catalog.Dataset
	seen := map[string]bool{}
	for _, d := range def.Datasets() {
		datasets = append(datasets, catalog.Dataset{ID: d.ID, Object: d.Object, ConnectionRef: d.ConnectionRef})
		seen[d.ID] = true
	}
	var edges []catalog.LineageEdge
	for _, e := range def.Edges() {
		edges = append(edges, catalog.LineageEdge{From: e.From, To: e.To})
		for _, id := range []string{e.From, e.To} {
			if !seen[id] {
				datasets = append(datasets, catalog.Dataset{ID: id})
				seen[id] = true
			}
		}
	}
	return datasets, edges
}
