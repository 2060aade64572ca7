package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// RegisterPipeline applies the version semantics of API.md in one
// transaction that holds the organization's row lock, so concurrent
// registrations cannot both pass the plan limit.
func (db *DB) RegisterPipeline(ctx context.Context, reg catalog.PipelineRegistration) (*catalog.Pipeline, bool, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, false, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, false, err
	}
	defer tx.Rollback()
	org, err := tx.lockOrg(ctx, orgID)
	if err != nil {
		return nil, false, err
	}
	cur, err := findPipeline(ctx, tx, orgID, reg.Name)
	switch {
	case catalog.ErrorCode(err) == catalog.ENOTFOUND:
		if err := tx.checkLimit(ctx, org, "pipelines"); err != nil {
			return nil, false, err
		}
		cur = nil
	case err != nil:
		return nil, false, err
	}
	version, unchanged, err := tx.settleVersion(ctx, orgID, cur, reg)
	if err != nil || unchanged {
		return cur, false, err
	}
	p, err := tx.writeVersion(ctx, orgID, cur, reg, version)
	if err != nil {
		return nil, false, err
	}
	if err := tx.audit(ctx, orgID, catalog.AuditPipelineRegistered, reg.Name+"@"+version); err != nil {
		return nil, false, err
	}
	return p, true, tx.commit()
}

// settleVersion decides which version a registration creates, or that it
// changes nothing (unchanged), or that it conflicts.
func (tx *Tx) settleVersion(ctx context.Context, orgID string, cur *catalog.Pipeline, reg catalog.PipelineRegistration) (string, bool, error) {
	if reg.Version != "" {
		if cur == nil {
			return reg.Version, false, nil
		}
		var hash string
		err := tx.queryRow(ctx, `SELECT content_hash FROM pipeline_versions WHERE organization_id = ? AND pipeline_name = ? AND version = ?`,
			orgID, reg.Name, reg.Version).Scan(&hash)
		switch {
		case catalog.ErrorCode(notFound(err, "")) == catalog.ENOTFOUND:
			return reg.Version, false, nil
		case err != nil:
			return "", false, fmt.Errorf("find pipeline version: %w", err)
		case hash == reg.ContentHash:
			return reg.Version, true, nil
		default:
			return "", false, catalog.Errorf(catalog.ECONFLICT,
				"Version %s of pipeline %s is already registered with different content; give the changed definition a new version.", reg.Version, reg.Name)
		}
	}
	if cur == nil {
		return reg.NextVersion(""), false, nil
	}
	if cur.ContentHash == reg.ContentHash {
		return cur.Version, true, nil
	}
	v := reg.NextVersion(cur.Version)
	for {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM pipeline_versions WHERE organization_id = ? AND pipeline_name = ? AND version = ?`,
			orgID, reg.Name, v).Scan(&n); err != nil {
			return "", false, fmt.Errorf("find pipeline version: %w", err)
		}
		if n == 0 {
			return v, false, nil
		}
		v = reg.NextVersion(v)
	}
}

// writeVersion stores a new version and makes it current.
func (tx *Tx) writeVersion(ctx context.Context, orgID string, cur *catalog.Pipeline, reg catalog.PipelineRegistration, version string) (*catalog.Pipeline, error) {
	tags, _ := json.Marshal(reg.Tags)
	p := &catalog.Pipeline{OrgID: orgID, Name: reg.Name, Version: version, Description: reg.Description, Owner: reg.Owner,
		Environment: reg.Environment, Schedule: reg.Schedule, Tags: reg.Tags, ContentHash: reg.ContentHash,
		Definition: reg.Definition(version), VersionsCount: 1, CreatedAt: tx.now, UpdatedAt: tx.now}
	var err error
	if cur == nil {
		_, err = tx.exec(ctx, `INSERT INTO pipelines (organization_id, name, current_version, description, owner, environment, schedule, tags, versions_count, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
			orgID, p.Name, version, p.Description, p.Owner, p.Environment, p.Schedule, string(tags), ts(tx.now), ts(tx.now))
	} else {
		p.VersionsCount, p.CreatedAt = cur.VersionsCount+1, cur.CreatedAt
		_, err = tx.exec(ctx, `UPDATE pipelines SET current_version = ?, description = ?, owner = ?, environment = ?, schedule = ?, tags = ?,
			versions_count = ?, updated_at = ? WHERE organization_id = ? AND name = ?`,
			version, p.Description, p.Owner, p.Environment, p.Schedule, string(tags), p.VersionsCount, ts(tx.now), orgID, p.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("write pipeline: %w", err)
	}
	a := catalog.PrincipalFromContext(ctx).Actor()
	if _, err := tx.exec(ctx, `INSERT INTO pipeline_versions (organization_id, pipeline_name, version, seq, content_hash, definition, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		orgID, p.Name, version, p.VersionsCount, p.ContentHash, string(p.Definition), ts(tx.now), a.Type+":"+a.ID); err != nil {
		return nil, fmt.Errorf("insert pipeline version: %w", err)
	}
	if _, err := tx.exec(ctx, `DELETE FROM pipeline_tags WHERE organization_id = ? AND pipeline_name = ?`, orgID, p.Name); err != nil {
		return nil, fmt.Errorf("clear pipeline tags: %w", err)
	}
	for _, tag := range reg.Tags {
		if _, err := tx.exec(ctx, `INSERT INTO pipeline_tags (organization_id, pipeline_name, tag) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, orgID, p.Name, tag); err != nil {
			return nil, fmt.Errorf("insert pipeline tag: %w", err)
		}
	}
	return p, tx.afterPipelineVersion(ctx, p)
}
