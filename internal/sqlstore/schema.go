package sqlstore

import (
	"context"
	"fmt"
	"regexp"
)

var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// EnsureSchema creates a Postgres schema for a dedicated tenant store if it
// does not exist yet. The name is checked here too because it is spliced
// into DDL, which takes no parameters.
func (db *DB) EnsureSchema(ctx context.Context, name string) error {
	if db.engine != Postgres || !schemaName.MatchString(name) {
		return fmt.Errorf("ensure schema %q: needs Postgres and a lower-case identifier", name)
	}
	if _, err := db.sql.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS `+name); err != nil {
		return fmt.Errorf("create schema %s: %w", name, err)
	}
	return nil
}
