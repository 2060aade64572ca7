package sqlstore

import (
	"context"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// UpdateOrg changes an organization's name or plan.
func (db *DB) UpdateOrg(ctx context.Context, slug string, upd catalog.OrgUpdate) (*catalog.Org, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	o, err := scanOrg(tx.queryRow(ctx, `SELECT `+orgColumns+` FROM organizations WHERE slug = ?`+tx.forUpdate(), slug))
	if err != nil {
		return nil, notFound(err, "No organization %q.", slug)
	}
	if err := tx.setOrg(ctx, o.ID); err != nil { // the audit rows belong to it
		return nil, err
	}
	name, plan := o.Name, o.Plan
	if upd.Name != nil {
		name = *upd.Name
	}
	if upd.Plan != nil {
		plan = *upd.Plan
	}
	if errs := catalog.ValidateOrg(o.Slug, name, plan); len(errs) > 0 {
		return nil, catalog.Invalid(errs)
	}
	if err := tx.setOrgPlan(ctx, o, name, plan, catalog.PrincipalFromContext(ctx).Actor()); err != nil {
		return nil, err
	}
	return o, tx.commit()
}

// setOrgPlan writes name and plan onto o and audits what changed.
func (tx *Tx) setOrgPlan(ctx context.Context, o *catalog.Org, name, plan string, actor catalog.Actor) error {
	if name == o.Name && plan == o.Plan {
		return nil
	}
	if _, err := tx.exec(ctx, `UPDATE organizations SET name = ?, plan = ?, updated_at = ? WHERE id = ?`, name, plan, ts(tx.now), o.ID); err != nil {
		return fmt.Errorf("update organization: %w", err)
	}
	if plan != o.Plan {
		if err := tx.auditAs(ctx, o.ID, actor, catalog.AuditOrgPlanChanged, o.Plan+" → "+plan); err != nil {
			return err
		}
	}
	if name != o.Name {
		if err := tx.auditAs(ctx, o.ID, actor, catalog.AuditOrgUpdated, o.Slug); err != nil {
			return err
		}
	}
	o.Name, o.Plan, o.UpdatedAt = name, plan, tx.now
	return nil
}
