package catalog

import (
	"context"
	"time"
)

// Audit actions.
const (
	AuditAPIKeyCreated      = "api_key.created"
	AuditAPIKeyRevoked      = "api_key.revoked"
	AuditAPIKeyRotated      = "api_key.rotated"
	AuditOrgCreated         = "organization.created"
	AuditOrgPlanChanged     = "organization.plan_changed"
	AuditOrgUpdated         = "organization.updated"
	AuditPipelineRegistered = "pipeline.registered"
	AuditPipelineDeleted    = "pipeline.deleted"
	AuditConnectionCreated  = "connection.created"
	AuditConnectionUpdated  = "connection.updated"
	AuditConnectionDeleted  = "connection.deleted"
	AuditMemberAdded        = "member.added"
	AuditMemberRemoved      = "member.removed"
	AuditMemberRoleChanged  = "member.role_changed"
)

// Actor is who caused an audit event.
type Actor struct {
	Type string `json:"type"` // api_key, user, stripe, system
	ID   string `json:"id"`
}

// AuditEvent is one append-only record of a change.
type AuditEvent struct {
	OrgID     string
	ID        string
	Time      time.Time
	Actor     Actor
	Action    string
	Target    string
	IP        string
	RequestID string
}

// AuditFilter narrows the audit log.
type AuditFilter struct {
	Action string
	// Actor is an actor id (a user, key, "stripe" or "system"); ids are
	// unique across actor types, so the id alone names one actor.
	Actor string
	Since *time.Time
	Page
}

// AuditService reads the caller's organization's audit log. Events are
// written by the other services inside the transaction of their change.
type AuditService interface {
	// ListAuditEvents lists newest first.
	ListAuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, string, error)
}
