package api

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// queryReader reads query parameters and collects every problem, so a bad
// request is answered once with all of them. It remembers which parameters
// the handler asked for: any other one is refused by err, since a
// misspelt filter that is silently ignored answers with everything.
type queryReader struct {
	r      *http.Request
	errors []catalog.FieldError
	known  []string
}

// str is the parameter's value; one that cannot be stored (invalid UTF-8,
// NUL) is a problem and reads as "".
func (q *queryReader) str(name string) string {
	q.allow(name)
	v := q.r.URL.Query().Get(name)
	if msg := catalog.TextProblem(v); msg != "" {
		q.fail(name, name+" "+msg+".")
		return ""
	}
	return v
}

// strs reads a parameter that may repeat (?tag=a&tag=b), each value
// checked as str does.
func (q *queryReader) strs(name string) []string {
	q.allow(name)
	var out []string
	for _, v := range q.r.URL.Query()[name] {
		if msg := catalog.TextProblem(v); msg != "" {
			q.fail(name, name+" "+msg+".")
			continue
		}
		out = append(out, v)
	}
	return out
}

// allow declares parameters the handler reads by other means.
func (q *queryReader) allow(names ...string) {
	for _, n := range names {
		if !slices.Contains(q.known, n) {
			q.known = append(q.known, n)
		}
	}
}

func (q *queryReader) page() catalog.Page {
	p := catalog.Page{Cursor: q.str("cursor")}
	if s := q.str("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > catalog.MaxPageSize {
			q.fail("limit", fmt.Sprintf("limit must be a whole number from 1 to %d.", catalog.MaxPageSize))
		}
		p.Limit = n
	}
	return p
}

func (q *queryReader) time(name string) *time.Time {
	s := q.str(name)
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		q.fail(name, name+" must be an RFC 3339 timestamp such as 2026-06-07T06:00:00Z.")
		return nil
	}
	return &t
}

func (q *queryReader) int(name string, def, min, max int) int {
	s := q.str(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		q.fail(name, fmt.Sprintf("%s must be a whole number from %d to %d.", name, min, max))
		return def
	}
	return n
}

func (q *queryReader) fail(field, msg string) {
	q.errors = append(q.errors, catalog.FieldError{Field: field, Message: msg})
}

// err returns the collected problems, or nil: unknown parameters first, as
// one EMALFORMED naming each with the parameters the endpoint takes, then
// bad values as one EINVALID.
func (q *queryReader) err() error {
	if err := q.unknown(); err != nil {
		return err
	}
	if len(q.errors) == 0 {
		return nil
	}
	return catalog.Invalid(q.errors)
}

func (q *queryReader) unknown() error {
	var bad []string
	for name := range q.r.URL.Query() {
		if !slices.Contains(q.known, name) {
			bad = append(bad, name)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	allowed := slices.Sorted(slices.Values(q.known))
	takes := "no query parameters"
	if len(allowed) > 0 {
		takes = strings.Join(allowed, ", ")
	}
	fields := make([]catalog.FieldError, len(bad))
	for i, name := range bad {
		msg := fmt.Sprintf("%q is not a query parameter of this endpoint; it takes %s.", name, takes)
		if guess := catalog.Suggest(name, allowed); guess != "" {
			msg = fmt.Sprintf("%q is not a query parameter of this endpoint; did you mean %q?", name, guess)
		}
		fields[i] = catalog.FieldError{Field: name, Message: msg}
	}
	e := catalog.Errorf(catalog.EMALFORMED, "Unknown query parameter %s; this endpoint takes %s.", strings.Join(bad, ", "), takes)
	e.Fields = fields
	return e
}

// list is the envelope of every list response.
type list[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func newList[T any](items []T, next string) list[T] {
	if items == nil {
		items = []T{}
	}
	l := list[T]{Items: items}
	if next != "" {
		l.NextCursor = &next
	}
	return l
}

// mapList converts store items to views.
func mapList[S, T any](in []S, f func(S) T) []T {
	out := make([]T, len(in))
	for i, x := range in {
		out[i] = f(x)
	}
	return out
}
