package spec

import "fmt"

// bind reads a decoded object into a normalised Pipeline. Lists are never
// nil afterwards so that callers and Canonical need no nil checks.
func bind(root *value, yamlInput bool) (*Pipeline, []Problem) {
	b := newBinder(yamlInput)
	b.at("", root.line)
	header := b.header(root)
	p := &Pipeline{meta: b.meta}
	p.Name = b.str(header, "name", "name")
	p.Version = b.str(header, "version", "version")
	p.Description = b.str(header, "description", "description")
	p.Owner = b.str(header, "owner", "owner")
	p.Environment = b.str(header, "environment", "environment")
	p.Schedule = b.str(header, "schedule", "schedule")
	p.Tags = orEmpty(b.strList(header, "tags", "tags"))
	p.OpenLineage = b.openLineage(header)
	p.Freshness = b.freshness(header)
	b.organization(root)
	if header != root {
		b.organization(header)
	}
	p.Sources = orEmpty(b.sources(root))
	p.Transforms = orEmpty(b.transforms(root))
	p.Targets = orEmpty(b.targets(root))
	p.Checks = orEmpty(b.checks(root))
	p.Lineage = b.lineage(root)
	p.External = b.strList(root, "external", "external")
	return p, b.problems
}

// header returns the object holding the pipeline-level fields: the
// "pipeline" object in the spec shape, the root in the flat shape.
func (b *binder) header(root *value) *value {
	m, ok := root.get("pipeline")
	if !ok || m.val.kind == kindNull {
		return root
	}
	b.at("pipeline", m.keyLine)
	if m.val.kind != kindObject {
		b.wrongType("pipeline", m.keyLine, m.val, "an object holding the pipeline-level fields (name, owner, schedule, ...)")
		return root
	}
	b.meta.headerLine = m.keyLine
	// Mixing the shapes would otherwise silently drop the top-level value.
	for _, f := range headerFields {
		if tm, ok := root.get(f); ok && tm.val.kind != kindNull {
			b.add(f, tm.keyLine, fmt.Sprintf("%s is set at the top level, but this definition nests its pipeline-level fields under pipeline; move %s under pipeline.", f, f))
		}
	}
	return m.val
}

// organization rejects organization fields: the tenant is taken from the
// caller's credential, and a body claiming one is either a mistake or an
// attempt to register into someone else's organization.
func (b *binder) organization(obj *value) {
	for _, key := range []string{"organization_id", "organization"} {
		if m, ok := obj.get(key); ok {
			b.at(key, m.keyLine)
			b.add(key, m.keyLine, fmt.Sprintf("The organization comes from the credential; remove %s.", key))
		}
	}
}

func (b *binder) lineage(root *value) Lineage {
	l := Lineage{Edges: []Edge{}}
	v, line, ok := b.field(root, "lineage", "lineage")
	if !ok || v.kind == kindNull {
		return l
	}
	if v.kind != kindObject {
		b.wrongType("lineage", line, v, "an object with a list of edges")
		return l
	}
	for i, e := range b.objList(v, "edges", "lineage.edges") {
		path := fmt.Sprintf("lineage.edges[%d]", i)
		l.Edges = append(l.Edges, Edge{
			From: b.str(e, "from", path+".from"),
			To:   b.str(e, "to", path+".to"),
		})
	}
	return l
}

// orEmpty turns nil into an empty slice: the JSON form says [] not null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// openLineage reads the openlineage field: one job {namespace, name}, or a
// list of them.
func (b *binder) openLineage(header *value) []OpenLineageJob {
	v, line, ok := b.field(header, "openlineage", "openlineage")
	if !ok || v.kind == kindNull {
		return nil
	}
	job := func(o *value, path string) OpenLineageJob {
		return OpenLineageJob{Namespace: b.str(o, "namespace", path+".namespace"), Name: b.str(o, "name", path+".name")}
	}
	switch v.kind {
	case kindObject:
		return []OpenLineageJob{job(v, "openlineage")}
	case kindList:
		var out []OpenLineageJob
		for i, o := range b.objList(header, "openlineage", "openlineage") {
			out = append(out, job(o, fmt.Sprintf("openlineage[%d]", i)))
		}
		return out
	}
	b.wrongType("openlineage", line, v, "an object {namespace, name} naming an OpenLineage job, or a list of them")
	return nil
}

// freshness reads the freshness field: an object {grace}.
func (b *binder) freshness(header *value) *Freshness {
	v, line, ok := b.field(header, "freshness", "freshness")
	if !ok || v.kind == kindNull {
		return nil
	}
	if v.kind != kindObject {
		b.wrongType("freshness", line, v, `an object such as {grace: 30m}`)
		return nil
	}
	return &Freshness{Grace: b.str(v, "grace", "freshness.grace")}
}
