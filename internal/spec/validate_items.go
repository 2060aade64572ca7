package spec

import "fmt"

// id checks an entry's id and registers it; it reports whether the id is
// usable (present, well-formed and not a duplicate).
func (v *validator) id(id, path, noun string) bool {
	switch {
	case id == "":
		v.add(path+".id", "id is required; give this %s an id that is unique within the pipeline.", noun)
		return false
	case !idRe.MatchString(id):
		v.add(path+".id", "id %q is not valid: %s", id, idRule)
		return false
	}
	if first, dup := v.ids[id]; dup {
		v.add(path+".id", "id %q is already used by %s; ids must be unique across sources, transforms, targets and checks.", id, first)
		return false
	}
	v.ids[id] = path
	return true
}

// declare registers a dataset and reports a second producer at path.
func (v *validator) declare(dataset, path, at string) {
	if first, dup := v.produced[dataset]; dup {
		v.add(path, "dataset %q is already declared by %s; a dataset has a single producer.", dataset, first)
		return
	}
	v.produced[dataset] = at
}

func (v *validator) sources() {
	for i, s := range v.p.Sources {
		path := fmt.Sprintf("sources[%d]", i)
		if v.id(s.ID, path, "source") {
			v.declare(s.ID, path+".id", path)
		}
		if s.Type == "" {
			v.add(path+".type", "type is required; say what kind of system this source reads, such as postgres.")
		}
		switch s.LoadMode {
		case "", "full":
		case "incremental":
			if s.WatermarkColumn == "" {
				v.add(path+".watermark_column", "watermark_column is required when load_mode is incremental; name the column that tells new rows from old ones, such as updated_at.")
			}
		default:
			v.add(path+".load_mode", "load_mode %q is not supported; use full or incremental.", s.LoadMode)
		}
	}
}

func (v *validator) transforms() {
	for i, t := range v.p.Transforms {
		path := fmt.Sprintf("transforms[%d]", i)
		v.id(t.ID, path, "transform")
		if t.Type == "" {
			v.add(path+".type", "type is required; say how this transform runs, such as sql (or write sql: <file> instead of type and code_ref).")
		}
		v.inputs(t.Inputs, path)
		if len(t.Outputs) == 0 {
			v.add(path+".outputs", "outputs needs at least one dataset id; a transform that produces nothing cannot feed a target.")
		}
		for j, out := range t.Outputs {
			op := fmt.Sprintf("%s.outputs[%d]", path, j)
			switch {
			case out == "":
				v.add(op, "output is empty; name the dataset this transform produces.")
			case !idRe.MatchString(out):
				v.add(op, "output %q is not a valid dataset id: %s", out, idRule)
			case v.cat.checks[out]:
				v.add(op, "output %q is the id of a check; give the dataset a name of its own.", out)
			default:
				v.declare(out, op, op)
			}
		}
	}
}

func (v *validator) inputs(inputs []string, path string) {
	for j, in := range inputs {
		if msg := v.cat.refProblem(in, "input", true); msg != "" {
			v.add(fmt.Sprintf("%s.inputs[%d]", path, j), "%s", msg)
		}
	}
}
