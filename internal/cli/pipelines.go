package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dataxpipe/catalog/internal/client"
	"github.com/spf13/cobra"
)

func (c *cli) pipelinesListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list [--tag T]... [--owner O] [--query Q] [--limit N]",
		Short: "list registered pipelines (every page)",
		Long: `Lists the organization's pipelines by name, following the API's pages to
the end unless --limit stops earlier. Every --tag must match; --query
matches a substring of the name or description.`,
		Example: examples(
			"dxp pipelines list",
			"dxp pipelines list --tag pii --tag ecommerce",
			"dxp pipelines list --owner ecommerce-data@acme.com --output json",
		),
		Args: args(0, 0),
	}
	tags := cmd.Flags().StringArray("tag", nil, "only pipelines with this `TAG` (repeatable; all must match)")
	owner := cmd.Flags().String("owner", "", "only pipelines of this `OWNER`")
	query := cmd.Flags().String("query", "", "only pipelines whose name or description contains `TEXT`")
	listCommand(c, cmd, "pipeline", "NAME\tVERSION\tOWNER\tSCHEDULE\tTAGS\tUPDATED",
		func(cl *client.Client) client.PageFunc[client.Pipeline] {
			f := client.PipelineFilter{Tags: *tags, Owner: *owner, Query: *query}
			return func(ctx context.Context, p client.Page) (*client.List[client.Pipeline], error) {
				return cl.ListPipelines(ctx, f, p)
			}
		},
		func(p client.Pipeline) string {
			return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s", p.Name, p.Version, orDash(p.Owner), p.Schedule,
				orDash(strings.Join(p.Tags, ",")), when(&p.UpdatedAt))
		})
	return cmd
}

func (c *cli) pipelinesGetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "get NAME",
		Short: "show a pipeline at its current version",
		Long: `Shows the pipeline NAME at its current version: its fields, the datasets
it reads and writes, its checks and its last run.`,
		Example: examples(
			"dxp pipelines get orders_sync",
			"dxp pipelines get orders_sync --output json | jq .sources",
		),
		Args: args(1, 1),
	}
	readCommand(c, cmd, func(ctx context.Context, cl *client.Client, pos []string) (*client.Pipeline, error) {
		return cl.GetPipeline(ctx, pos[0])
	}, func(p *client.Pipeline) error {
		tw, row := detailTable(c.Stdout)
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
	})
	return cmd
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

func (c *cli) pipelinesDeleteCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "delete NAME",
		Short: "delete a pipeline; its runs stay in history",
		Long: `Deletes the pipeline NAME with all its versions. Its lineage edges leave
the organization's graph; its runs and check results stay in history.
The pipeline no longer counts against the plan.`,
		Example: examples("dxp pipelines delete orders_sync_old"),
		Args:    args(1, 1),
	}
	api := addAPIFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		cl, err := api.client(c, cmd)
		if err != nil {
			return err
		}
		if err := cl.DeletePipeline(cmd.Context(), pos[0]); err != nil {
			return err
		}
		_, err = fmt.Fprintf(c.Stdout, "Deleted pipeline %s.\n", pos[0])
		return err
	}
	return cmd
}
