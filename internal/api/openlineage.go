package api

import (
	"net/http"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/openlineage"
)

// openLineageStore is what the OpenLineage handlers need of the store.
type openLineageStore interface {
	catalog.OpenLineageIngestService
	catalog.OpenLineageEventService
}

// lineageIngestRoutes lists the OpenLineage endpoints: the HTTP transport of
// Airflow's, dbt's and Spark's integrations posts to /api/v1/lineage (and
// /batch). Both literal paths win over GET /api/v1/lineage/{dataset_id} in
// the mux (a literal segment is more specific; the posts differ by method),
// so a dataset named "events" has its walk only under /api/v1/datasets/.
func (s *Server) lineageIngestRoutes() []route {
	viewer, member := need{role: catalog.RoleViewer}, need{role: catalog.RoleMember}
	return []route{
		{"POST", "/api/v1/lineage", member, s.postLineage},
		{"POST", "/api/v1/lineage/batch", member, s.postLineageBatch},  // openlineage_batch.go
		{"GET", "/api/v1/lineage/events", viewer, s.listLineageEvents}, // openlineage_events.go
	}
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
	ev, err := openlineage.Parse(body)
	if err != nil {
		return parseError(err)
	}
	res, err := s.store.IngestOpenLineage(r.Context(), lineageEvent(ev), checkSeverities) // convert.go
	if err != nil {
		return err
	}
	return respond(w, http.StatusCreated, viewIngest(res))
}
