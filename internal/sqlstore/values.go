package sqlstore

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The data SQL is written once, with $1, $2, ... placeholders, which pgx
// and modernc SQLite both read. SQLite binds $n by its number, so a query
// may use one argument twice, as Postgres allows.

// args collects the arguments of a query built piece by piece (filters,
// IN lists, multi-row VALUES): add appends a value and returns its
// placeholder, so a piece that uses one value twice adds it once.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// list adds vs and returns their placeholders, comma-separated.
func list[T any](a *args, vs []T) string {
	ps := make([]string, len(vs))
	for i, v := range vs {
		ps[i] = a.add(v)
	}
	return strings.Join(ps, ", ")
}

// timeLayout is fixed-width so that SQLite's text timestamps sort and compare
// correctly; Postgres parses the same text into timestamptz.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// ts formats t as a query argument.
func ts(t time.Time) string { return t.UTC().Format(timeLayout) }

// tsPtr formats an optional time; nil stays NULL.
func tsPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ts(*t)
}

// timeCol scans a timestamp column of either engine into a time.Time.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(v any) error {
	t, err := parseTime(v)
	if err != nil {
		return err
	}
	if t == nil {
		return fmt.Errorf("unexpected NULL timestamp")
	}
	*c.t = *t
	return nil
}

// nullTimeCol scans a nullable timestamp into a *time.Time.
type nullTimeCol struct{ t **time.Time }

func (c nullTimeCol) Scan(v any) (err error) {
	*c.t, err = parseTime(v)
	return err
}

func parseTime(v any) (*time.Time, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case time.Time:
		t := x.UTC()
		return &t, nil
	case string:
		return parseTimeText(x)
	case []byte:
		return parseTimeText(string(x))
	default:
		return nil, fmt.Errorf("cannot scan %T as a timestamp", v)
	}
}

func parseTimeText(s string) (*time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, fmt.Errorf("parse timestamp %q: %w", s, err)
	}
	t = t.UTC()
	return &t, nil
}

// nullText stores JSON text, or NULL for none.
func nullText(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// scanner is a row to scan: *Row, *Rows, or *sql.Row.
type scanner interface{ Scan(dest ...any) error }

// scanAll scans every row with scan and closes rows.
func scanAll[T any](rows *Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		item, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, item)
	}
	return out, rows.Err()
}

// scanString scans a row of one text column.
func scanString(row scanner) (string, error) {
	var s string
	err := row.Scan(&s)
	return s, err
}

// escapeLike makes s a literal LIKE pattern under ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// distinct returns the non-empty xs in order, each once.
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
