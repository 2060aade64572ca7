package spec

import (
	"fmt"
	"regexp"
	"unicode/utf8"
)

var (
	// nameRe accepts what Airflow accepts as a dag_id (letters, digits, _, .
	// and -, up to 250), so a DAG's OpenLineage job can be its pipeline; it
	// must not start with . or -, so no name is a relative path segment.
	nameRe    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,249}$`)
	versionRe = regexp.MustCompile(`^[A-Za-z0-9._+-]{1,64}$`)
	tagRe     = regexp.MustCompile(`^[a-z0-9][a-z0-9_.:-]{0,62}$`)
	idRe      = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,127}$`)
)

const maxEnvironmentLen = 64

// validator accumulates problems in document order: pipeline-level fields,
// then sources, transforms, targets, checks and lineage, each entry's
// fields in the order they are declared in the types.
type validator struct {
	p        *Pipeline
	cat      catalog
	problems []Problem
	// ids maps each id seen so far to where it was first declared, so a
	// duplicate is reported at its second place, naming the first.
	ids map[string]string
	// produced maps each dataset declared so far (source, transform output,
	// target) to where, so that a dataset has a single producer.
	produced map[string]string
}

// Validate returns every problem with the definition, nil when it is
// valid. When the pipeline was decoded from YAML, each Problem carries the
// line of the offending key, or of the mapping a missing field belongs in.
// Fields that Decode already reported as unreadable are not reported again.
func (p *Pipeline) Validate() []Problem {
	v := &validator{p: p, cat: newCatalog(p), ids: map[string]string{}, produced: map[string]string{}}
	v.header()
	v.sources()
	v.transforms()
	v.targets()
	v.checks()
	v.lineage()
	v.externals()
	var out []Problem
	for _, pr := range v.problems {
		if p.meta.suppressed(pr.Field) {
			continue
		}
		pr.Line = p.meta.lineFor(pr.Field)
		out = append(out, pr)
	}
	return out
}

func (v *validator) add(path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Field: path, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) header() {
	p := v.p
	switch {
	case p.Name == "":
		v.add("name", "name is required; give the pipeline a name such as orders_sync.")
	case !nameRe.MatchString(p.Name):
		v.add("name", "name %q is not valid: it must contain only letters, digits, underscores, dots and dashes, not start with a dot or a dash, and be at most 250 characters long (an Airflow dag_id such as orders_sync or Orders-Sync.v2).", p.Name)
	}
	if p.Version != "" && !versionRe.MatchString(p.Version) {
		v.add("version", "version %q is not valid: use 1 to 64 letters, digits, '.', '_', '+' or '-', such as 1.4.0.", p.Version)
	}
	if p.Owner == "" {
		v.add("owner", "owner is required; name the team or person responsible, such as an email address.")
	}
	if n := utf8.RuneCountInString(p.Environment); n > maxEnvironmentLen {
		v.add("environment", "environment is %d characters long; shorten it to at most %d.", n, maxEnvironmentLen)
	}
	if msg := scheduleProblem(p.Schedule); msg != "" {
		v.add("schedule", "%s", msg)
	}
	if p.Freshness != nil {
		if _, err := p.Freshness.GraceOrDefault(); err != nil {
			v.add("freshness.grace", "%s", err.Error())
		}
	}
	first := map[string]int{}
	for i, tag := range p.Tags {
		path := fmt.Sprintf("tags[%d]", i)
		if !tagRe.MatchString(tag) {
			v.add(path, "tag %q is not valid: a tag starts with a lowercase letter or digit, contains only lowercase letters, digits, '_', '.', ':' and '-', and is at most 63 characters long.", tag)
			continue
		}
		if j, dup := first[tag]; dup {
			v.add(path, "tag %q is already listed at tags[%d]; remove the duplicate.", tag, j)
			continue
		}
		first[tag] = i
	}
	for i, j := range p.OpenLineage {
		path := fmt.Sprintf("openlineage[%d]", i)
		if len(p.OpenLineage) == 1 {
			path = "openlineage" // most often written as one object
		}
		switch {
		case j.Name == "":
			v.add(path+".name", "name is required; give the OpenLineage job's name, such as the dag_id or dbt-run-<project>.")
		case len(j.Name) > 1024 || len(j.Namespace) > 1024:
			v.add(path, "an OpenLineage job's namespace and name are at most 1024 bytes each.")
		}
	}
}
