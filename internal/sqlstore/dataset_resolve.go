package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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
