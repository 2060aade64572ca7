package sqlstore

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The data SQL is written once with ? placeholders; for pgx each query is
// rewritten to $1, $2, ... once and cached.
var rebound sync.Map // query → rebound query

func (db *DB) rebind(q string) string {
	if db.engine != Postgres {
		return q
	}
	if v, ok := rebound.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	inString := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inString = !inString
			b.WriteByte(c)
		case c == '?' && !inString:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	rebound.Store(q, b.String())
	return b.String()
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
