package spec

import (
	"fmt"
	"strings"
)

// catalog indexes what a definition declares, so that references can be
// checked whatever order the entries appear in.
type catalog struct {
	datasets   map[string]bool     // source ids, transform outputs, target ids
	transforms map[string][]string // transform id → its outputs
	checks     map[string]bool
}

func newCatalog(p *Pipeline) catalog {
	c := catalog{datasets: map[string]bool{}, transforms: map[string][]string{}, checks: map[string]bool{}}
	for _, s := range p.Sources {
		addID(c.datasets, s.ID)
	}
	for _, t := range p.Transforms {
		if t.ID != "" {
			c.transforms[t.ID] = append(c.transforms[t.ID], t.Outputs...)
		}
		for _, o := range t.Outputs {
			addID(c.datasets, o)
		}
	}
	for _, t := range p.Targets {
		addID(c.datasets, t.ID)
	}
	for _, ch := range p.Checks {
		addID(c.checks, ch.ID)
	}
	return c
}

// addID adds id to set; an empty id names nothing.
func addID(set map[string]bool, id string) {
	if id != "" {
		set[id] = true
	}
}

// refProblem says why ref cannot be read as a dataset, or "" when it can.
// what is "input" or "check target", for the message. External datasets
// (any well-formed id that is not a step or a check) are allowed only when
// external is true: inputs may come from outside the pipeline, a check's
// target may not.
func (c catalog) refProblem(ref, what string, external bool) string {
	switch {
	case ref == "":
		return fmt.Sprintf("%s is empty; name a source, a transform output or a target.", what)
	case c.datasets[ref]:
		return ""
	case c.checks[ref]:
		return fmt.Sprintf("%s %q names a check, which is not a dataset; name a source, a transform output or a target.", what, ref)
	}
	if outs, ok := c.transforms[ref]; ok {
		if len(outs) == 0 {
			return fmt.Sprintf("%s %q names a transform, which is a step, not a dataset; declare the transform's outputs and name one of them.", what, ref)
		}
		return fmt.Sprintf("%s %q names a transform, which is a step, not a dataset; name one of its outputs instead (%s).", what, ref, strings.Join(outs, ", "))
	}
	if !idRe.MatchString(ref) {
		return fmt.Sprintf("%s %q is not a valid dataset id: %s", what, ref, idRule)
	}
	if !external {
		return fmt.Sprintf("%s %q is not a source, transform output or target of this pipeline.", what, ref)
	}
	return ""
}

// idRule explains idRe in words.
const idRule = "an id starts with a letter, contains only letters, digits, '_', '.' and '-', and is at most 128 characters long."
