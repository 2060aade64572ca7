package web

import (
	"net/url"
	"strconv"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// withQuery returns path with q changed by fn, so links keep every filter
// of the page they are on (a page's URL is its whole state).
func withQuery(path string, q url.Values, fn func(url.Values)) string {
	c := url.Values{}
	for k, v := range q {
		c[k] = append([]string(nil), v...)
	}
	fn(c)
	if len(c) == 0 {
		return path
	}
	return path + "?" + c.Encode()
}

// pageOf reads limit and cursor from the query; a bad limit falls back
// to the default rather than failing a page a person typed.
func pageOf(q url.Values, def int) catalog.Page {
	n, err := strconv.Atoi(q.Get("limit"))
	if err != nil || n < 1 {
		n = def
	}
	return catalog.Page{Limit: min(n, catalog.MaxPageSize), Cursor: q.Get("cursor")}
}
