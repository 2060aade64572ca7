package cli

import (
	"context"
	"encoding/json"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/dataxpipe/catalog/internal/client"
)

// printJSON writes v indented, with a trailing newline; <, > and & stay
// readable, since the output is for terminals and scripts, not HTML.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// newTable returns a writer that aligns tab-separated columns; call Flush.
func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
}

// when formats a time for a table: UTC to the minute, "-" when unset.
func when(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// orDash shows an empty cell as "-", so columns stay readable.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// plural returns "1 pipeline" or "3 pipelines".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// collect fetches a list page by page up to limit (0: every page) and,
// on a terminal, shows how many items have come while more pages follow.
func collect[T any](c *cli, ctx context.Context, noun string, limit int, page client.PageFunc[T]) ([]T, error) {
	if limit < 0 {
		return nil, usageError{"--limit must be 0 (all) or more"}
	}
	prog := c.progress()
	defer prog.clear()
	return client.Collect(ctx, page, limit, func(got int) { prog.show("fetched %s, reading the next page…", plural(got, noun)) })
}

// seconds shows a run's duration ("-" while it runs).
func seconds(d *float64) string {
	if d == nil {
		return "-"
	}
	return (time.Duration(*d * float64(time.Second))).Round(time.Millisecond).String()
}
