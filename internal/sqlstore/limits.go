package sqlstore

import (
	"context"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// lockOrg reads an organization and, on Postgres, locks its row until the
// transaction ends and makes the transaction act in it. Every registration
// that counts against a plan limit takes this lock first, so
// count-then-insert cannot race. (On SQLite the immediate transaction
// already holds the database write lock.)
func (tx *Tx) lockOrg(ctx context.Context, orgID string) (*catalog.Org, error) {
	o, err := scanOrg(tx.queryRow(ctx, `SELECT `+orgColumns+` FROM organizations WHERE id = ?`+tx.forUpdate(), orgID))
	if err != nil {
		return nil, notFound(err, "No organization %q.", orgID)
	}
	// Platform paths (webhooks, admin) learn the organization here; row-level
	// security must act in it from now on.
	return o, tx.setOrg(ctx, orgID)
}

// limitCounts are the queries that count a resource against its limit.
var limitCounts = map[string]string{
	"pipelines":   `SELECT COUNT(*) FROM pipelines WHERE organization_id = ?`,
	"connections": `SELECT COUNT(*) FROM connections WHERE organization_id = ?`,
}

// checkLimit refuses one more of resource when the plan's limit is reached.
// A downgrade deletes nothing: usage above the limit only blocks new ones.
func (tx *Tx) checkLimit(ctx context.Context, org *catalog.Org, resource string) error {
	limits, _ := catalog.PlanLimits(org.Plan)
	limit := limits.Pipelines
	if resource == "connections" {
		limit = limits.Connections
	}
	if limit == nil {
		return nil
	}
	var usage int
	if err := tx.queryRow(ctx, limitCounts[resource], org.ID).Scan(&usage); err != nil {
		return fmt.Errorf("count %s: %w", resource, err)
	}
	if usage < *limit {
		return nil
	}
	msg := fmt.Sprintf("The %s plan allows %d %s and %s has %d.", catalog.PlanTitle(org.Plan), *limit, resource, org.Slug, usage)
	if next := catalog.NextPlan(org.Plan); next != "" {
		msg += fmt.Sprintf(" Upgrade to %s to register more.", catalog.PlanTitle(next))
	}
	return &catalog.Error{Code: catalog.ELIMIT, Message: msg,
		Limit: &catalog.LimitExceeded{Plan: org.Plan, Resource: resource, Limit: *limit, Usage: usage}}
}
