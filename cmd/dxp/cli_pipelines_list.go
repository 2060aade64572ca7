package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/dataxpipe/catalog/internal/client"
)

var pipelinesListCmd = &command{
	name:    "pipelines list",
	args:    "[--tag T]... [--owner O] [--query Q]",
	summary: "list registered pipelines (every page)",
	about: `Lists the organization's pipelines by name, following the API's pages to
the end. Every --tag must match; --query matches a substring of the name
or description.`,
	examples: []string{
		"dxp pipelines list",
		"dxp pipelines list --tag pii --tag ecommerce",
		"dxp pipelines list --owner ecommerce-data@acme.com --output json",
	},
	run: pipelinesList,
}

func pipelinesList(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	var tags stringsFlag
	fs.Var(&tags, "tag", "only pipelines with this `TAG` (repeatable; all must match)")
	owner := fs.String("owner", "", "only pipelines of this `OWNER`")
	query := fs.String("query", "", "only pipelines whose name or description contains `TEXT`")
	api, out := addAPIFlags(fs), addOutputFlag(fs)
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	cl, err := api.client(c)
	if err != nil {
		return err
	}
	items, err := cl.AllPipelines(ctx, client.PipelineFilter{Tags: tags, Owner: *owner, Query: *query})
	if err != nil {
		return err
	}
	if out.json() {
		return printJSON(c.stdout, items)
	}
	if len(items) == 0 {
		fmt.Fprintln(c.stdout, "No pipelines.")
		return nil
	}
	tw := newTable(c.stdout)
	fmt.Fprintln(tw, "NAME\tVERSION\tOWNER\tSCHEDULE\tTAGS\tUPDATED")
	for _, p := range items {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p.Name, p.Version, orDash(p.Owner), p.Schedule,
			orDash(strings.Join(p.Tags, ",")), when(&p.UpdatedAt))
	}
	return tw.Flush()
}
