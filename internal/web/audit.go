package web

import (
	"net/http"
	"net/url"

	"github.com/dataxpipe/catalog/internal/catalog"
)

type auditPage struct {
	Events        []*catalog.AuditEvent
	Action, Actor string
	Actions       []string
	NextURL       string
}

var auditActions = []string{
	catalog.AuditAPIKeyCreated, catalog.AuditAPIKeyRevoked, catalog.AuditAPIKeyRotated,
	catalog.AuditMemberAdded, catalog.AuditMemberRoleChanged, catalog.AuditMemberRemoved,
	catalog.AuditPipelineRegistered, catalog.AuditPipelineDeleted,
	catalog.AuditConnectionCreated, catalog.AuditConnectionUpdated, catalog.AuditConnectionDeleted,
	catalog.AuditOrgCreated, catalog.AuditOrgUpdated, catalog.AuditOrgPlanChanged,
}

// audit lists the audit log newest first, filtered by action and actor id
// in the store so that every page is full and paging is exact.
func (u *UI) audit(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	q := r.URL.Query()
	data := auditPage{Action: q.Get("action"), Actor: q.Get("actor"), Actions: auditActions}
	events, next, err := u.store.ListAuditEvents(r.Context(), catalog.AuditFilter{Action: data.Action, Actor: data.Actor, Page: pageOf(q, 100)})
	if err != nil {
		return err
	}
	data.Events = events
	if next != "" {
		data.NextURL = withQuery("/settings/audit", q, func(v url.Values) { v.Set("cursor", next) })
	}
	u.render(w, r, s, http.StatusOK, "audit", "Audit log", "audit", data)
	return nil
}
