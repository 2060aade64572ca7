package sqlstore

import (
	"context"
	"fmt"
)

// TableNames lists the application's tables. With DumpTable it lets tests
// look at what is really stored (no plaintext secrets, for example).
func (db *DB) TableNames(ctx context.Context) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if db.engine == Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`
	}
	rows, err := db.sql.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		out = append(out, name)
	}
	return out, rows.Err()
}

// DumpTable returns every cell of table as text.
func (db *DB) DumpTable(ctx context.Context, table string) ([]string, error) {
	rows, err := db.sql.QueryContext(ctx, fmt.Sprintf(`SELECT * FROM %q`, table))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		cells := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range cells {
			ptrs[i] = &cells[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for _, c := range cells {
			out = append(out, fmt.Sprint(c))
			if b, ok := c.([]byte); ok {
				out[len(out)-1] = string(b)
			}
		}
	}
	return out, rows.Err()
}
