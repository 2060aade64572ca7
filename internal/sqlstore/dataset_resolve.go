package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// namePrefix is the length of the name prefix datasets_by_name indexes
// (migration 0011); a lookup repeats the indexed expression so that both
// planners use it, and compares the whole name as well.
const namePrefix = "200"

// byName is the condition "the dataset's name is name", served by the index.
func byName(a *args, name string) string {
	n := a.add(name)
	return `substr(name, 1, ` + namePrefix + `) = substr(` + n + `, 1, ` + namePrefix + `) AND name = ` + n
}

// ResolveDataset finds the dataset a reference addresses (see
// catalog.LineageService): an id wins; a bare name must be carried by one
// dataset; a namespace and name address the observed dataset of that pair.
func (db *DB) ResolveDataset(ctx context.Context, ref catalog.DatasetRef) (string, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return "", err
	}
	if errs := ref.Validate(); len(errs) > 0 {
		return "", catalog.Invalid(errs)
	}
	ref = ref.Normal()
	a := args{orgID}
	q := `SELECT ` + datasetColumns + ` FROM datasets WHERE organization_id = $1 AND `
	if ref.Namespace != "" {
		q += `namespace = ` + a.add(ref.Namespace) + ` AND ` + byName(&a, ref.Name)
	} else {
		var id string
		err := db.queryRow(ctx, `SELECT id FROM datasets WHERE organization_id = $1 AND id = $2`, orgID, ref.Key).Scan(&id)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("find dataset: %w", err)
		}
		q += byName(&a, ref.Key)
	}
	rows, err := db.query(ctx, q+` ORDER BY namespace, id LIMIT 21`, a...)
	if err != nil {
		return "", fmt.Errorf("resolve dataset: %w", err)
	}
	found, err := scanAll(rows, scanDataset)
	if err != nil {
		return "", fmt.Errorf("resolve dataset: %w", err)
	}
	// Aliases: the other identities of joined and symlinked nodes.
	b := args{orgID}
	aq := `SELECT ` + prefixed("d.", datasetColumns) + ` FROM dataset_aliases a JOIN datasets d ON d.organization_id = a.organization_id
		AND d.id = a.dataset_id WHERE a.organization_id = $1 AND `
	if ref.Namespace != "" {
		aq += `a.alias_id = ` + b.add(catalog.ObservedDatasetID(ref.Namespace, ref.Name))
	} else {
		// The key may be the id a node had before it was merged into
		// another (a bookmarked /datasets/ds_...): that id is its alias's.
		n := b.add(ref.Key)
		aq += `(a.alias_id = ` + n + ` OR substr(a.name, 1, ` + namePrefix + `) = substr(` + n + `, 1, ` + namePrefix + `) AND a.name = ` + n + `)`
	}
	rows, err = db.query(ctx, aq+` ORDER BY d.id LIMIT 21`, b...)
	if err != nil {
		return "", fmt.Errorf("resolve alias: %w", err)
	}
	aliased, err := scanAll(rows, scanDataset)
	if err != nil {
		return "", fmt.Errorf("resolve alias: %w", err)
	}
	for _, d := range aliased {
		if !slices.ContainsFunc(found, func(f *catalog.Dataset) bool { return f.ID == d.ID }) {
			found = append(found, d)
		}
	}
	name := ref.Key + ref.Name
	switch len(found) {
	case 0:
		if ref.Namespace != "" {
			return "", catalog.Errorf(catalog.ENOTFOUND, "No dataset %q in namespace %q in this organization's lineage graph.", name, ref.Namespace)
		}
		return "", catalog.Errorf(catalog.ENOTFOUND, "No dataset %q in this organization's lineage graph.", name)
	case 1:
		return found[0].ID, nil
	}
	cands := make([]catalog.Dataset, len(found))
	for i, d := range found {
		cands[i] = *d
	}
	return "", catalog.AmbiguousDataset(name, cands)
}

// prefixed qualifies each column of a column list with p.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}
