package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// tableShape is what must agree between the two engines' migrations: the
// columns with their nullability, and every key (primary or unique) as its
// ordered column list. Types differ on purpose (TEXT timestamps on SQLite,
// timestamptz on Postgres) and are not compared.
type tableShape struct {
	columns map[string]bool // column -> nullable
	keys    []string        // "pk:a,b" or "unique:a,b", sorted
}

// TestSchemaParity migrates both engines and compares what they built, so a
// migration written for one engine only, or with a different NOT NULL,
// fails here instead of in production.
func TestSchemaParity(t *testing.T) {
	lite := describeSQLite(t, sqlstoretest.DSN(t, sqlstore.SQLite))
	pg := describePostgres(t, sqlstoretest.DSN(t, sqlstore.Postgres))

	names := func(m map[string]tableShape) []string {
		var out []string
		for n := range m {
			out = append(out, n)
		}
		sort.Strings(out)
		return out
	}
	if a, b := names(lite), names(pg); !slices.Equal(a, b) {
		t.Fatalf("tables differ:\nsqlite   %v\npostgres %v", a, b)
	}
	for _, table := range names(lite) {
		l, p := lite[table], pg[table]
		for col, nullable := range l.columns {
			pn, ok := p.columns[col]
			switch {
			case !ok:
				t.Errorf("%s.%s exists on SQLite only", table, col)
			case pn != nullable:
				t.Errorf("%s.%s: nullable=%v on SQLite, %v on Postgres", table, col, nullable, pn)
			}
		}
		for col := range p.columns {
			if _, ok := l.columns[col]; !ok {
				t.Errorf("%s.%s exists on Postgres only", table, col)
			}
		}
		if !slices.Equal(l.keys, p.keys) {
			t.Errorf("%s keys differ:\nsqlite   %v\npostgres %v", table, l.keys, p.keys)
		}
	}
}

// TestTenantKeysLeadWithOrganization checks the rule that keeps tenants
// apart and the schema ready for distribution by tenant: on every table
// that holds organization_id, each primary key and unique index starts
// with it. Platform directories that resolve a credential before any
// tenant is known are the documented exceptions.
func TestTenantKeysLeadWithOrganization(t *testing.T) {
	// Looked up by a globally unique value before the organization is known;
	// they hold no tenant data beyond the pointer to the tenant.
	directories := map[string]bool{"api_key_hashes": true}
	for engine, shapes := range map[string]map[string]tableShape{
		"sqlite":   describeSQLite(t, sqlstoretest.DSN(t, sqlstore.SQLite)),
		"postgres": describePostgres(t, sqlstoretest.DSN(t, sqlstore.Postgres)),
	} {
		checked := 0
		for table, shape := range shapes {
			if _, tenant := shape.columns["organization_id"]; !tenant || directories[table] {
				continue
			}
			checked += len(shape.keys)
			for _, key := range shape.keys {
				_, cols, _ := strings.Cut(key, ":")
				if !strings.HasPrefix(cols+",", "organization_id,") {
					t.Errorf("%s: %s key %s does not lead with organization_id", engine, table, key)
				}
			}
		}
		if checked < 15 { // the schema has far more; fewer means the inspection broke
			t.Errorf("%s: only %d keys of tenant tables inspected", engine, checked)
		}
	}
}

func describeSQLite(t *testing.T, path string) map[string]tableShape {
	t.Helper()
	migrateFresh(t, path)
	conn, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tables := queryStrings(t, conn, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name`)
	out := map[string]tableShape{}
	for _, table := range tables {
		shape := tableShape{columns: map[string]bool{}}
		var pk []struct {
			seq  int
			name string
		}
		rows, err := conn.Query(fmt.Sprintf(`SELECT name, "notnull", pk FROM pragma_table_info('%s')`, table))
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var name string
			var notNull, pkSeq int
			if err := rows.Scan(&name, &notNull, &pkSeq); err != nil {
				t.Fatal(err)
			}
			// A primary-key column is never NULL in practice; SQLite only
			// enforces that when the column says NOT NULL, which the
			// nullability comparison below then demands.
			shape.columns[name] = notNull == 0
			if pkSeq > 0 {
				pk = append(pk, struct {
					seq  int
					name string
				}{pkSeq, name})
			}
		}
		closeRows(t, rows)
		if len(pk) > 0 {
			sort.Slice(pk, func(i, j int) bool { return pk[i].seq < pk[j].seq })
			var cols []string
			for _, c := range pk {
				cols = append(cols, c.name)
			}
			shape.keys = append(shape.keys, "pk:"+strings.Join(cols, ","))
		}
		for _, idx := range queryStrings(t, conn, fmt.Sprintf(
			`SELECT name FROM pragma_index_list('%s') WHERE "unique" = 1 AND origin <> 'pk'`, table)) {
			cols := queryStrings(t, conn, fmt.Sprintf(`SELECT name FROM pragma_index_info('%s') ORDER BY seqno`, idx))
			shape.keys = append(shape.keys, "unique:"+strings.Join(cols, ","))
		}
		sort.Strings(shape.keys)
		out[table] = shape
	}
	return out
}

func describePostgres(t *testing.T, dsn string) map[string]tableShape {
	t.Helper()
	migrateFresh(t, dsn)
	conn, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	out := map[string]tableShape{}
	rows, err := conn.Query(`SELECT table_name, column_name, is_nullable = 'YES'
		FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name <> 'schema_migrations'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var table, col string
		var nullable bool
		if err := rows.Scan(&table, &col, &nullable); err != nil {
			t.Fatal(err)
		}
		if _, ok := out[table]; !ok {
			out[table] = tableShape{columns: map[string]bool{}}
		}
		out[table].columns[col] = nullable
	}
	closeRows(t, rows)
	rows, err = conn.Query(`SELECT c.relname, i.indisprimary,
			array_to_string(ARRAY(
				SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
				JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
				ORDER BY k.ord), ',')
		FROM pg_index i
		JOIN pg_class c ON c.oid = i.indrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND i.indisunique AND c.relname <> 'schema_migrations'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var table, cols string
		var primary bool
		if err := rows.Scan(&table, &primary, &cols); err != nil {
			t.Fatal(err)
		}
		kind := "unique:"
		if primary {
			kind = "pk:"
		}
		shape := out[table]
		shape.keys = append(shape.keys, kind+cols)
		out[table] = shape
	}
	closeRows(t, rows)
	for table, shape := range out {
		sort.Strings(shape.keys)
		out[table] = shape
	}
	return out
}

// migrateFresh runs the store's migrations on dsn through the store itself,
// so the shape compared is exactly what `dxp migrate` builds.
func migrateFresh(t *testing.T, dsn string) {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func queryStrings(t *testing.T, conn *sql.DB, q string) []string {
	t.Helper()
	rows, err := conn.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	closeRows(t, rows)
	return out
}

func closeRows(t *testing.T, rows *sql.Rows) {
	t.Helper()
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
}
