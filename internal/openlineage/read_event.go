package openlineage

// readEvent reads a decoded event and returns it with every problem found.
func readEvent(tree any) (Event, []Problem) {
	m, ok := tree.(map[string]any)
	if !ok {
		return Event{}, []Problem{{Message: "An event must be a JSON object; send arrays to /lineage/batch."}}
	}
	var r reader
	e := Event{Kind: r.kind(m)}
	e.EventTime = r.timestamp(m, "", "eventTime", required)
	e.Producer = r.str(m, "", "producer", required)
	e.SchemaURL = r.str(m, "", "schemaURL", required)
	switch e.Kind {
	case KindRun:
		e.EventType = r.eventType(m)
		r.readRun(m, &e)
		r.readJob(m, &e)
	case KindJob:
		r.readJob(m, &e)
	case KindDataset:
		if d := r.object(m, "", "dataset", required); d != nil {
			ds := r.dataset(d, "/dataset", "")
			e.Dataset = &ds
		}
	}
	return e, r.result()
}

// kind tells the event kinds apart as the spec's oneOf does: run and job
// make a RunEvent; job without run a JobEvent; dataset without job a
// DatasetEvent. job and dataset without run match both of the last two,
// which the spec rejects, and so do we.
func (r *reader) kind(m map[string]any) Kind {
	has := func(key string) bool { return m[key] != nil }
	switch {
	case has("run") && has("job"):
		return KindRun
	case has("job") && has("dataset"):
		r.add("", "An event with job and dataset but no run is ambiguous: send a JobEvent (job, no dataset) or a DatasetEvent (dataset, no job).")
	case has("job"):
		return KindJob
	case has("dataset"):
		return KindDataset
	case has("run"):
		r.add("/job", "job is required in a RunEvent.")
	default:
		r.add("", "An event needs run and job (RunEvent), job (JobEvent) or dataset (DatasetEvent).")
	}
	return ""
}

// eventType reads a RunEvent's eventType. The spec does not require it (a
// RunEvent without one adds metadata to the run); when present it must be
// one of the six.
func (r *reader) eventType(m map[string]any) EventType {
	v := m["eventType"]
	if v == nil {
		return ""
	}
	t := EventType(r.str(m, "", "eventType", required))
	switch t {
	case Start, Running, Complete, Abort, Fail, Other:
		return t
	}
	if _, isStr := v.(string); isStr { // str has reported any other type
		r.add("/eventType", "eventType must be one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER, but it is %q.", clip(string(t)))
	}
	return ""
}

// readRun reads a RunEvent's run: its id and the run facets of interest.
func (r *reader) readRun(m map[string]any, e *Event) {
	run := r.object(m, "", "run", required)
	if run == nil {
		return
	}
	e.RunID = r.uuid(run, "/run", "runId")
	f, raw := r.facets(run, "/run", "facets")
	e.RunFacets = raw
	r.runFacets(f, "/run/facets", e)
}

// readJob reads the job, its facets and the job's inputs and outputs.
func (r *reader) readJob(m map[string]any, e *Event) {
	if job := r.object(m, "", "job", required); job != nil {
		e.Job.Namespace = r.str(job, "/job", "namespace", nonEmpty)
		e.Job.Name = r.str(job, "/job", "name", nonEmpty)
		f, raw := r.facets(job, "/job", "facets")
		e.Job.Facets = raw
		r.jobFacets(f, "/job/facets", &e.Job)
	}
	e.Inputs = r.datasets(m, "inputs", "inputFacets")
	e.Outputs = r.datasets(m, "outputs", "outputFacets")
}
