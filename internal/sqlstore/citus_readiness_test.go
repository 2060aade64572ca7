package sqlstore_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// TestCitusReadiness reads the migrated Postgres schema's catalog and checks
// what distributing the tenant tables by organization_id (Citus) needs:
//
//   - every primary key and unique index of a tenant table leads with
//     organization_id, so uniqueness is decided inside one shard;
//   - every foreign key between two tenant tables carries organization_id
//     on both sides, in the same position, so the referenced row lives in
//     the same shard and no reference can cross tenants;
//   - a tenant table refers to organizations only through organization_id;
//   - a reference table refers to no tenant table: Citus refuses a
//     reference table's foreign key into a distributed one.
//
// Tables without organization_id (organizations, users) and the key-hash
// directory, read by hash before any tenant is known, become reference
// tables, which any shard may refer to.
func TestCitusReadiness(t *testing.T) {
	dsn := sqlstoretest.DSN(t, sqlstore.Postgres)
	migrateFresh(t, dsn)
	conn, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tenant := map[string]bool{}
	for _, table := range queryStrings(t, conn, `SELECT c.relname FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped
		WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')`) {
		tenant[table] = true
	}
	// Looked up by a globally unique value before the organization is known
	// (a presented key's hash): a directory, replicated as a reference table.
	directories := map[string]bool{"api_key_hashes": true}
	if len(tenant) < 10 {
		t.Fatalf("only %d tenant tables found: the inspection broke", len(tenant))
	}

	keys := 0
	for _, k := range catalogRows(t, conn, `SELECT c.relname, ic.relname,
			array_to_string(ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
				LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.ord), ',')
		FROM pg_index i
		JOIN pg_class c ON c.oid = i.indrelid
		JOIN pg_class ic ON ic.oid = i.indexrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND (i.indisunique OR i.indisprimary)`) {
		table, index, cols := k[0], k[1], k[2]
		if !tenant[table] || directories[table] {
			continue
		}
		keys++
		if !strings.HasPrefix(cols+",", "organization_id,") { // an expression key has an empty first name
			t.Errorf("%s: unique index %s (%s) does not lead with organization_id", table, index, cols)
		}
	}
	if keys < 15 {
		t.Errorf("only %d keys of tenant tables inspected: the inspection broke", keys)
	}

	fks := 0
	for _, fk := range catalogRows(t, conn, `SELECT c.relname, con.conname, r.relname,
			array_to_string(ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
				JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord), ','),
			array_to_string(ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
				JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord), ',')
		FROM pg_constraint con
		JOIN pg_class c ON c.oid = con.conrelid
		JOIN pg_class r ON r.oid = con.confrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND con.contype = 'f'`) {
		table, name, target, from, to := fk[0], fk[1], fk[2], strings.Split(fk[3], ","), strings.Split(fk[4], ",")
		fks++
		switch {
		case tenant[table] && tenant[target] && !directories[table] && !directories[target]:
			if !samePosition(from, to, "organization_id") {
				t.Errorf("%s: foreign key %s (%s) → %s (%s) crosses tenants: it does not pair organization_id with organization_id",
					table, name, fk[3], target, fk[4])
			}
		case tenant[table] && target == "organizations":
			if len(from) != 1 || from[0] != "organization_id" {
				t.Errorf("%s: foreign key %s (%s) → organizations (%s): a tenant table names its organization by organization_id alone",
					table, name, fk[3], fk[4])
			}
		case (!tenant[table] || directories[table]) && tenant[target] && !directories[target]:
			t.Errorf("%s: foreign key %s (%s) → %s (%s): a reference table cannot refer into the sharded tenant table %s",
				table, name, fk[3], target, fk[4], target)
		}
	}
	if fks < 5 {
		t.Errorf("only %d foreign keys inspected: the inspection broke", fks)
	}
}

// samePosition reports whether col is paired with itself by a foreign key
// of columns from → to.
func samePosition(from, to []string, col string) bool {
	for i := range from {
		if i < len(to) && from[i] == col && to[i] == col {
			return true
		}
	}
	return false
}

func catalogRows(t *testing.T, conn *sql.DB, q string) [][]string {
	t.Helper()
	rows, err := conn.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		row := make([]string, len(cols))
		ptrs := make([]any, len(cols))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
