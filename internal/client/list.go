package client

import (
	"context"
	"net/url"
	"strconv"
)

// List is one page of a collection; NextCursor is nil on the last page.
type List[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// Page selects a page: Limit items (0 for the server's default) after
// Cursor (from the previous page's NextCursor).
type Page struct {
	Limit  int
	Cursor string
}

// add sets the page parameters on q.
func (p Page) add(q url.Values) url.Values {
	if q == nil {
		q = url.Values{}
	}
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	if p.Cursor != "" {
		q.Set("cursor", p.Cursor)
	}
	return q
}

// maxPage is the largest page API.md allows; collecting everything in the
// fewest requests is kinder to a rate-limited organization.
const maxPage = 500

// all follows next_cursor from the first page to the last.
func all[T any](ctx context.Context, page func(context.Context, Page) (*List[T], error)) ([]T, error) {
	out := []T{}
	p := Page{Limit: maxPage}
	for {
		l, err := page(ctx, p)
		if err != nil {
			return nil, err
		}
		out = append(out, l.Items...)
		if l.NextCursor == nil || *l.NextCursor == "" {
			return out, nil
		}
		p.Cursor = *l.NextCursor
	}
}
