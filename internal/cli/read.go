package cli

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/dataxpipe/catalog/internal/client"
	"github.com/spf13/cobra"
)

// readCommand wires the API and output flags of a command that reads one
// value: fetch gets it from the API with the command's arguments, and it is
// printed as JSON with --output json, else by show.
func readCommand[T any](c *cli, cmd *cobra.Command, fetch func(ctx context.Context, cl *client.Client, pos []string) (T, error), show func(T) error) {
	api, out := addAPIFlags(cmd), addOutputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		cl, err := api.client(c, cmd)
		if err != nil {
			return err
		}
		v, err := fetch(cmd.Context(), cl, pos)
		if err != nil {
			return err
		}
		if out.json() {
			return printJSON(c.Stdout, v)
		}
		return show(v)
	}
}

// listCommand is readCommand for a paged list: every page up to --limit,
// shown as a table under header with one line per item, or "No <noun>s."
// when there is none. pages is called once per run, after the flags are
// parsed, so it may read them.
func listCommand[T any](c *cli, cmd *cobra.Command, noun, header string, pages func(cl *client.Client) client.PageFunc[T], line func(T) string) {
	limit := addLimitFlag(cmd, noun+"s")
	readCommand(c, cmd, func(ctx context.Context, cl *client.Client, _ []string) ([]T, error) {
		return collect(c, ctx, noun, *limit, pages(cl))
	}, func(items []T) error {
		if len(items) == 0 {
			_, err := fmt.Fprintf(c.Stdout, "No %ss.\n", noun)
			return err
		}
		tw := newTable(c.Stdout)
		fmt.Fprintln(tw, header)
		for _, it := range items {
			fmt.Fprintln(tw, line(it))
		}
		return tw.Flush()
	})
}

// detailTable returns a table for "Label: value" lines and the function that
// writes one ("-" for an empty value); Flush the table when done.
func detailTable(w io.Writer) (*tabwriter.Writer, func(label, value string)) {
	tw := newTable(w)
	return tw, func(label, value string) { fmt.Fprintf(tw, "%s:\t%s\n", label, orDash(value)) }
}
