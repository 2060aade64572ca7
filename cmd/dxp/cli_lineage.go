package main

import (
	"context"

	"github.com/dataxpipe/catalog/internal/client"
)

var lineageShowCmd = &command{
	name:    "lineage show",
	args:    "DATASET [--direction upstream|downstream|both] [--depth N]",
	summary: "show a dataset's lineage as a tree",
	about: `Shows the lineage around DATASET (a dataset id from a spec, such as
clean_orders) as an indented tree: what it is computed from (←) and what
is computed from it (→), with the pipeline that declared each edge. The
graph is organization-wide, so datasets of other teams' pipelines appear
too. A dataset reached twice is expanded once.`,
	examples: []string{
		"dxp lineage show clean_orders",
		"dxp lineage show raw_customers --direction downstream --depth 10",
		"dxp lineage show clean_orders --output json",
	},
	run: lineageShow,
}

func lineageShow(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	direction := fs.String("direction", "both", "`DIRECTION`: upstream, downstream or both")
	depth := fs.Int("depth", 3, "how many edges away to go, `N` from 1 to 50")
	api, out := addAPIFlags(fs), addOutputFlag(fs)
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	switch *direction {
	case "upstream", "downstream", "both":
	default:
		return c.usage("--direction must be upstream, downstream or both")
	}
	if *depth < 1 || *depth > 50 {
		return c.usage("--depth must be from 1 to 50")
	}
	cl, err := api.client(c)
	if err != nil {
		return err
	}
	g, err := cl.Lineage(ctx, pos[0], client.LineageQuery{Direction: *direction, Depth: *depth})
	if err != nil {
		return err
	}
	if out.json() {
		return printJSON(c.stdout, g)
	}
	return writeTree(c.stdout, g)
}
