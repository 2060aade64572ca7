package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// lineageEventView is one stored raw event, with the event itself as it
// was received, so it can be posted again after a mapping fix.
type lineageEventView struct {
	Fingerprint string          `json:"fingerprint"`
	RunID       *string         `json:"run_id"`
	Job         *lineageJobView `json:"job"`
	EventType   *string         `json:"event_type"`
	EventTime   time.Time       `json:"event_time"`
	ReceivedAt  time.Time       `json:"received_at"`
	Event       json.RawMessage `json:"event"`
}

type lineageJobView struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

func viewLineageEvent(e *catalog.OpenLineageRecord) lineageEventView {
	v := lineageEventView{Fingerprint: e.Fingerprint, RunID: orNull(e.RunID), EventType: orNull(e.EventType),
		EventTime: e.EventTime.UTC(), ReceivedAt: e.ReceivedAt.UTC(), Event: e.Body}
	if e.JobName != "" {
		v.Job = &lineageJobView{Namespace: e.JobNamespace, Name: e.JobName}
	}
	return v
}

// orNull is s, or JSON null for "" (fields a Dataset or Job event lacks).
func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// listLineageEvents lists the raw events newest first; ?run_id= matches a
// run's own events and, for a DAG run, its tasks' events.
func (s *Server) listLineageEvents(w http.ResponseWriter, r *http.Request) error {
	q := &queryReader{r: r}
	f := catalog.OpenLineageFilter{RunID: q.str("run_id"), Page: q.page()}
	if err := q.err(); err != nil {
		return err
	}
	events, next, err := s.store.ListOpenLineageEvents(r.Context(), f)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, newList(mapList(events, viewLineageEvent), next))
}

// lineageEventsOrDataset serves the old raw-event path: the walk of a
// dataset named events when there is one (as /api/v1/lineage/{dataset_id}
// promises), else the raw events, as before they moved.
func (s *Server) lineageEventsOrDataset(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.store.ResolveDataset(r.Context(), catalog.DatasetRef{Key: "events"}); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		r.SetPathValue("dataset_id", "events")
		return s.getLineage(w, r)
	}
	return s.listLineageEvents(w, r)
}
