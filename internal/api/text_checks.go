package api

import (
	"encoding/json"
	"strconv"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/openlineage"
	"github.com/dataxpipe/catalog/internal/spec"
)

// storablePipeline refuses a decoded pipeline whose text cannot be stored:
// a YAML body never passed through storableJSON, and YAML's "\0" escape
// is a NUL. The definition is stored as JSON, so its JSON form is what is
// checked, with the same field paths. Indexed fields are bounded (see
// catalog.MaxNameBytes): owner, and the objects that become dataset rows.
func storablePipeline(p *spec.Pipeline) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	problems := jsonTextProblems(b)
	problems = catalog.CheckText(problems, "owner", p.Owner, catalog.MaxLabelBytes)
	for i, src := range p.Sources {
		problems = catalog.CheckText(problems, "sources["+strconv.Itoa(i)+"].object", src.Object, catalog.MaxNameBytes)
	}
	for i, t := range p.Targets {
		problems = catalog.CheckText(problems, "targets["+strconv.Itoa(i)+"].object", t.Object, catalog.MaxNameBytes)
	}
	if len(problems) > 0 {
		return catalog.Invalid(dedupeFields(problems))
	}
	return nil
}

// parseEvent reads one OpenLineage event and refuses text the store cannot
// keep: unstorable strings anywhere in it (the raw event is stored too) and
// job and dataset names and namespaces over catalog.MaxNameBytes (they key
// the lineage indexes).
func parseEvent(raw []byte) (openlineage.Event, error) {
	if err := storableJSON(raw); err != nil {
		return openlineage.Event{}, err
	}
	ev, err := openlineage.Parse(raw)
	if err != nil {
		return ev, parseError(err)
	}
	var problems []catalog.FieldError
	name := func(field, s string) { problems = catalog.CheckText(problems, field, s, catalog.MaxNameBytes) }
	if ev.Kind != openlineage.KindDataset {
		name("job.namespace", ev.Job.Namespace)
		name("job.name", ev.Job.Name)
	}
	datasets := func(list string, ds []openlineage.Dataset) {
		for i, d := range ds {
			at := list + "[" + strconv.Itoa(i) + "]."
			// Dataset names are stored up to catalog.MaxDatasetNameBytes
			// (migration 0011 indexes them by prefix).
			problems = catalog.CheckText(problems, at+"namespace", d.Namespace, catalog.MaxDatasetNamespaceBytes)
			problems = catalog.CheckText(problems, at+"name", d.Name, catalog.MaxDatasetNameBytes)
		}
	}
	datasets("inputs", ev.Inputs)
	datasets("outputs", ev.Outputs)
	if ev.Dataset != nil {
		problems = catalog.CheckText(problems, "dataset.namespace", ev.Dataset.Namespace, catalog.MaxDatasetNamespaceBytes)
		problems = catalog.CheckText(problems, "dataset.name", ev.Dataset.Name, catalog.MaxDatasetNameBytes)
	}
	for _, ref := range []*openlineage.RunRef{ev.Parent, ev.Root} {
		if ref != nil {
			name("run.facets.parent.job.namespace", ref.JobNamespace)
			name("run.facets.parent.job.name", ref.JobName)
		}
	}
	if len(problems) > 0 {
		return ev, catalog.Invalid(dedupeFields(problems))
	}
	return ev, nil
}

// dedupeFields keeps the first problem of each field: a string found by
// both the raw scan and a length rule is reported once.
func dedupeFields(problems []catalog.FieldError) []catalog.FieldError {
	seen := map[string]bool{}
	out := problems[:0]
	for _, p := range problems {
		if !seen[p.Field] {
			seen[p.Field] = true
			out = append(out, p)
		}
	}
	return out
}
