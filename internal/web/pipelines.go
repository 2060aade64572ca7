package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/spec"
)

// stripRuns is how many recent runs the list draws per pipeline.
const stripRuns = 10

type pipelineRow struct {
	P       *catalog.Pipeline
	Last    *catalog.Run
	Strip   []*catalog.Run // oldest first, as a timeline reads
	Failing bool           // the last run had an error-severity check fail
	Pad     []struct{}     // empty cells, so every strip is ten wide
	Late    *time.Time     // the newest missed scheduled run, while it is missed
}

type chip struct {
	Name, URL string
	Active    bool
}

type pipelinesPage struct {
	Rows               []pipelineRow
	Tags               []string
	Owner, Q, Sort     string
	Chips              []chip
	Owners             []string
	NextURL, ClearURL  string
	Filtered           bool
	APIURL             string
	CanRegisterExample bool
}

// pipelines is the list: tag chips and owner combine (all tags must
// match), q searches name and description, and paging is the store's
// keyset cursor in the chosen order (by name, most recently updated or
// owner), so every order holds across pages.
func (u *UI) pipelines(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	q := r.URL.Query()
	data := pipelinesPage{Tags: q["tag"], Owner: q.Get("owner"), Q: q.Get("q"), Sort: q.Get("sort"), APIURL: u.cfg.AppURL}
	if !slices.Contains(catalog.PipelineSorts, data.Sort) {
		data.Sort = "" // an unknown or retired order (a bookmark) reads by name
	}
	data.Filtered = len(data.Tags) > 0 || data.Owner != "" || data.Q != ""
	list, next, err := u.store.ListPipelines(r.Context(), catalog.PipelineFilter{Tags: data.Tags, Owner: data.Owner, Query: data.Q, Sort: data.Sort, Page: pageOf(q, 50)})
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	owners := map[string]bool{}
	for _, t := range data.Tags {
		seen[t] = true
	}
	names := make([]string, len(list))
	for i, p := range list {
		names[i] = p.Name
	}
	recent, err := u.store.RecentRuns(r.Context(), names, stripRuns) // one read for the page, not one per row
	if err != nil {
		return err
	}
	for _, p := range list {
		runs := recent[p.Name]
		row := pipelineRow{P: p}
		if len(runs) > 0 {
			row.Last, row.Failing = runs[0], runs[0].ChecksFailed
		}
		row.Strip = slices.Clone(runs)
		slices.Reverse(row.Strip)
		row.Pad = make([]struct{}, stripRuns-len(runs))
		data.Rows = append(data.Rows, row)
		for _, t := range p.Tags {
			seen[t] = true
		}
		if p.Owner != "" {
			owners[p.Owner] = true
		}
	}
	for _, t := range slices.Sorted(mapKeys(seen)) {
		active := slices.Contains(data.Tags, t)
		data.Chips = append(data.Chips, chip{Name: t, Active: active, URL: withQuery("/pipelines", q, func(v url.Values) {
			v.Del("cursor")
			tags := slices.DeleteFunc(slices.Clone(v["tag"]), func(x string) bool { return x == t })
			if !active {
				tags = append(tags, t)
			}
			v["tag"] = tags
			if len(tags) == 0 {
				v.Del("tag")
			}
		})})
	}
	if err := u.markLate(r, data.Rows); err != nil { // webhooks.go
		return err
	}
	data.Owners = slices.Sorted(mapKeys(owners))
	if next != "" {
		data.NextURL = withQuery("/pipelines", q, func(v url.Values) { v.Set("cursor", next) })
	}
	data.ClearURL = "/pipelines"
	u.render(w, r, s, http.StatusOK, "pipelines", "Pipelines", "pipelines", data)
	return nil
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

type pipelinePage struct {
	P         *catalog.Pipeline
	Def       spec.Pipeline
	Schedule  string
	Versions  []*catalog.PipelineVersion
	From, To  string
	Diff      []diffLine
	DiffError string
	Runs      []*catalog.Run
	MaxRunMs  int64
	Checks    map[string][]*catalog.CheckResult // by severity
	Datasets  []string
	CanMember bool
	RawJSON   string
}

// pipeline is one pipeline: its definition, versions (with a diff between
// any two), runs with durations, check results by severity and datasets.
func (u *UI) pipeline(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	ctx := r.Context()
	name := r.PathValue("name")
	p, err := u.store.FindPipeline(ctx, name)
	if err != nil {
		return err
	}
	data := pipelinePage{P: p, Checks: map[string][]*catalog.CheckResult{}, CanMember: s.can(catalog.RoleMember)}
	if err := json.Unmarshal(p.Definition, &data.Def); err != nil {
		return err
	}
	data.Schedule = catalog.ScheduleWords(p.Schedule)
	if data.Versions, _, err = u.store.ListPipelineVersions(ctx, name, catalog.Page{Limit: 50}); err != nil {
		return err
	}
	q := r.URL.Query()
	data.From, data.To = q.Get("from"), q.Get("to")
	if data.From != "" && data.To != "" {
		data.Diff, data.DiffError = u.versionDiff(r, name, data.From, data.To)
	} else if len(data.Versions) > 1 {
		data.From, data.To = data.Versions[1].Version, data.Versions[0].Version
	}
	if data.Runs, _, err = u.store.ListRuns(ctx, catalog.RunFilter{PipelineName: name, Page: catalog.Page{Limit: 30}}); err != nil {
		return err
	}
	for _, run := range data.Runs {
		if d, ok := run.Duration(); ok {
			data.MaxRunMs = max(data.MaxRunMs, d.Milliseconds())
		}
	}
	checks, _, err := u.store.ListCheckResults(ctx, catalog.CheckResultFilter{PipelineName: name, Page: catalog.Page{Limit: 100}})
	if err != nil {
		return err
	}
	for _, c := range checks {
		data.Checks[c.Severity] = append(data.Checks[c.Severity], c)
	}
	ids := map[string]bool{}
	for _, src := range data.Def.Sources {
		ids[src.ID] = true
	}
	for _, t := range data.Def.Targets {
		ids[t.ID] = true
	}
	for _, t := range data.Def.Transforms {
		for _, o := range t.Outputs {
			ids[o] = true
		}
	}
	data.Datasets = slices.Sorted(mapKeys(ids))
	var pretty strings.Builder
	if err := indentJSON(&pretty, p.Definition); err == nil {
		data.RawJSON = pretty.String()
	}
	u.render(w, r, s, http.StatusOK, "pipeline", p.Name, "pipelines", data)
	return nil
}

// versionDiff compares two versions' definitions line by line.
func (u *UI) versionDiff(r *http.Request, name, from, to string) ([]diffLine, string) {
	a, err := u.store.FindPipelineVersion(r.Context(), name, from)
	if err != nil {
		return nil, "Version " + from + " does not exist."
	}
	b, err := u.store.FindPipelineVersion(r.Context(), name, to)
	if err != nil {
		return nil, "Version " + to + " does not exist."
	}
	var x, y strings.Builder
	_ = indentJSON(&x, a.Definition) // stored definitions are valid JSON
	_ = indentJSON(&y, b.Definition)
	return lineDiff(strings.Split(x.String(), "\n"), strings.Split(y.String(), "\n")), ""
}

func indentJSON(b *strings.Builder, raw json.RawMessage) error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	b.Write(out)
	return nil
}
