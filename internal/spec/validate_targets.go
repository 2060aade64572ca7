package spec

import (
	"fmt"
	"strings"
)

func (v *validator) targets() {
	for i, t := range v.p.Targets {
		path := fmt.Sprintf("targets[%d]", i)
		if v.id(t.ID, path, "target") {
			v.declare(t.ID, path+".id", path)
		}
		if t.Type == "" {
			v.add(path+".type", "type is required; say what kind of system this target writes to, such as bigquery.")
		}
		switch t.WriteMode {
		case "", "append", "overwrite":
		case "merge":
			if len(t.PrimaryKey) == 0 {
				v.add(path+".primary_key", "primary_key is required when write_mode is merge; list the columns that identify a row.")
			}
		default:
			v.add(path+".write_mode", "write_mode %q is not supported; use append, overwrite or merge.", t.WriteMode)
		}
		for j, col := range t.PrimaryKey {
			if col == "" {
				v.add(fmt.Sprintf("%s.primary_key[%d]", path, j), "primary key column is empty; name a column or remove the entry.")
			}
		}
		v.inputs(t.Inputs, path)
	}
}

func (v *validator) checks() {
	for i, c := range v.p.Checks {
		path := fmt.Sprintf("checks[%d]", i)
		v.id(c.ID, path, "check")
		if c.Target == "" {
			v.add(path+".target", "target is required; name the source, transform output or target this check runs against.")
		} else if msg := v.cat.refProblem(c.Target, "check target", false); msg != "" {
			v.add(path+".target", "%s", msg)
		}
		switch c.Severity {
		case "", "error", "warn":
		default:
			v.add(path+".severity", "severity %q is not supported; use error or warn.", c.Severity)
		}
	}
}

func (v *validator) lineage() {
	for i, e := range v.p.Lineage.Edges {
		path := fmt.Sprintf("lineage.edges[%d]", i)
		if e.From == "" {
			v.add(path+".from", "from is required; name the dataset the data flows from.")
		}
		if e.To == "" {
			v.add(path+".to", "to is required; name the dataset the data flows to.")
		}
		if e.From != "" && e.From == e.To {
			v.add(path, "edge from %q to itself would be a cycle; remove it.", e.From)
		}
	}
	if n := v.p.edgeCount(); n > maxEdges {
		v.add("lineage", "the pipeline implies %d lineage edges (every transform input to every output, every target input, and lineage.edges); at most %d are supported, so split the pipeline or narrow the inputs and outputs.", n, maxEdges)
	}
	if cycle := v.p.findCycle(); cycle != nil {
		v.add("lineage", "lineage has a cycle: %s; data cannot flow into a dataset it is computed from.", strings.Join(cycle, " → "))
	}
}

// maxEdges bounds Edges: a transform's edges are its inputs × outputs, so
// a modest body could otherwise ask the catalog to store millions of them.
const maxEdges = 100_000

// edgeCount is an upper bound of len(p.Edges()) (before deduplication),
// computed without building the edges.
func (p *Pipeline) edgeCount() int {
	n := len(p.Lineage.Edges)
	for _, t := range p.Transforms {
		// Saturate rather than overflow: only "too many" matters.
		n += min(len(t.Inputs), maxEdges+1) * min(len(t.Outputs), maxEdges+1)
		n = min(n, maxEdges+1)
	}
	for _, t := range p.Targets {
		n += len(t.Inputs)
	}
	return n
}

// externals checks the external list: well-formed ids, each once, none
// that the pipeline itself declares (it would be its own producer and an
// outside one at once).
func (v *validator) externals() {
	first := map[string]int{}
	for i, id := range v.p.External {
		path := fmt.Sprintf("external[%d]", i)
		switch j, dup := first[id]; {
		case id == "":
			v.add(path, "external dataset id is empty; name the dataset or remove the entry.")
		case !idRe.MatchString(id):
			v.add(path, "external dataset %q is not a valid dataset id: %s", id, idRule)
		case v.produced[id] != "":
			v.add(path, "external dataset %q is declared by %s of this pipeline; remove it from external.", id, v.produced[id])
		case dup:
			v.add(path, "external dataset %q is already listed at external[%d]; remove the duplicate.", id, j)
		default:
			first[id] = i
		}
	}
}
