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

// PageFunc fetches one page of a collection (ListRuns with its filter
// bound, say).
type PageFunc[T any] func(context.Context, Page) (*List[T], error)

// Collect follows next_cursor from the first page until the last, or
// until it has limit items (limit <= 0: no limit). Each page asks for no
// more than is still wanted, so a small limit is one small request. After
// every page but the last, more (if not nil) is told how many items have
// come so far, for a progress display.
func Collect[T any](ctx context.Context, page PageFunc[T], limit int, more func(got int)) ([]T, error) {
	out := []T{}
	p := Page{Limit: maxPage}
	for {
		if limit > 0 {
			p.Limit = min(maxPage, limit-len(out))
		}
		l, err := page(ctx, p)
		if err != nil {
			return nil, err
		}
		out = append(out, l.Items...)
		if limit > 0 && len(out) >= limit {
			return out[:limit], nil
		}
		if l.NextCursor == nil || *l.NextCursor == "" {
			return out, nil
		}
		if more != nil {
			more(len(out))
		}
		p.Cursor = *l.NextCursor
	}
}

// all follows next_cursor from the first page to the last.
func all[T any](ctx context.Context, page PageFunc[T]) ([]T, error) {
	return Collect(ctx, page, 0, nil)
}
