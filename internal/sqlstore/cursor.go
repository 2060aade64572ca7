package sqlstore

import (
	"encoding/base64"
	"encoding/json"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// Cursors are the sort key of the last item of a page, as opaque base64 JSON.
// Keyset paging never skips or repeats an item when rows are added between
// pages, unlike OFFSET.

func encodeCursor(keys ...string) string {
	b, _ := json.Marshal(keys)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor returns the n keys of a cursor, or nil for "" (first page).
func decodeCursor(c string, n int) ([]string, error) {
	if c == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	var keys []string
	if err == nil {
		err = json.Unmarshal(b, &keys)
	}
	if err != nil || len(keys) != n {
		return nil, catalog.Invalid([]catalog.FieldError{{Field: "cursor", Message: "cursor is not one this API returned; start again without it"}})
	}
	return keys, nil
}

// pageLimit clamps a requested page size.
func pageLimit(p catalog.Page) int {
	switch {
	case p.Limit <= 0:
		return catalog.DefaultPageSize
	case p.Limit > catalog.MaxPageSize:
		return catalog.MaxPageSize
	default:
		return p.Limit
	}
}

// trimPage cuts a result fetched with limit+1 rows to limit and says whether
// there is a next page.
func trimPage[T any](items []T, limit int) ([]T, bool) {
	if len(items) > limit {
		return items[:limit], true
	}
	return items, false
}

// collectPage scans up to limit items from rows (fetched with limit+1) and
// returns the cursor of the next page, made by cursorOf from the last item,
// or "" on the last page. It closes rows.
func collectPage[T any](rows *Rows, limit int, scan func(scanner) (T, error), cursorOf func(T) string) ([]T, string, error) {
	out, err := scanAll(rows, scan)
	if err != nil {
		return nil, "", err
	}
	out, more := trimPage(out, limit)
	if !more {
		return out, "", nil
	}
	return out, cursorOf(out[len(out)-1]), nil
}
