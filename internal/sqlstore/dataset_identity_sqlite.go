package sqlstore

import (
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// dxp_observed_dataset_id(namespace, name) is catalog.ObservedDatasetID in
// SQLite's SQL, for migration 0027, which gives datasets made before 0011
// the ids new ones get. SQLite has no SHA-256 of its own; Postgres computes
// the same with sha256() in its copy of the migration.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("dxp_observed_dataset_id", 2,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			ns, ok1 := args[0].(string)
			name, ok2 := args[1].(string)
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("dxp_observed_dataset_id: want two texts, got %T and %T", args[0], args[1])
			}
			return catalog.ObservedDatasetID(ns, name), nil
		})
}
