package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

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
		WHERE p.organization_id = $1 AND p.name = $2`, orgID, name), &hash, &def)
	if err != nil {
		return nil, notFound(err, "No pipeline %q in this organization.", name)
	}
	p.ContentHash, p.Definition = hash, json.RawMessage(def)
	return p, nil
}

// FindPipelineWithLastRun is FindPipeline with the pipeline's newest run
// (as ListRuns orders them; nil for none), in one query.
func (db *DB) FindPipelineWithLastRun(ctx context.Context, name string) (*catalog.Pipeline, *catalog.Run, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, nil, err
	}
	var def, hash string
	var id, status, runErr, attrs sql.NullString
	var failed sql.NullBool
	var started, finished, created, updated *time.Time
	p, err := scanPipeline(db.queryRow(ctx, `SELECT `+pipelineColumns+`, v.content_hash, v.definition,
		r.run_id, r.status, r.started_at, r.finished_at, r.error, r.attributes, r.checks_failed, r.created_at, r.updated_at
		FROM pipelines p JOIN pipeline_versions v
		  ON v.organization_id = p.organization_id AND v.pipeline_name = p.name AND v.version = p.current_version
		LEFT JOIN runs r ON r.organization_id = p.organization_id AND r.run_id = (SELECT l.run_id FROM runs l
		  WHERE l.organization_id = p.organization_id AND l.pipeline_name = p.name ORDER BY l.started_at DESC, l.run_id DESC LIMIT 1)
		WHERE p.organization_id = $1 AND p.name = $2`, orgID, name), &hash, &def,
		&id, &status, nullTimeCol{&started}, nullTimeCol{&finished}, &runErr, &attrs, &failed, nullTimeCol{&created}, nullTimeCol{&updated})
	if err != nil {
		return nil, nil, notFound(err, "No pipeline %q in this organization.", name)
	}
	p.ContentHash, p.Definition = hash, json.RawMessage(def)
	if !id.Valid {
		return p, nil, nil
	}
	run := &catalog.Run{OrgID: orgID, ID: id.String, PipelineName: p.Name, Status: status.String, FinishedAt: finished,
		Error: runErr.String, ChecksFailed: failed.Bool}
	for _, t := range []struct {
		to   *time.Time
		from *time.Time
	}{{&run.StartedAt, started}, {&run.CreatedAt, created}, {&run.UpdatedAt, updated}} {
		if t.from != nil {
			*t.to = *t.from
		}
	}
	if attrs.Valid {
		run.Attributes = []byte(attrs.String)
	}
	return p, run, nil
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
	if err := tx.execOne(ctx, missing, `DELETE FROM pipelines WHERE organization_id = $1 AND name = $2`, orgID, name); err != nil {
		return fmt.Errorf("delete pipeline: %w", err)
	}
	// Its edges leave the graph, and so do datasets nothing else declares.
	// Versions and tags go by foreign-key cascade; runs stay in history.
	if err := tx.replaceLineage(ctx, orgID, pipelineSource(name), nil, nil); err != nil {
		return err
	}
	if err := tx.audit(ctx, orgID, catalog.AuditPipelineDeleted, name); err != nil {
		return err
	}
	return tx.commit()
}

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
	version, existing, err := tx.settleVersion(ctx, orgID, cur, reg)
	if err != nil {
		return nil, false, err
	}
	if existing != nil { // nothing to write: the entry of the version asked for
		return cur.AtVersion(existing, reg), false, nil
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

// settleVersion decides which version a registration creates, or returns
// the registered version whose content it repeats (existing), or says that
// it conflicts. A repeat of an older version is that version's entry, not
// the current one's.
func (tx *Tx) settleVersion(ctx context.Context, orgID string, cur *catalog.Pipeline, reg catalog.PipelineRegistration) (string, *catalog.PipelineVersion, error) {
	if reg.Version != "" {
		if cur == nil {
			return reg.Version, nil, nil
		}
		v, err := scanVersion(tx.queryRow(ctx, `SELECT `+versionColumns+` FROM pipeline_versions
			WHERE organization_id = $1 AND pipeline_name = $2 AND version = $3`, orgID, reg.Name, reg.Version))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return reg.Version, nil, nil
		case err != nil:
			return "", nil, fmt.Errorf("find pipeline version: %w", err)
		case reg.Unchanged(v.ContentHash):
			return reg.Version, v, nil
		default:
			return "", nil, catalog.Errorf(catalog.ECONFLICT,
				"Version %s of pipeline %s is already registered with different content; give the changed definition a new version.", reg.Version, reg.Name)
		}
	}
	if cur == nil {
		return reg.NextVersion(""), nil, nil
	}
	if reg.Unchanged(cur.ContentHash) {
		return cur.Version, &catalog.PipelineVersion{Name: cur.Name, Version: cur.Version}, nil // AtVersion answers cur itself
	}
	v := reg.NextVersion(cur.Version)
	for {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM pipeline_versions WHERE organization_id = $1 AND pipeline_name = $2 AND version = $3`,
			orgID, reg.Name, v).Scan(&n); err != nil {
			return "", nil, fmt.Errorf("find pipeline version: %w", err)
		}
		if n == 0 {
			return v, nil, nil
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
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)`,
			orgID, p.Name, version, p.Description, p.Owner, p.Environment, p.Schedule, string(tags), ts(tx.now))
	} else {
		p.VersionsCount, p.CreatedAt = cur.VersionsCount+1, cur.CreatedAt
		_, err = tx.exec(ctx, `UPDATE pipelines SET current_version = $1, description = $2, owner = $3, environment = $4, schedule = $5, tags = $6,
			versions_count = $7, updated_at = $8 WHERE organization_id = $9 AND name = $10`,
			version, p.Description, p.Owner, p.Environment, p.Schedule, string(tags), p.VersionsCount, ts(tx.now), orgID, p.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("write pipeline: %w", err)
	}
	a := catalog.PrincipalFromContext(ctx).Actor()
	if _, err := tx.exec(ctx, `INSERT INTO pipeline_versions (organization_id, pipeline_name, version, seq, content_hash, definition, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		orgID, p.Name, version, p.VersionsCount, p.ContentHash, string(p.Definition), ts(tx.now), a.Type+":"+a.ID); err != nil {
		return nil, fmt.Errorf("insert pipeline version: %w", err)
	}
	if _, err := tx.exec(ctx, `DELETE FROM pipeline_tags WHERE organization_id = $1 AND pipeline_name = $2`, orgID, p.Name); err != nil {
		return nil, fmt.Errorf("clear pipeline tags: %w", err)
	}
	for _, tag := range reg.Tags {
		if _, err := tx.exec(ctx, `INSERT INTO pipeline_tags (organization_id, pipeline_name, tag) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, orgID, p.Name, tag); err != nil {
			return nil, fmt.Errorf("insert pipeline tag: %w", err)
		}
	}
	// The new current version's datasets and edges replace the old ones in
	// the organization's graph, inside the registration's transaction.
	if err := tx.replaceOpenLineageJobs(ctx, orgID, p.Name, reg.OpenLineageJobs); err != nil {
		return nil, err
	}
	return p, tx.replaceLineage(ctx, orgID, pipelineSource(p.Name), reg.Datasets, reg.Edges)
}

// ListPipelines lists the organization's pipelines by name.
func (db *DB) ListPipelines(ctx context.Context, f catalog.PipelineFilter) ([]*catalog.Pipeline, string, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, "", err
	}
	order, err := pipelineOrderOf(f.Sort)
	if err != nil {
		return nil, "", err
	}
	after, err := order.decode(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Page)
	a := args{orgID}
	q := `SELECT ` + pipelineColumns + ` FROM pipelines p WHERE p.organization_id = $1`
	if f.Owner != "" {
		q += ` AND p.owner = ` + a.add(f.Owner)
	}
	if f.Query != "" {
		like := a.add("%" + escapeLike(strings.ToLower(f.Query)) + "%")
		q += ` AND (LOWER(p.name) LIKE ` + like + ` ESCAPE '\' OR LOWER(p.description) LIKE ` + like + ` ESCAPE '\')`
	}
	if tags := distinct(f.Tags); len(tags) > 0 {
		// A pipeline matches when it carries every requested tag.
		q += ` AND p.name IN (SELECT pipeline_name FROM pipeline_tags WHERE organization_id = $1 AND tag IN (` +
			list(&a, tags) + `) GROUP BY pipeline_name HAVING COUNT(*) = ` + a.add(len(tags)) + `)`
	}
	q += order.after(&a, after)
	rows, err := db.query(ctx, q+` ORDER BY `+order.orderBy+` LIMIT `+a.add(limit+1), a...)
	if err != nil {
		return nil, "", fmt.Errorf("list pipelines: %w", err)
	}
	return collectPage(rows, limit, func(r scanner) (*catalog.Pipeline, error) { return scanPipeline(r) }, order.encode)
}

// ListPipelineVersions lists a pipeline's versions, newest first.
func (db *DB) ListPipelineVersions(ctx context.Context, name string, page catalog.Page) ([]*catalog.PipelineVersion, string, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, "", err
	}
	if _, err := findPipeline(ctx, db, orgID, name); err != nil {
		return nil, "", err
	}
	after, err := decodeCursor(page.Cursor, 1)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(page)
	a := args{orgID, name}
	q := `SELECT ` + versionColumns + ` FROM pipeline_versions WHERE organization_id = $1 AND pipeline_name = $2`
	if after != nil {
		seq, _ := strconv.Atoi(after[0])
		q += ` AND seq < ` + a.add(seq)
	}
	rows, err := db.query(ctx, q+` ORDER BY seq DESC LIMIT `+a.add(limit+1), a...)
	if err != nil {
		return nil, "", fmt.Errorf("list pipeline versions: %w", err)
	}
	return collectPage(rows, limit, scanVersion, func(last *catalog.PipelineVersion) string { return encodeCursor(strconv.Itoa(last.Seq)) })
}

// FindPipelineVersion returns one version of a pipeline.
func (db *DB) FindPipelineVersion(ctx context.Context, name, version string) (*catalog.PipelineVersion, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	v, err := scanVersion(db.queryRow(ctx, `SELECT `+versionColumns+` FROM pipeline_versions
		WHERE organization_id = $1 AND pipeline_name = $2 AND version = $3`, orgID, name, version))
	if err != nil {
		return nil, notFound(err, "No version %q of pipeline %q in this organization.", version, name)
	}
	return v, nil
}

const versionColumns = `pipeline_name, version, seq, content_hash, definition, created_at, created_by`

func scanVersion(row scanner) (*catalog.PipelineVersion, error) {
	v := &catalog.PipelineVersion{}
	var def string
	if err := row.Scan(&v.Name, &v.Version, &v.Seq, &v.ContentHash, &def, timeCol{&v.CreatedAt}, &v.CreatedBy); err != nil {
		return nil, err
	}
	v.Definition = []byte(def)
	return v, nil
}
