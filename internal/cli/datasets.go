package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/dataxpipe/catalog/internal/client"
	"github.com/spf13/cobra"
)

func (c *cli) datasetsListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list [--query TEXT] [--limit N]",
		Short: "list the datasets of the lineage graph",
		Long: `Lists the datasets of the organization's lineage graph by id: the ids
declared in specs and the datasets OpenLineage events named. --query
matches a substring of the id or the object, in any case.`,
		Example: examples("dxp datasets list --query orders", "dxp datasets list --output json | jq -r '.[].id'"),
		Args:    args(0, 0),
	}
	query := cmd.Flags().String("query", "", "only datasets whose id or object contains `TEXT`")
	listCommand(c, cmd, "dataset", "ID\tOBJECT\tCONNECTION\tNAMESPACE",
		func(cl *client.Client) client.PageFunc[client.Dataset] {
			return func(ctx context.Context, p client.Page) (*client.List[client.Dataset], error) {
				return cl.ListDatasets(ctx, *query, p)
			}
		},
		func(d client.Dataset) string {
			return fmt.Sprintf("%s\t%s\t%s\t%s", d.ID, orDash(d.Object), orDash(d.ConnectionRef), orDash(d.Namespace))
		})
	return cmd
}

func (c *cli) datasetsGetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "get DATASET",
		Short: "show a dataset, the pipelines producing it and its neighbours",
		Long: `Shows the dataset DATASET: its object and connection, the pipelines with
an edge into it, and the datasets one edge upstream and downstream with
the pipelines declaring each edge. "dxp lineage show" walks further.`,
		Example: examples("dxp datasets get orders_enriched", "dxp datasets get orders_enriched --output json | jq .producers"),
		Args:    args(1, 1),
	}
	readCommand(c, cmd, func(ctx context.Context, cl *client.Client, pos []string) (*client.DatasetDetail, error) {
		return cl.GetDataset(ctx, pos[0])
	}, func(d *client.DatasetDetail) error {
		tw, row := detailTable(c.Stdout)
		row("Dataset", d.ID)
		row("Object", d.Object)
		row("Connection", d.ConnectionRef)
		if d.Namespace != "" {
			row("Namespace", d.Namespace)
		}
		row("Produced by", strings.Join(d.Producers, ", "))
		row("Upstream", neighbours(d.Upstream))
		row("Downstream", neighbours(d.Downstream))
		return tw.Flush()
	})
	return cmd
}

// neighbours lists datasets one edge away with the pipelines of the edge:
// "raw_orders (orders_sync), dim_customers (orders_sync)".
func neighbours(ns []client.Neighbour) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = n.ID
		if len(n.Pipelines) > 0 {
			parts[i] += " (" + strings.Join(n.Pipelines, ", ") + ")"
		}
	}
	return strings.Join(parts, ", ")
}
