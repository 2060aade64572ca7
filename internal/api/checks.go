package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
)

type checkResultRequest struct {
	RunID         string          `json:"run_id"`
	CheckID       string          `json:"check_id"`
	Status        string          `json:"status"`
	Severity      string          `json:"severity"`
	PipelineID    string          `json:"pipeline_id"`
	ObservedValue json.RawMessage `json:"observed_value"`
	Expected      json.RawMessage `json:"expected"`
	Message       string          `json:"message"`
	ExecutedAt    *string         `json:"executed_at"`
}

// checkResultsView answers a batch.
type checkResultsView struct {
	Results []checkResultView `json:"results"`
}

// checkResultsRequest is one result, or a batch under "results".
type checkResultsRequest struct {
	checkResultRequest
	Results *[]checkResultRequest `json:"results"`
}

func (c checkResultRequest) empty() bool {
	return c.RunID+c.CheckID+c.Status+c.Severity+c.PipelineID+c.Message == "" &&
		c.ObservedValue == nil && c.Expected == nil && c.ExecutedAt == nil
}

// report converts an item, collecting timestamp problems under prefix.
func (c checkResultRequest) report(prefix string, times *timeFields) catalog.CheckReport {
	return catalog.CheckReport{RunID: c.RunID, CheckID: c.CheckID, Status: c.Status, Severity: c.Severity,
		PipelineName: c.PipelineID, ObservedValue: c.ObservedValue, Expected: c.Expected, Message: c.Message,
		ExecutedAt: times.parse(prefix+"executed_at", c.ExecutedAt)}
}

// postCheckResults records one result (answered as the result) or a batch
// (answered as {"results": [...]}), all or nothing.
func (s *Server) postCheckResults(w http.ResponseWriter, r *http.Request) error {
	req, problems, err := decodeAll[checkResultsRequest](r)
	if err != nil {
		return err
	}
	var times timeFields
	var reports []catalog.CheckReport
	if req.Results != nil {
		if !req.checkResultRequest.empty() {
			return catalog.Invalid(append(problems, catalog.FieldError{Field: "results", Message: "Send one result or a results array, not both."}))
		}
		for i, item := range *req.Results {
			reports = append(reports, item.report(fmt.Sprintf("results[%d].", i), &times))
		}
	} else {
		reports = []catalog.CheckReport{req.report("", &times)}
	}
	if len(problems)+len(times) > 0 {
		return catalog.Invalid(mergeProblems(problems, append(checkProblems(reports, req.Results == nil), times...)))
	}
	results, err := s.store.RecordCheckResults(r.Context(), reports, checkSeverities) // convert.go
	if err != nil && req.Results == nil {
		return singleResultError(err)
	} else if err != nil {
		return err
	}
	if req.Results == nil {
		return respond(w, http.StatusCreated, viewCheckResult(results[0]))
	}
	return respond(w, http.StatusCreated, checkResultsView{mapList(results, viewCheckResult)})
}

// checkProblems are the problems of reports that need no store, named as
// the store names them.
func checkProblems(reports []catalog.CheckReport, single bool) []catalog.FieldError {
	var out []catalog.FieldError
	for i, rep := range reports {
		for _, p := range rep.Validate() {
			if !single {
				p.Field = fmt.Sprintf("results[%d].%s", i, p.Field)
			}
			out = append(out, p)
		}
	}
	return out
}

// singleResultError names fields as the single-result body does: the store
// reports them as items of a batch (results[0].run_id).
func singleResultError(err error) error {
	var e *catalog.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	fields := make([]catalog.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		fields[i] = catalog.FieldError{Field: strings.TrimPrefix(f.Field, "results[0]."), Message: f.Message}
	}
	return catalog.Invalid(fields)
}

func (s *Server) listCheckResults(w http.ResponseWriter, r *http.Request) error {
	q := &queryReader{r: r}
	f := catalog.CheckResultFilter{PipelineName: q.str("pipeline_id"), RunID: q.str("run_id"), CheckID: q.str("check_id"),
		Status: q.str("status"), Severity: q.str("severity"), Since: q.time("since"), Page: q.page()}
	if f.Status != "" && !catalog.ValidCheckStatus(f.Status) {
		q.fail("status", "status must be one of passed, failed, error, skipped.")
	}
	if f.Severity != "" && !catalog.ValidSeverity(f.Severity) {
		q.fail("severity", "severity must be error or warn.")
	}
	if err := q.err(); err != nil {
		return err
	}
	results, next, err := s.store.ListCheckResults(r.Context(), f)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, newList(mapList(results, viewCheckResult), next))
}
