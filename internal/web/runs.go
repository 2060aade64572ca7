package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
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

type lineagePage struct {
	G        *catalog.LineageGraph
	SVGURL   string
	Problems []catalog.FieldError
	Root     string
	Depth    int
	Dir      string
}

func lineageQuery(r *http.Request) catalog.LineageQuery {
	q := r.URL.Query()
	lq := catalog.LineageQuery{Root: r.PathValue("dataset"), Direction: catalog.Direction(q.Get("direction")), Depth: catalog.DefaultLineageDepth}
	if lq.Direction == "" {
		lq.Direction = catalog.Both
	}
	if d := q.Get("depth"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			n = -1
		}
		lq.Depth = n
	}
	return lq
}

// lineage draws the graph around a dataset with direction and depth
// controls, through the API's own renderer.
func (u *UI) lineage(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	lq := lineageQuery(r)
	data := lineagePage{Root: lq.Root, Depth: lq.Depth, Dir: string(lq.Direction)}
	if problems := lq.Validate(); len(problems) > 0 {
		data.Problems = problems
		u.render(w, r, s, http.StatusUnprocessableEntity, "lineage", "Lineage of "+lq.Root, "pipelines", data)
		return nil
	}
	g, err := u.store.Lineage(r.Context(), lq)
	if err != nil {
		return err
	}
	data.G = g
	if u.draw != nil {
		data.SVGURL = "/lineage/" + url.PathEscape(lq.Root) + "/graph.svg?" + url.Values{"direction": {string(lq.Direction)}, "depth": {strconv.Itoa(lq.Depth)}}.Encode()
	}
	u.render(w, r, s, http.StatusOK, "lineage", "Lineage of "+lq.Root, "pipelines", data)
	return nil
}

// lineageSVG serves the drawing as an image: an <img> cannot run script,
// so the SVG needs no trust beyond the renderer's.
func (u *UI) lineageSVG(w http.ResponseWriter, r *http.Request, _ *signedIn) error {
	lq := lineageQuery(r)
	if problems := lq.Validate(); len(problems) > 0 {
		return catalog.Invalid(problems)
	}
	g, err := u.store.Lineage(r.Context(), lq)
	if err != nil {
		return err
	}
	if u.draw == nil {
		return catalog.Errorf(catalog.ENOTFOUND, "Drawing lineage is not available on this server; the page lists the walk as tables.")
	}
	svg, err := u.draw(r.Context(), g)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(svg)
	return nil
}
