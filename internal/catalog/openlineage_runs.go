package catalog

import (
	"cmp"
	"slices"
	"time"
)

// A run's lineage is the union of what its events report: Spark reports
// inputs on START and outputs on COMPLETE, and the edge is the run's all the
// same. A job's current edges are those of its latest run that reported
// any; edges of older runs stay as history with the times they were seen.

// RunDataset is a dataset one run reported on one side, with the first and
// last time (event time) any of the run's events reported it there.
type RunDataset struct {
	ID                  string
	FirstSeen, LastSeen time.Time
}

// RunKey is the key of the run whose lineage an event adds to: its runId,
// or for a JobEvent (which has no run) the job itself, so a job's static
// declaration is one "run" that later declarations extend.
func (ev OpenLineageEvent) RunKey() string {
	if ev.Kind == OpenLineageRunEvent && ev.RunID != "" {
		return ev.RunID
	}
	return "job:" + ev.JobNamespace + "/" + ev.JobName
}

// RunLineage is the lineage of one run given everything it reported: an
// edge from every input to every output but itself, at most
// MaxOpenLineageEdges (dropped reports how many more there were). An edge
// was first seen when the later of its two ends was first reported, last
// seen when the earlier of them was last reported, so the times do not
// depend on the order the events arrived in. Edges come ordered by from, to.
func RunLineage(inputs, outputs []RunDataset) (edges []LineageEdge, dropped int) {
	ins, outs := sortedRunDatasets(inputs), sortedRunDatasets(outputs)
	for _, in := range ins {
		for _, out := range outs {
			if in.ID == out.ID {
				continue
			}
			if len(edges) == MaxOpenLineageEdges {
				dropped++
				continue
			}
			first := later(in.FirstSeen, out.FirstSeen)
			last := earlier(in.LastSeen, out.LastSeen)
			last = later(last, first)
			edges = append(edges, LineageEdge{From: in.ID, To: out.ID, FirstSeen: &first, LastSeen: &last})
		}
	}
	return edges, dropped
}

// sortedRunDatasets is list once per id (the widest times), by id.
func sortedRunDatasets(list []RunDataset) []RunDataset {
	byID := map[string]RunDataset{}
	for _, d := range list {
		if cur, ok := byID[d.ID]; ok {
			d.FirstSeen, d.LastSeen = earlier(cur.FirstSeen, d.FirstSeen), later(cur.LastSeen, d.LastSeen)
		}
		byID[d.ID] = d
	}
	out := make([]RunDataset, 0, len(byID))
	for _, d := range byID {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b RunDataset) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// RunReportedAt is when a run last reported lineage: the latest time of
// its datasets.
func RunReportedAt(sides ...[]RunDataset) time.Time {
	var at time.Time
	for _, side := range sides {
		for _, d := range side {
			at = later(at, d.LastSeen)
		}
	}
	return at
}

// SupersedesRun reports whether the run (key, at) is a job's current run
// in place of the run (curKey, curAt): it reported lineage later, or at the
// same time with the greater key, so that any delivery order picks the same.
func SupersedesRun(key string, at time.Time, curKey string, curAt time.Time) bool {
	if c := at.Compare(curAt); c != 0 {
		return c > 0
	}
	return key > curKey
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
