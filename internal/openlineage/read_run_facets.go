package openlineage

// runFacets reads the run facets the catalog uses from f, the run.facets
// map at path. Others are kept only in Event.RunFacets.
func (r *reader) runFacets(f map[string]any, path string, e *Event) {
	if p := facet(f, "parent"); p != nil {
		e.Parent, e.Root = r.parent(p, at(path, "parent"))
	}
	if m := facet(f, "errorMessage"); m != nil {
		p := at(path, "errorMessage")
		e.Error = &ErrorMessage{
			Message:             r.str(m, p, "message", required),
			ProgrammingLanguage: r.str(m, p, "programmingLanguage", optional),
			StackTrace:          r.str(m, p, "stackTrace", optional),
		}
	}
	if n := facet(f, "nominalTime"); n != nil {
		p := at(path, "nominalTime")
		e.Nominal = &NominalTime{Start: r.timestamp(n, p, "nominalStartTime", required)}
		if end := r.timestamp(n, p, "nominalEndTime", optional); !end.IsZero() {
			e.Nominal.End = &end
		}
	}
	if t := facet(f, "test"); t != nil {
		e.Tests = r.tests(t, at(path, "test"))
	}
}

// parent reads the parent facet: the run that started this one (for an
// Airflow task, its DAG run) and, when given, the root of the hierarchy.
// The ids must be UUIDs and the job names non-empty: the mapping looks
// runs up by them.
func (r *reader) parent(f map[string]any, path string) (parent, root *RunRef) {
	parent = r.runRef(f, path)
	if rt := r.object(f, path, "root", optional); rt != nil {
		root = r.runRef(rt, at(path, "root"))
	}
	return parent, root
}

// runRef reads {"run": {"runId"}, "job": {"namespace", "name"}} at path.
func (r *reader) runRef(m map[string]any, path string) *RunRef {
	var ref RunRef
	if run := r.object(m, path, "run", required); run != nil {
		ref.RunID = r.uuid(run, at(path, "run"), "runId")
	}
	if job := r.object(m, path, "job", required); job != nil {
		ref.JobNamespace = r.str(job, at(path, "job"), "namespace", nonEmpty)
		ref.JobName = r.str(job, at(path, "job"), "name", nonEmpty)
	}
	return &ref
}

// tests reads the test run facet at path.
func (r *reader) tests(f map[string]any, path string) []TestResult {
	return objects(r, f, path, "tests", required, "each test", func(t map[string]any, p string) TestResult {
		return TestResult{
			Name:        r.str(t, p, "name", nonEmpty),
			Status:      r.str(t, p, "status", required),
			Severity:    r.str(t, p, "severity", optional),
			Type:        r.str(t, p, "type", optional),
			Description: r.str(t, p, "description", optional),
			Expected:    r.str(t, p, "expected", optional),
			Actual:      r.str(t, p, "actual", optional),
		}
	})
}
