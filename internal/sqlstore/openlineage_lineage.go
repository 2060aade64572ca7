package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/openlineage"
)

// maxEventEdges bounds the edges one event declares: every input times
// every output grows fast, and one hostile event must not write millions
// of rows. Real jobs are far below it.
const maxEventEdges = 10000

// applyOpenLineageLineage declares the event's datasets and its inputs →
// outputs edges as its job's part of the graph (a DatasetEvent: its one
// dataset). An event without datasets leaves its job's edges alone, and so
// does one older than the newest event of the job that had datasets: a
// START delivered after its COMPLETE must not take back what COMPLETE said.
func (tx *Tx) applyOpenLineageLineage(ctx context.Context, orgID string, ev openlineage.Event) error {
	if ev.Kind == openlineage.KindDataset {
		d, err := tx.eventDataset(ctx, orgID, *ev.Dataset)
		if err != nil {
			return err
		}
		src := lineageSource{catalog.LineageSourceDataset, ev.Dataset.Namespace + "/" + ev.Dataset.Name}
		return tx.declareEventLineage(ctx, orgID, src, []catalog.Dataset{d}, nil)
	}
	if !carriesLineage(ev) {
		return nil
	}
	var newer int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM openlineage_events WHERE organization_id = ? AND job_namespace = ?
		AND job_name = ? AND has_lineage = ? AND event_time > ?`, orgID, ev.Job.Namespace, ev.Job.Name, true, ts(ev.EventTime)).Scan(&newer); err != nil {
		return fmt.Errorf("find newer events of job: %w", err)
	}
	if newer > 0 {
		return nil
	}
	ids := func(list []openlineage.Dataset) ([]string, []catalog.Dataset, error) {
		var out []string
		var nodes []catalog.Dataset
		for _, d := range list {
			node, err := tx.eventDataset(ctx, orgID, d)
			if err != nil {
				return nil, nil, err
			}
			out, nodes = append(out, node.ID), append(nodes, node)
		}
		return out, nodes, nil
	}
	ins, inNodes, err := ids(ev.Inputs)
	if err != nil {
		return err
	}
	outs, outNodes, err := ids(ev.Outputs)
	if err != nil {
		return err
	}
	var edges []catalog.LineageEdge
	seen := map[catalog.LineageEdge]bool{}
	for _, from := range ins {
		for _, to := range outs {
			e := catalog.LineageEdge{From: from, To: to}
			if from != to && !seen[e] && len(edges) < maxEventEdges {
				seen[e], edges = true, append(edges, e)
			}
		}
	}
	src := lineageSource{catalog.LineageSourceJob, ev.Job.Namespace + "/" + ev.Job.Name}
	return tx.declareEventLineage(ctx, orgID, src, append(inNodes, outNodes...), edges)
}

// eventDataset is the graph node of an OpenLineage dataset: the node whose
// object is the dataset's name (a spec's clean_orders for
// analytics.orders_clean; the smallest id if several), else a node with the
// name as its id. The latter gets no object, so that it never shadows a
// spec's node in a later match.
func (tx *Tx) eventDataset(ctx context.Context, orgID string, d openlineage.Dataset) (catalog.Dataset, error) {
	var id string
	err := tx.queryRow(ctx, `SELECT id FROM datasets WHERE organization_id = ? AND object = ? ORDER BY id LIMIT 1`, orgID, d.Name).Scan(&id)
	switch {
	case err == nil:
		return catalog.Dataset{ID: id, Namespace: d.Namespace, Object: d.Name}, nil
	case errors.Is(err, sql.ErrNoRows):
		return catalog.Dataset{ID: d.Name, Namespace: d.Namespace}, nil
	}
	return catalog.Dataset{}, fmt.Errorf("match dataset: %w", err)
}

// declareEventLineage replaces src's datasets and edges, then records the
// OpenLineage namespace on the nodes (replaceLineage keeps only spec
// fields; the newest event's namespace wins).
func (tx *Tx) declareEventLineage(ctx context.Context, orgID string, src lineageSource, nodes []catalog.Dataset, edges []catalog.LineageEdge) error {
	unique := map[string]catalog.Dataset{}
	var datasets []catalog.Dataset
	for _, n := range nodes {
		if _, dup := unique[n.ID]; !dup {
			unique[n.ID] = n
			datasets = append(datasets, n)
		}
	}
	if err := tx.replaceLineage(ctx, orgID, src, datasets, edges); err != nil {
		return err
	}
	for _, d := range datasets {
		if _, err := tx.exec(ctx, `UPDATE datasets SET namespace = ? WHERE organization_id = ? AND id = ? AND namespace <> ?`,
			d.Namespace, orgID, d.ID, d.Namespace); err != nil {
			return fmt.Errorf("set dataset namespace: %w", err)
		}
	}
	return nil
}
