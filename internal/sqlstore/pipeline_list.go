package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// ListPipelines lists the organization's pipelines by name.
func (db *DB) ListPipelines(ctx context.Context, f catalog.PipelineFilter) ([]*catalog.Pipeline, string, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, "", err
	}
	after, err := decodeCursor(f.Cursor, 1)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Page)
	q, args := `SELECT `+pipelineColumns+` FROM pipelines p WHERE p.organization_id = ?`, []any{orgID}
	if f.Owner != "" {
		q, args = q+` AND p.owner = ?`, append(args, f.Owner)
	}
	if f.Query != "" {
		like := "%" + escapeLike(strings.ToLower(f.Query)) + "%"
		q, args = q+` AND (LOWER(p.name) LIKE ? ESCAPE '\' OR LOWER(p.description) LIKE ? ESCAPE '\')`, append(args, like, like)
	}
	if tags := distinct(f.Tags); len(tags) > 0 {
		// A pipeline matches when it carries every requested tag.
		q += ` AND p.name IN (SELECT pipeline_name FROM pipeline_tags WHERE organization_id = ? AND tag IN (` +
			placeholders(len(tags)) + `) GROUP BY pipeline_name HAVING COUNT(*) = ` + strconv.Itoa(len(tags)) + `)`
		args = append(args, orgID)
		for _, t := range tags {
			args = append(args, t)
		}
	}
	if after != nil {
		q, args = q+` AND p.name > ?`, append(args, after[0])
	}
	rows, err := db.query(ctx, q+` ORDER BY p.name LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list pipelines: %w", err)
	}
	return collectPage(rows, limit, func(r scanner) (*catalog.Pipeline, error) { return scanPipeline(r) }, func(last *catalog.Pipeline) string { return encodeCursor(last.Name) })
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
	q, args := `SELECT `+versionColumns+` FROM pipeline_versions WHERE organization_id = ? AND pipeline_name = ?`, []any{orgID, name}
	if after != nil {
		seq, _ := strconv.Atoi(after[0])
		q, args = q+` AND seq < ?`, append(args, seq)
	}
	rows, err := db.query(ctx, q+` ORDER BY seq DESC LIMIT ?`, append(args, limit+1)...)
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
		WHERE organization_id = ? AND pipeline_name = ? AND version = ?`, orgID, name, version))
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

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func distinct(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
