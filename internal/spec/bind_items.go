package spec

import "fmt"

func (b *binder) sources(root *value) []Source {
	var out []Source
	for i, o := range b.objList(root, "sources", "sources") {
		path := fmt.Sprintf("sources[%d]", i)
		out = append(out, Source{
			ID:              b.str(o, "id", path+".id"),
			Type:            b.str(o, "type", path+".type"),
			ConnectionRef:   b.str(o, "connection_ref", path+".connection_ref"),
			Object:          b.str(o, "object", path+".object"),
			LoadMode:        b.str(o, "load_mode", path+".load_mode"),
			WatermarkColumn: b.str(o, "watermark_column", path+".watermark_column"),
		})
	}
	return out
}

func (b *binder) transforms(root *value) []Transform {
	var out []Transform
	for i, o := range b.objList(root, "transforms", "transforms") {
		path := fmt.Sprintf("transforms[%d]", i)
		t := Transform{
			ID:      b.str(o, "id", path+".id"),
			Type:    b.str(o, "type", path+".type"),
			CodeRef: b.str(o, "code_ref", path+".code_ref"),
			Inputs:  b.strList(o, "inputs", path+".inputs"),
			Outputs: b.strList(o, "outputs", path+".outputs"),
		}
		t.Type, t.CodeRef = b.sqlShorthand(o, path, t.Type, t.CodeRef)
		out = append(out, t)
	}
	return out
}

func (b *binder) targets(root *value) []Target {
	var out []Target
	for i, o := range b.objList(root, "targets", "targets") {
		path := fmt.Sprintf("targets[%d]", i)
		out = append(out, Target{
			ID:            b.str(o, "id", path+".id"),
			Type:          b.str(o, "type", path+".type"),
			ConnectionRef: b.str(o, "connection_ref", path+".connection_ref"),
			Object:        b.str(o, "object", path+".object"),
			WriteMode:     b.str(o, "write_mode", path+".write_mode"),
			PrimaryKey:    b.strList(o, "primary_key", path+".primary_key"),
			Inputs:        b.strList(o, "inputs", path+".inputs"),
		})
	}
	return out
}

func (b *binder) checks(root *value) []Check {
	var out []Check
	for i, o := range b.objList(root, "checks", "checks") {
		path := fmt.Sprintf("checks[%d]", i)
		c := Check{
			ID:       b.str(o, "id", path+".id"),
			Target:   b.str(o, "target", path+".target"),
			Type:     b.str(o, "type", path+".type"),
			CodeRef:  b.str(o, "code_ref", path+".code_ref"),
			Severity: b.str(o, "severity", path+".severity"),
		}
		c.Type, c.CodeRef = b.sqlShorthand(o, path, c.Type, c.CodeRef)
		out = append(out, c)
	}
	return out
}

// sqlShorthand applies "sql: path", which spec files use for
// "type: sql" + "code_ref: path", so that both spellings give the same
// Pipeline and the same content hash. A shorthand that contradicts an
// explicit type or code_ref is reported rather than silently preferred.
func (b *binder) sqlShorthand(o *value, path, typ, codeRef string) (string, string) {
	sql := b.str(o, "sql", path+".sql")
	if sql == "" {
		return typ, codeRef
	}
	line := b.meta.lineFor(path + ".sql")
	switch typ {
	case "", "sql":
		typ = "sql"
	default:
		b.add(path+".sql", line, fmt.Sprintf("sql is shorthand for type sql, but type is %q; remove one of them.", typ))
	}
	switch codeRef {
	case "", sql:
		codeRef = sql
	default:
		b.add(path+".sql", line, fmt.Sprintf("sql (%q) and code_ref (%q) name different files; keep only one of them.", sql, codeRef))
	}
	return typ, codeRef
}
