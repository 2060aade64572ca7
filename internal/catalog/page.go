package catalog

// Page selects one page of a list: at most Limit items after Cursor.
type Page struct {
	Limit  int
	Cursor string // opaque, from the previous page's next cursor
}

// Page sizes, as API.md fixes them.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)
