package api

import (
	"net/http"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

type auditView struct {
	ID        string        `json:"id"`
	Time      time.Time     `json:"time"`
	Actor     catalog.Actor `json:"actor"`
	Action    string        `json:"action"`
	Target    string        `json:"target"`
	IP        string        `json:"ip"`
	RequestID string        `json:"request_id"`
}

func viewAudit(e *catalog.AuditEvent) auditView {
	return auditView{ID: e.ID, Time: e.Time, Actor: e.Actor, Action: e.Action, Target: e.Target, IP: e.IP, RequestID: e.RequestID}
}

func (s *Server) listAuditEvents(w http.ResponseWriter, r *http.Request) error {
	q := &queryReader{r: r}
	f := catalog.AuditFilter{Action: q.str("action"), Actor: q.str("actor"), Since: q.time("since"), Page: q.page()}
	if err := q.err(); err != nil {
		return err
	}
	events, next, err := s.store.ListAuditEvents(r.Context(), f)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, newList(mapList(events, viewAudit), next))
}
