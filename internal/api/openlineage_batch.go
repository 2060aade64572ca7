package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/openlineage"
)

// maxBatchEvents bounds one batch; the 5 MiB body cap bounds it too, but a
// batch of tiny events would hold one request for a long time.
const maxBatchEvents = 1000

// batchView is the OpenLineage batch answer: status success, or
// partial_success when any event failed (the spec's two values; a batch in
// which every event failed is partial_success with successful 0), with
// every failed event's index, reason and whether resending it can help.
type batchView struct {
	Status       string            `json:"status"`
	Summary      batchSummary      `json:"summary"`
	FailedEvents []failedEventView `json:"failed_events"`
	// Warnings are the caps events that were applied met, by index.
	Warnings []batchWarningView `json:"warnings,omitempty"`
}

type batchWarningView struct {
	Index int `json:"index"`
	warningView
}

type batchSummary struct {
	Received   int `json:"received"`
	Successful int `json:"successful"`
	Failed     int `json:"failed"`
}

type failedEventView struct {
	Index     int                  `json:"index"`
	Reason    string               `json:"reason"`
	Retriable bool                 `json:"retriable"` // false: the event itself must change
	Code      string               `json:"code"`
	Detail    string               `json:"detail"`
	Errors    []catalog.FieldError `json:"errors,omitempty"`
}

// postLineageBatch takes a JSON array of events, applied in order in one
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
		s.noteCaps([]catalog.IngestWarning{{Cap: "batch_size"}})
		return catalog.Invalid([]catalog.FieldError{{Field: "",
			Message: fmt.Sprintf("A batch holds at most %d events (got %d); split it.", maxBatchEvents, len(raws))}})
	}
	v := batchView{Summary: batchSummary{Received: len(raws)}, FailedEvents: []failedEventView{}}
	// The events that parse go to the store in one transaction; an event
	// the store refuses (a 4xx of its own) sends them one by one, so that
	// it fails alone.
	var evs []catalog.OpenLineageEvent
	var at []int
	failed := map[int]error{}
	for i, raw := range raws {
		ev, err := parseLineageEvent(raw)
		if err != nil {
			failed[i] = err
			continue
		}
		evs, at = append(evs, ev), append(at, i)
	}
	warnings := make([][]catalog.IngestWarning, len(raws))
	results, err := s.store.IngestOpenLineageBatch(r.Context(), evs, checkSeverities)
	if err != nil {
		if err = s.classify(err); fatalToBatch(err) {
			return err
		}
		for j, ev := range evs {
			res, err := s.store.IngestOpenLineage(r.Context(), ev, checkSeverities)
			if err != nil {
				failed[at[j]] = s.classify(err)
				continue
			}
			warnings[at[j]] = res.Warnings
		}
	} else {
		for j, res := range results {
			warnings[at[j]] = res.Warnings
		}
	}
	for i := range raws {
		for _, w := range s.noteCaps(warnings[i]) {
			v.Warnings = append(v.Warnings, batchWarningView{Index: i, warningView: w})
		}
		err := failed[i]
		code := catalog.ErrorCode(err)
		switch {
		case err == nil:
			v.Summary.Successful++
			continue
		case fatalToBatch(err):
			return err
		}
		// Failures here are the event's own (4xx): a resend cannot help.
		// Storage failures answered the whole batch with a 5xx above.
		f := failedEventView{Index: i, Reason: catalog.ErrorMessage(err), Retriable: false, Code: code, Detail: catalog.ErrorMessage(err)}
		var e *catalog.Error
		if errors.As(err, &e) && len(e.Fields) > 0 {
			f.Errors = e.Fields
			var parts []string
			for _, p := range e.Fields {
				parts = append(parts, strings.TrimPrefix(p.Field+": ", ": ")+p.Message)
			}
			f.Reason = strings.Join(parts, "; ")
		}
		v.FailedEvents = append(v.FailedEvents, f)
	}
	v.Summary.Failed = len(v.FailedEvents)
	switch {
	case v.Summary.Failed == 0:
		v.Status = "success"
	default:
		v.Status = "partial_success"
	}
	return respond(w, http.StatusOK, v)
}

// fatalToBatch reports a failure of storage rather than of an event: the
// whole batch is answered with it (a 5xx), so that the client resends.
func fatalToBatch(err error) bool {
	code := catalog.ErrorCode(err)
	return err != nil && (code == catalog.EINTERNAL || code == catalog.EUNAVAILABLE || statusOf[code] == 0)
}
