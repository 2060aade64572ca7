package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
)

const pipelineColumns = `p.organization_id, p.name, p.current_version, p.description, p.owner, p.environment, p.schedule, p.tags,
	p.versions_count, p.created_at, p.updated_at`

func scanPipeline(row scanner, extra ...any) (*catalog.Pipeline, error) {
	p := &catalog.Pipeline{}
	var tags string
	dest := append([]any{&p.OrgID, &p.Name, &p.Version, &p.Description, &p.Owner, &p.Environment, &p.Schedule, &tags,
		&p.VersionsCount, timeCol{&p.CreatedAt}, timeCol{&p.UpdatedAt}}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(tags), &p.Tags); err != nil {
		return nil, fmt.Errorf("pipeline %s tags: %w", p.Name, err)
	}
	return p, nil
}

// findPipeline reads the current version of a pipeline with its definition.
func findPipeline(ctx context.Context, q querier, orgID, name string) (*catalog.Pipeline, error) {
	var def string
	var hash string
	p, err := scanPipeline(q.queryRow(ctx, `SELECT `+pipelineColumns+`, v.content_hash, v.definition
		FROM pipelines p JOIN pipeline_versions v
		  ON v.organization_id = p.organization_id AND v.pipeline_name = p.name AND v.version = p.current_version
		WHERE p.organization_id = ? AND p.name = ?`, orgID, name), &hash, &def)
	if err != nil {
		return nil, notFound(err, "No pipeline %q in this organization.", name)
	}
	p.ContentHash, p.Definition = hash, json.RawMessage(def)
	return p, nil
}

// FindPipeline returns a pipeline at its current version.
func (db *DB) FindPipeline(ctx context.Context, name string) (*catalog.Pipeline, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	return findPipeline(ctx, db, orgID, name)
}

// DeletePipeline removes a pipeline with its versions and tags.
func (db *DB) DeletePipeline(ctx context.Context, name string) error {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	missing := catalog.Errorf(catalog.ENOTFOUND, "No pipeline %q in this organization.", name)
	if err := tx.execOne(ctx, missing, `DELETE FROM pipelines WHERE organization_id = ? AND name = ?`, orgID, name); err != nil {
		return fmt.Errorf("delete pipeline: %w", err)
	}
	if err := tx.afterPipelineDeleted(ctx, orgID, name); err != nil {
		return err
	}
	if err := tx.audit(ctx, orgID, catalog.AuditPipelineDeleted, name); err != nil {
		return err
	}
	return tx.commit()
}

// querier is what both *DB and *Tx offer for reads, so a read helper serves
// inside and outside transactions.
type querier interface {
	queryRow(ctx context.Context, q string, args ...any) *Row
	query(ctx context.Context, q string, args ...any) (*Rows, error)
}
