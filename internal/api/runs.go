package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// runStore is what the run and check handlers need of the store.
type runStore interface {
	catalog.RunService
	catalog.CheckService
}

type runRequest struct {
	PipelineID string          `json:"pipeline_id"`
	Status     string          `json:"status"`
	RunID      string          `json:"run_id"`
	StartedAt  *string         `json:"started_at"`
	FinishedAt *string         `json:"finished_at"`
	Error      *string         `json:"error"`
	Attributes json.RawMessage `json:"attributes"`
}

// postRun creates a run (201) or updates the run with the same run_id (200).
func (s *Server) postRun(w http.ResponseWriter, r *http.Request) error {
	req, problems, err := decodeAll[runRequest](r)
	if err != nil {
		return err
	}
	var times timeFields
	ev := catalog.RunEvent{PipelineName: req.PipelineID, RunID: req.RunID, Status: req.Status, Error: req.Error,
		StartedAt: times.parse("started_at", req.StartedAt), FinishedAt: times.parse("finished_at", req.FinishedAt)}
	if string(req.Attributes) != "null" {
		ev.Attributes = req.Attributes
	}
	if len(problems)+len(times) > 0 {
		return catalog.Invalid(mergeProblems(problems, append(ev.Validate(), times...)))
	}
	run, created, err := s.store.ApplyRunEvent(r.Context(), ev)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	v := viewRun(run)
	v.Created = &created
	return respond(w, status, v)
}

type runPatch struct {
	Status     *string `json:"status"`
	FinishedAt *string `json:"finished_at"`
	Error      *string `json:"error"`
}

func (s *Server) patchRun(w http.ResponseWriter, r *http.Request) error {
	req, problems, err := decodeAll[runPatch](r)
	if err != nil {
		return err
	}
	var times timeFields
	upd := catalog.RunUpdate{Status: req.Status, Error: req.Error, FinishedAt: times.parse("finished_at", req.FinishedAt)}
	if len(problems)+len(times) > 0 {
		return catalog.Invalid(mergeProblems(problems, append(upd.Validate(), times...)))
	}
	run, err := s.store.UpdateRun(r.Context(), r.PathValue("run_id"), upd)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, viewRun(run))
}

func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) error {
	q := &queryReader{r: r}
	f := catalog.RunFilter{PipelineName: q.str("pipeline_id"), Status: q.str("status"), Since: q.time("since"), Until: q.time("until"), Page: q.page()}
	if f.Status != "" && !catalog.ValidRunStatus(f.Status) {
		q.fail("status", "status must be one of queued, running, success, failed, cancelled.")
	}
	switch v := q.str("checks_failed"); v {
	case "":
	case "true", "false":
		failed := v == "true"
		f.ChecksFailed = &failed
	default:
		q.fail("checks_failed", "checks_failed must be true or false.")
	}
	if err := q.err(); err != nil {
		return err
	}
	runs, next, err := s.store.ListRuns(r.Context(), f)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, newList(mapList(runs, viewRun), next))
}

// getRun shows a run with its newest check results and the counts of all.
func (s *Server) getRun(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("run_id")
	run, err := s.store.FindRun(r.Context(), id)
	if err != nil {
		return err
	}
	checks, _, err := s.store.ListCheckResults(r.Context(), catalog.CheckResultFilter{RunID: id, Page: catalog.Page{Limit: catalog.MaxPageSize}})
	if err != nil {
		return err
	}
	sum, err := s.store.SummarizeChecks(r.Context(), id)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, runDetailView{runView: viewRun(run), Checks: mapList(checks, viewCheckResult),
		ChecksSummary: checksSummaryView(sum)})
}

// timeFields parses timestamps of a body and collects the problems: read as
// text, a bad one is a 422 on its field rather than unreadable JSON (400).
type timeFields []catalog.FieldError

func (p *timeFields) parse(field string, s *string) *time.Time {
	if s == nil {
		return nil
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		*p = append(*p, catalog.FieldError{Field: field, Message: field + " must be an RFC 3339 timestamp such as 2026-06-07T06:00:00Z."})
		return nil
	}
	return &t
}
