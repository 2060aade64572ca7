package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"
)

// progress is a one-line status on standard error ("applying 12/300
// orders_sync"), redrawn in place. It draws only when standard error is a
// terminal: a CI log, a pipe or a file gets nothing, so their output stays
// what the command prints and nothing else.
type progress struct {
	w     io.Writer // nil: quiet
	shown bool      // a line is on screen and must be erased before other output
}

// progress returns the status line of this run.
func (c *cli) progress() *progress {
	if f, ok := c.Stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		return &progress{w: f}
	}
	return &progress{}
}

// show replaces the status line with the formatted text.
func (p *progress) show(format string, args ...any) {
	if p.w == nil {
		return
	}
	// \r returns to the line's start and ESC[K erases to its end, so a
	// shorter text leaves nothing of a longer one behind.
	fmt.Fprintf(p.w, "\r\033[K"+format, args...)
	p.shown = true
}

// clear erases the status line, before other output or at the end.
func (p *progress) clear() {
	if p.w == nil || !p.shown {
		return
	}
	fmt.Fprint(p.w, "\r\033[K")
	p.shown = false
}
