package sqlstore

import (
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// pipelineOrder is one order of the pipeline list and its keyset: the sort
// key (if any) first and the name as the tiebreak, so a page ends at a
// unique row and the next page starts right after it.
type pipelineOrder struct {
	sort    string
	orderBy string
	// key is the sort key of a pipeline as stored, for the cursor.
	key func(*catalog.Pipeline) string
	// column and op say which rows come after a cursor's key: those whose
	// column is op the key (or equal to it with a later name).
	column, op string
}

func pipelineOrderOf(sort string) (pipelineOrder, error) {
	switch sort {
	case "", catalog.PipelineSortName:
		return pipelineOrder{sort: catalog.PipelineSortName, orderBy: `p.name`}, nil
	case catalog.PipelineSortUpdated:
		// Newest first; updated_at is stored at microseconds on both engines,
		// as ts formats it, so the cursor's text compares equal to the row.
		return pipelineOrder{sort: sort, orderBy: `p.updated_at DESC, p.name`, column: `p.updated_at`, op: `<`,
			key: func(p *catalog.Pipeline) string { return ts(p.UpdatedAt) }}, nil
	case catalog.PipelineSortOwner:
		return pipelineOrder{sort: sort, orderBy: `p.owner, p.name`, column: `p.owner`, op: `>`,
			key: func(p *catalog.Pipeline) string { return p.Owner }}, nil
	}
	return pipelineOrder{}, catalog.Invalid([]catalog.FieldError{{Field: "sort",
		Message: "sort must be one of " + joinQuoted(catalog.PipelineSorts) + "."}})
}

// encode is the cursor after last. By name it stays the one-key cursor the
// API has always handed out; other orders name themselves, so a cursor of
// one order is refused by another instead of skipping rows.
func (o pipelineOrder) encode(last *catalog.Pipeline) string {
	if o.key == nil {
		return encodeCursor(last.Name)
	}
	return encodeCursor(o.sort, o.key(last), last.Name)
}

// decode returns the cursor's sort key and name (only the name by name).
func (o pipelineOrder) decode(cursor string) ([]string, error) {
	if o.key == nil {
		return decodeCursor(cursor, 1)
	}
	keys, err := decodeCursor(cursor, 3)
	if err != nil || keys == nil {
		return nil, err
	}
	if keys[0] != o.sort {
		return nil, catalog.Invalid([]catalog.FieldError{{Field: "cursor", Message: "cursor belongs to another sort order; start again without it"}})
	}
	return keys[1:], nil
}

// after is the WHERE clause that starts a page after the cursor's row.
func (o pipelineOrder) after(a *args, after []string) string {
	switch {
	case after == nil:
		return ""
	case o.key == nil:
		return ` AND p.name > ` + a.add(after[0])
	}
	k, n := a.add(after[0]), a.add(after[1])
	return ` AND (` + o.column + ` ` + o.op + ` ` + k + ` OR (` + o.column + ` = ` + k + ` AND p.name > ` + n + `))`
}

func joinQuoted(vs []string) string {
	return `"` + strings.Join(vs, `", "`) + `"`
}
