package spec

import (
	"fmt"
	"slices"
	"strings"

	domain "github.com/dataxpipe/catalog/internal/catalog"
)

// catalog indexes what a definition declares, so that references can be
// checked whatever order the entries appear in.
type catalog struct {
	datasets   map[string]bool     // source ids, transform outputs, target ids
	transforms map[string][]string // transform id → its outputs
	checks     map[string]bool
	external   map[string]bool // the external list
	// strict is set when the definition has an external list: then an
	// undeclared input must be in it.
	strict bool
}

func newCatalog(p *Pipeline) catalog {
	c := catalog{datasets: map[string]bool{}, transforms: map[string][]string{}, checks: map[string]bool{},
		external: map[string]bool{}, strict: p.External != nil}
	for _, e := range p.External {
		addID(c.external, e)
	}
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
// what is "input" or "check target", for the message. external is whether
// ref may name a dataset from outside the pipeline: inputs may, a check's
// target may not.
//
// An input that names nothing declared here is an external dataset (API.md:
// "a known id or an external dataset id", such as dim_customers of another
// pipeline) unless it is a near-miss of a declared id: raw_refund beside
// raw_refunds is a typo that would otherwise register a phantom dataset,
// so it is an error with "did you mean". A dataset that really is external
// and that close to a declared one goes in the external list, and a
// definition with that list is strict: each undeclared input must be in it.
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
	guess := c.nearMiss(ref, external)
	switch {
	case !external && guess != "":
		return fmt.Sprintf("%s %q is not a source, transform output or target of this pipeline; did you mean %s?", what, ref, guess)
	case !external:
		return fmt.Sprintf("%s %q is not a source, transform output or target of this pipeline.", what, ref)
	case c.external[ref]:
		return ""
	case guess != "":
		return fmt.Sprintf("%s %q is not declared in this pipeline; did you mean %s? If %s is a dataset of another pipeline, list it under external.", what, ref, guess, ref)
	case c.strict:
		return fmt.Sprintf("%s %q is not a source, transform output or target of this pipeline, nor listed under external; declare it, or add it to external.", what, ref)
	}
	return ""
}

// nearMiss returns the declared dataset (or, when withExternal, listed
// external one) that ref most likely misspells: one or two edits away, and
// at most one edit in three letters, so that stg_orders is not taken for
// raw_orders. "" when there is none.
func (c catalog) nearMiss(ref string, withExternal bool) string {
	var known []string
	for id := range c.datasets {
		known = append(known, id)
	}
	if withExternal {
		for id := range c.external {
			known = append(known, id)
		}
	}
	slices.Sort(known) // ties go to the first name, whatever the map order
	best, bestDist := "", 3
	for _, k := range known {
		if d := domain.EditDistance(strings.ToLower(ref), strings.ToLower(k)); d > 0 && d < bestDist && 3*d <= len(ref) {
			best, bestDist = k, d
		}
	}
	return best
}

// idRule explains idRe in words.
const idRule = "an id starts with a letter, contains only letters, digits, '_', '.' and '-', and is at most 128 characters long."
