package api

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/spec"
)

type impactRunView struct {
	RunID        string    `json:"run_id"`
	Status       string    `json:"status"`
	StartedAt    time.Time `json:"started_at"`
	ChecksFailed bool      `json:"checks_failed"`
}

type failingCheckView struct {
	ResultID   string    `json:"result_id"`
	RunID      string    `json:"run_id"`
	Pipeline   string    `json:"pipeline"`
	CheckID    string    `json:"check_id"`
	Dataset    string    `json:"dataset"` // "" when the definition names no target
	Message    string    `json:"message"`
	ExecutedAt time.Time `json:"executed_at"`
}

type impactDatasetView struct {
	ID        string `json:"id"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name,omitempty"`
	Object    string `json:"object,omitempty"`
	Depth     int    `json:"depth"`
}

// impactGroupView is one pipeline at risk. A group reached only through
// an OpenLineage job's (or dataset's) edges has job (or source) instead of
// pipeline, and no owner, tags or schedule.
type impactGroupView struct {
	Pipeline   string              `json:"pipeline,omitempty"`
	Job        string              `json:"job,omitempty"`
	Source     string              `json:"source,omitempty"`
	Registered bool                `json:"registered"`
	Owner      string              `json:"owner"`
	Tags       []string            `json:"tags"`
	Schedule   string              `json:"schedule"`
	LastRun    *impactRunView      `json:"last_run"`
	NextRunAt  *time.Time          `json:"next_run_at"`
	Blocked    bool                `json:"blocked"`
	BlockedBy  []failingCheckView  `json:"blocked_by"`
	Datasets   []impactDatasetView `json:"datasets"`
}

type ownerImpactView struct {
	Owner     string `json:"owner"`
	Pipelines int    `json:"pipelines"`
	Datasets  int    `json:"datasets"`
	Blocked   int    `json:"blocked"`
}

// impactView is a list envelope (items, next_cursor) with the totals of
// the whole answer beside it, the same on every page.
type impactView struct {
	Root          string             `json:"root"`
	Depth         int                `json:"depth"`
	Datasets      int                `json:"datasets"`
	Pipelines     int                `json:"pipelines"`
	Truncated     bool               `json:"truncated"`
	Owners        []ownerImpactView  `json:"owners"`
	FailingChecks []failingCheckView `json:"failing_checks"`
	list[impactGroupView]
}

func viewFailing(f catalog.FailingCheck) failingCheckView {
	return failingCheckView{ResultID: f.ResultID, RunID: f.RunID, Pipeline: f.Pipeline, CheckID: f.CheckID, Dataset: f.Dataset,
		Message: f.Message, ExecutedAt: f.ExecutedAt.UTC()}
}

func viewImpactGroup(g catalog.ImpactGroup) impactGroupView {
	v := impactGroupView{Registered: g.Registered, Owner: g.Owner, Tags: g.Tags, Schedule: g.Schedule, NextRunAt: utcPtr(g.NextRun),
		Blocked: g.Blocked(), BlockedBy: mapList(g.BlockedBy, viewFailing)}
	switch g.Source.Kind {
	case catalog.SourcePipeline:
		v.Pipeline = g.Source.Name
	case catalog.LineageSourceJob:
		v.Job = g.Source.Name
	default:
		v.Source = g.Source.Kind + ":" + g.Source.Name
	}
	if v.Tags == nil {
		v.Tags = []string{}
	}
	if r := g.LastRun; r != nil {
		v.LastRun = &impactRunView{RunID: r.ID, Status: r.Status, StartedAt: r.StartedAt.UTC(), ChecksFailed: r.ChecksFailed}
	}
	v.Datasets = mapList(g.Datasets, func(d catalog.ImpactDataset) impactDatasetView {
		return impactDatasetView{ID: d.ID, Namespace: d.Namespace, Name: d.Name, Object: d.Object, Depth: d.Depth}
	})
	return v
}

func viewImpact(im *catalog.Impact) impactView {
	v := impactView{Root: im.Root, Depth: im.Depth, Datasets: im.Datasets, Pipelines: im.Pipelines, Truncated: im.Truncated,
		FailingChecks: mapList(im.Failing, viewFailing),
		Owners: mapList(im.Owners, func(o catalog.OwnerImpact) ownerImpactView {
			return ownerImpactView{Owner: o.Owner, Pipelines: o.Pipelines, Datasets: o.Datasets, Blocked: o.Blocked}
		}),
		list: newList(mapList(im.Groups, viewImpactGroup), im.NextCursor)}
	return v
}

// getImpact answers what is downstream of a dataset, grouped by pipeline,
// as JSON or (Accept: text/csv, or ?format=csv) as CSV, one row per
// pipeline and dataset. Both are paged by group with cursor and limit;
// CSV names the next page in a Link header.
func (s *Server) getImpact(w http.ResponseWriter, r *http.Request) error {
	q := &queryReader{r: r}
	ref := datasetRef(r, q)
	iq := catalog.ImpactQuery{Depth: q.int("depth", catalog.DefaultImpactDepth, 1, catalog.MaxLineageDepth), Page: q.page()}
	format := impactFormat(r, q)
	if err := q.err(); err != nil {
		return err
	}
	var err error
	if iq.Root, err = s.resolveDataset(r, ref); err != nil {
		return err
	}
	im, err := s.store.Impact(r.Context(), iq, spec.CheckTargets)
	if err != nil {
		return err
	}
	w.Header().Set("Vary", "Accept")
	if format == "csv" {
		return writeImpactCSV(w, r, im)
	}
	return respond(w, http.StatusOK, viewImpact(im))
}

// impactFormat is json or csv: ?format= wins, else text/csv when Accept
// prefers it to JSON.
func impactFormat(r *http.Request, q *queryReader) string {
	switch f := q.str("format"); f {
	case "json", "csv":
		return f
	case "":
	default:
		q.fail("format", "format must be json or csv.")
		return "json"
	}
	if accept := r.Header.Get("Accept"); strings.TrimSpace(accept) != "" && acceptQ(accept, "text/csv") > acceptQ(accept, "application/json") {
		return "csv"
	}
	return "json"
}

// impactCSVHeader is the CSV's columns: one row per group and dataset (a
// group without datasets cannot occur: a group is what writes one).
var impactCSVHeader = []string{"pipeline", "job", "owner", "tags", "last_run_id", "last_run_status", "next_run_at",
	"blocked", "blocked_by", "dataset", "dataset_namespace", "dataset_name", "depth"}

func writeImpactCSV(w http.ResponseWriter, r *http.Request, im *catalog.Impact) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="impact.csv"`)
	if im.NextCursor != "" {
		next := *r.URL
		v := next.Query()
		v.Set("cursor", im.NextCursor)
		next.RawQuery = v.Encode()
		w.Header().Set("Link", "<"+(&url.URL{Path: next.Path, RawQuery: next.RawQuery}).String()+`>; rel="next"`)
	}
	cw := csv.NewWriter(w)
	_ = cw.Write(impactCSVHeader)
	for _, g := range im.Groups {
		v := viewImpactGroup(g)
		var run, status, next string
		if v.LastRun != nil {
			run, status = v.LastRun.RunID, v.LastRun.Status
		}
		if v.NextRunAt != nil {
			next = v.NextRunAt.Format(time.RFC3339)
		}
		var by []string
		for _, f := range v.BlockedBy {
			by = append(by, f.Pipeline+"/"+f.CheckID)
		}
		job := v.Job + v.Source
		for _, d := range v.Datasets {
			_ = cw.Write(csvSafe([]string{v.Pipeline, job, v.Owner, strings.Join(v.Tags, ";"), run, status, next,
				strconv.FormatBool(v.Blocked), strings.Join(by, ";"), d.ID, d.Namespace, d.Name, strconv.Itoa(d.Depth)}))
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula: names come
// from specs and OpenLineage producers, and a cell starting with = + - or
// @ would be evaluated when the file is opened.
func csvSafe(cells []string) []string {
	for i, c := range cells {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			cells[i] = "'" + c
		}
	}
	return cells
}
