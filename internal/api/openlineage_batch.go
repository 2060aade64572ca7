package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/openlineage"
)

// maxBatchEvents bounds one batch; the 5 MiB body cap bounds it too, but a
// batch of tiny events would hold one request for a long time.
const maxBatchEvents = 1000

// batchView is the OpenLineage batch answer: status success,
// partial_success or failure, with the index of every event that failed.
type batchView struct {
	Status       string            `json:"status"`
	Summary      batchSummary      `json:"summary"`
	FailedEvents []failedEventView `json:"failed_events"`
}

type batchSummary struct {
	Received   int `json:"received"`
	Successful int `json:"successful"`
	Failed     int `json:"failed"`
}

type failedEventView struct {
	Index  int                  `json:"index"`
	Code   string               `json:"code"`
	Detail string               `json:"detail"`
	Errors []catalog.FieldError `json:"errors,omitempty"`
}

// postLineageBatch takes a JSON array of events, each applied in its own
// transaction. The answer is 200 whenever the batch could be read, also
// when every event failed (status failure): the outcome of each event is in
// the body, and a 4xx would claim the batch itself was bad. An unreadable
// batch is 400, 413 or 422. A storage failure is a 5xx for the whole batch,
// so that the client resends it; the events already stored are then
// recognised as duplicates.
func (s *Server) postLineageBatch(w http.ResponseWriter, r *http.Request) error {
	body, err := readLineageBody(r)
	if err != nil {
		return err
	}
	raws, err := openlineage.ParseBatch(body)
	if err != nil {
		return parseError(err)
	}
	if len(raws) > maxBatchEvents {
		return catalog.Invalid([]catalog.FieldError{{Field: "",
			Message: fmt.Sprintf("A batch holds at most %d events (got %d); split it.", maxBatchEvents, len(raws))}})
	}
	v := batchView{Summary: batchSummary{Received: len(raws)}, FailedEvents: []failedEventView{}}
	for i, raw := range raws {
		err := s.ingestOne(r, raw)
		code := catalog.ErrorCode(err)
		switch {
		case err == nil:
			v.Summary.Successful++
			continue
		case code == catalog.EINTERNAL || code == catalog.EUNAVAILABLE || statusOf[code] == 0:
			return err
		}
		f := failedEventView{Index: i, Code: code, Detail: catalog.ErrorMessage(err)}
		var e *catalog.Error
		if errors.As(err, &e) {
			f.Errors = e.Fields
		}
		v.FailedEvents = append(v.FailedEvents, f)
	}
	v.Summary.Failed = len(v.FailedEvents)
	switch {
	case v.Summary.Failed == 0:
		v.Status = "success"
	case v.Summary.Successful == 0:
		v.Status = "failure"
	default:
		v.Status = "partial_success"
	}
	return respond(w, http.StatusOK, v)
}

// ingestOne parses and applies one event of a batch.
func (s *Server) ingestOne(r *http.Request, raw []byte) error {
	ev, err := parseLineageEvent(raw)
	if err != nil {
		return err
	}
	_, err = s.store.IngestOpenLineage(r.Context(), ev, checkSeverities)
	return s.classify(err)
}
