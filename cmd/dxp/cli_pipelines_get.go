package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dataxpipe/catalog/internal/client"
)

var pipelinesGetCmd = &command{
	name:    "pipelines get",
	args:    "NAME",
	summary: "show a pipeline at its current version",
	about: `Shows the pipeline NAME at its current version: its fields, the datasets
it reads and writes, its checks and its last run.`,
	examples: []string{
		"dxp pipelines get orders_sync",
		"dxp pipelines get orders_sync --output json | jq .sources",
	},
	run: pipelinesGet,
}

func pipelinesGet(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	api, out := addAPIFlags(fs), addOutputFlag(fs)
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	cl, err := api.client(c)
	if err != nil {
		return err
	}
	p, err := cl.GetPipeline(ctx, pos[0])
	if err != nil {
		return err
	}
	if out.json() {
		return printJSON(c.stdout, p)
	}
	tw := newTable(c.stdout)
	row := func(k, v string) { fmt.Fprintf(tw, "%s:\t%s\n", k, orDash(v)) }
	row("Name", p.Name)
	row("Version", fmt.Sprintf("%s (%s)", p.Version, plural(p.VersionsCount, "version")))
	row("Description", p.Description)
	row("Owner", p.Owner)
	row("Environment", p.Environment)
	row("Schedule", p.Schedule)
	row("Tags", strings.Join(p.Tags, ", "))
	row("Sources", ids(p.Sources))
	row("Transforms", ids(p.Transforms))
	row("Targets", ids(p.Targets))
	row("Checks", ids(p.Checks))
	row("Last run", lastRun(p))
	row("Updated", when(&p.UpdatedAt))
	return tw.Flush()
}

// ids lists the ids of a definition part ("raw_orders, raw_customers").
func ids(part json.RawMessage) string {
	var items []struct{ ID string }
	json.Unmarshal(part, &items) // a part the server did not send shows as "-"
	var out []string
	for _, it := range items {
		out = append(out, it.ID)
	}
	return strings.Join(out, ", ")
}

// lastRun summarises the last_run object, whatever fields it carries.
func lastRun(p *client.Pipeline) string {
	var r struct {
		RunID      string `json:"run_id"`
		Status     string `json:"status"`
		FinishedAt string `json:"finished_at"`
	}
	if json.Unmarshal(p.LastRun, &r) != nil || r.RunID == "" {
		return ""
	}
	return strings.TrimSpace(fmt.Sprintf("%s %s %s", r.RunID, r.Status, r.FinishedAt))
}
