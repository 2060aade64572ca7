package api

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// queryReader reads query parameters and collects every problem, so a bad
// request is answered once with all of them.
type queryReader struct {
	r      *http.Request
	errors []catalog.FieldError
}

func (q *queryReader) str(name string) string { return q.r.URL.Query().Get(name) }

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

// err returns the collected problems as one EINVALID, or nil.
func (q *queryReader) err() error {
	if len(q.errors) == 0 {
		return nil
	}
	return catalog.Invalid(q.errors)
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
