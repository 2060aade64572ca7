package api

import (
	"encoding/json"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/openlineage"
	"github.com/dataxpipe/catalog/internal/spec"
)

// The parsers' types become the catalog's plain ones here, at the edge:
// the store knows neither spec nor openlineage.

// declaredLineage returns the datasets a definition declares, plus the
// external datasets its edges name (inputs from other pipelines, known only
// by id), and its edges.
func declaredLineage(p *spec.Pipeline) ([]catalog.Dataset, []catalog.LineageEdge) {
	var datasets []catalog.Dataset
	seen := map[string]bool{}
	for _, d := range p.Datasets() {
		datasets = append(datasets, catalog.Dataset{ID: d.ID, Object: d.Object, ConnectionRef: d.ConnectionRef})
		seen[d.ID] = true
	}
	var edges []catalog.LineageEdge
	for _, e := range p.Edges() {
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

// openLineageJobs are the OpenLineage jobs a definition says it is.
func openLineageJobs(p *spec.Pipeline) []catalog.OpenLineageJob {
	var out []catalog.OpenLineageJob
	for _, j := range p.OpenLineage {
		out = append(out, catalog.OpenLineageJob{Namespace: j.Namespace, Name: j.Name})
	}
	return out
}

// checkSeverities reads the check severities of a definition this server
// stored (the JSON of a spec.Pipeline); one it cannot decode declares none.
func checkSeverities(definition json.RawMessage) map[string]string {
	p, _, err := spec.Decode("application/json", definition)
	if err != nil || p == nil {
		return nil
	}
	out := map[string]string{}
	for _, c := range p.Checks {
		if _, dup := out[c.ID]; !dup { // the first of duplicate ids wins
			out[c.ID], _ = p.CheckSeverity(c.ID)
		}
	}
	return out
}

// lineageEvent is a parsed OpenLineage event as the catalog maps it: the
// parser's status of an event type applied, and the event placed in its run
// hierarchy (catalog.OpenLineageEvent.WithHierarchy).
func lineageEvent(ev openlineage.Event) catalog.OpenLineageEvent {
	out := catalog.OpenLineageEvent{
		Kind: lineageKinds[ev.Kind], EventType: string(ev.EventType), EventTime: ev.EventTime,
		Fingerprint: ev.Fingerprint(), Raw: ev.Raw, RunID: ev.RunID,
		JobNamespace: ev.Job.Namespace, JobName: ev.Job.Name,
		Inputs: lineageDatasets(ev.Inputs), Outputs: lineageDatasets(ev.Outputs),
	}
	if ev.Kind == openlineage.KindRun {
		out.Status, out.Terminal = openlineage.Status(ev.EventType), openlineage.Terminal(ev.EventType)
		out.Parent, out.Root = runRef(ev.Parent), runRef(ev.Root)
		if ev.Job.Type != nil {
			out.JobType = ev.Job.Type.JobType
		}
	}
	if ev.Error != nil {
		out.ErrorMessage = ev.Error.Message
	}
	for _, t := range ev.Tests {
		out.Tests = append(out.Tests, catalog.OpenLineageTest{Name: t.Name, Status: t.Status, Severity: t.Severity,
			Description: t.Description, Expected: t.Expected, Actual: t.Actual})
	}
	if ev.Dataset != nil {
		d := lineageDatasets([]openlineage.Dataset{*ev.Dataset})[0]
		out.Dataset = &d
	}
	return out.WithHierarchy()
}

func runRef(r *openlineage.RunRef) *catalog.OpenLineageRunRef {
	if r == nil {
		return nil
	}
	return &catalog.OpenLineageRunRef{RunID: r.RunID, JobNamespace: r.JobNamespace, JobName: r.JobName}
}

var lineageKinds = map[openlineage.Kind]string{
	openlineage.KindRun: catalog.OpenLineageRunEvent, openlineage.KindJob: catalog.OpenLineageJobEvent,
	openlineage.KindDataset: catalog.OpenLineageDatasetEvent,
}

func lineageDatasets(list []openlineage.Dataset) []catalog.OpenLineageDataset {
	var out []catalog.OpenLineageDataset
	for _, d := range list {
		cd := catalog.OpenLineageDataset{Namespace: d.Namespace, Name: d.Name, Facets: d.Facets}
		for _, s := range d.Symlinks {
			cd.Symlinks = append(cd.Symlinks, catalog.OpenLineageSymlink{Namespace: s.Namespace, Name: s.Name, Type: s.Type})
		}
		for _, a := range d.Assertions {
			cd.Assertions = append(cd.Assertions, catalog.OpenLineageAssertion{Assertion: a.Assertion, Success: a.Success,
				Column: a.Column, Severity: a.Severity, Name: a.Name, Expected: a.Expected, Actual: a.Actual})
		}
		out = append(out, cd)
	}
	return out
}
