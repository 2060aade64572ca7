package api

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// newOpenLineageCaps counts the caps OpenLineage events meet (the warnings
// of their answers), by cap, so an operator sees what clients were told.
func newOpenLineageCaps() *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: "dataxpipe_openlineage_caps_total",
		Help: "OpenLineage events that met a cap (edges, facet_size, task_attempts, batch_size), by cap."}, []string{"cap"})
}

// warningView is one cap an event met, as its answer says it.
type warningView struct {
	Cap     string `json:"cap"`
	Message string `json:"message"`
}

// noteCaps counts the event's warnings and returns them as the answer shows
// them.
func (s *Server) noteCaps(ws []catalog.IngestWarning) []warningView {
	var out []warningView
	for _, w := range ws {
		if s.httpMetrics != nil && s.httpMetrics.olCaps != nil {
			s.httpMetrics.olCaps.WithLabelValues(w.Cap).Inc()
		}
		out = append(out, warningView{w.Cap, w.Message})
	}
	return out
}
