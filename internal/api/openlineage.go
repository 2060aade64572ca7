package api

import (
	"net/http"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// openLineageStore is what the OpenLineage handlers need of the store.
type openLineageStore interface {
	catalog.OpenLineageIngestService
	catalog.OpenLineageEventService
}

// ingestView is the answer to one event. A repeat of a stored event is
// still 201 (API.md: a valid event is 201), with duplicate true.
type ingestView struct {
	Status      string         `json:"status"`
	Fingerprint string         `json:"fingerprint"`
	Duplicate   bool           `json:"duplicate"`
	Run         *ingestRunView `json:"run"`
	Note        string         `json:"note,omitempty"`
	Checks      int            `json:"checks_recorded"`
	Warnings    []warningView  `json:"warnings,omitempty"` // caps the event met
}

type ingestRunView struct {
	PipelineID string `json:"pipeline_id"`
	RunID      string `json:"run_id"`
}

func viewIngest(r *catalog.IngestResult) ingestView {
	v := ingestView{Status: "ok", Fingerprint: r.Fingerprint, Duplicate: r.Duplicate, Note: r.RunNote, Checks: r.Checks}
	if r.RunID != "" {
		v.Run = &ingestRunView{PipelineID: r.Pipeline, RunID: r.RunID}
	}
	return v
}

// postLineage takes one RunEvent, DatasetEvent or JobEvent.
func (s *Server) postLineage(w http.ResponseWriter, r *http.Request) error {
	body, err := readLineageBody(r)
	if err != nil {
		return err
	}
	ev, err := parseLineageEvent(body)
	if err != nil {
		return err
	}
	res, err := s.store.IngestOpenLineage(r.Context(), ev, checkSeverities)
	if err != nil {
		return err
	}
	v := viewIngest(res)
	v.Warnings = s.noteCaps(res.Warnings)
	return respond(w, http.StatusCreated, v)
}

// parseLineageEvent parses one event into the catalog's terms (convert.go),
// refusing identifiers longer than the catalog stores with a 422 that
// points at each of them.
func parseLineageEvent(body []byte) (catalog.OpenLineageEvent, error) {
	parsed, err := parseEvent(body) // text_checks.go: storable text, its own 422s
	if err != nil {
		return catalog.OpenLineageEvent{}, err
	}
	ev := lineageEvent(parsed)
	if errs := ev.ValidateOpenLineageNames(); len(errs) > 0 {
		return catalog.OpenLineageEvent{}, catalog.Invalid(errs)
	}
	return ev, nil
}
