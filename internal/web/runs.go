package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/spec"
)

type failedTask struct{ Task, Error string }

type olEvent struct {
	R    *catalog.OpenLineageRecord
	Body string
}

type runPage struct {
	Run         *catalog.Run
	Summary     catalog.CheckSummary
	ErrorChecks []*catalog.CheckResult
	WarnChecks  []*catalog.CheckResult
	FailedTasks []failedTask
	Attributes  string
	Events      []olEvent
	EventsMore  bool
}

// run is one run: status, times, error, attributes, failed tasks, check
// results with error and warn apart, and its raw OpenLineage events.
func (u *UI) run(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	ctx := r.Context()
	run, err := u.store.FindRun(ctx, r.PathValue("run_id"))
	if err != nil {
		return err
	}
	data := runPage{Run: run}
	if data.Summary, err = u.store.SummarizeChecks(ctx, run.ID); err != nil {
		return err
	}
	checks, _, err := u.store.ListCheckResults(ctx, catalog.CheckResultFilter{RunID: run.ID, Page: catalog.Page{Limit: catalog.MaxPageSize}})
	if err != nil {
		return err
	}
	for _, c := range checks {
		if c.Severity == catalog.SeverityError {
			data.ErrorChecks = append(data.ErrorChecks, c)
		} else {
			data.WarnChecks = append(data.WarnChecks, c)
		}
	}
	if len(run.Attributes) > 0 {
		var attrs map[string]json.RawMessage
		if json.Unmarshal(run.Attributes, &attrs) == nil {
			var failed map[string]string
			if json.Unmarshal(attrs["failed_tasks"], &failed) == nil {
				for _, k := range slices.Sorted(mapKeysOf(failed)) {
					data.FailedTasks = append(data.FailedTasks, failedTask{k, failed[k]})
				}
			}
		}
		var b strings.Builder
		if indentJSON(&b, run.Attributes) == nil {
			data.Attributes = b.String()
		}
	}
	events, next, err := u.store.ListOpenLineageEvents(ctx, catalog.OpenLineageFilter{RunID: run.ID, Page: catalog.Page{Limit: 20}})
	if err != nil {
		return err
	}
	for _, e := range events {
		var b strings.Builder
		if indentJSON(&b, e.Body) != nil {
			b.Write(e.Body)
		}
		data.Events = append(data.Events, olEvent{R: e, Body: b.String()})
	}
	data.EventsMore = next != ""
	u.render(w, r, s, http.StatusOK, "run", "Run "+run.ID, "pipelines", data)
	return nil
}

func mapKeysOf[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

type datasetCheck struct {
	Pipeline string
	Check    spec.Check
}

type datasetPage struct {
	D      *catalog.DatasetDetail
	Checks []datasetCheck
}

// dataset shows producers and consumers one hop up and down, the checks
// declared on it, and links into its lineage.
func (u *UI) dataset(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	d, err := u.store.FindDataset(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	data := datasetPage{D: d}
	for _, name := range d.Producers {
		p, err := u.store.FindPipeline(r.Context(), name)
		if catalog.ErrorCode(err) == catalog.ENOTFOUND {
			continue // lineage reported by OpenLineage may name a job that is no registered pipeline
		} else if err != nil {
			return err
		}
		var def spec.Pipeline
		if json.Unmarshal(p.Definition, &def) != nil {
			continue
		}
		for _, c := range def.Checks {
			if c.Target == d.ID {
				data.Checks = append(data.Checks, datasetCheck{Pipeline: name, Check: c})
			}
		}
	}
	u.render(w, r, s, http.StatusOK, "dataset", d.ID, "pipelines", data)
	return nil
}
