package cli

import (
	"github.com/dataxpipe/catalog/internal/client"
	"github.com/spf13/cobra"
)

func (c *cli) lineageShowCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show DATASET [--direction upstream|downstream|both] [--depth N]",
		Short: "show a dataset's lineage as a tree",
		Long: `Shows the lineage around DATASET (a dataset id from a spec, such as
clean_orders) as an indented tree: what it is computed from (←) and what
is computed from it (→), with the pipeline that declared each edge. The
graph is organization-wide, so datasets of other teams' pipelines appear
too. A dataset reached twice is expanded once.`,
		Example: examples(
			"dxp lineage show clean_orders",
			"dxp lineage show raw_customers --direction downstream --depth 10",
			"dxp lineage show clean_orders --output json",
		),
		Args: args(1, 1),
	}
	direction := cmd.Flags().String("direction", "both", "`DIRECTION`: upstream, downstream or both")
	depth := cmd.Flags().Int("depth", 3, "how many edges away to go, `N` from 1 to 50")
	api, out := addAPIFlags(cmd), addOutputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		switch *direction {
		case "upstream", "downstream", "both":
		default:
			return usagef(cmd, "--direction must be upstream, downstream or both")
		}
		if *depth < 1 || *depth > 50 {
			return usagef(cmd, "--depth must be from 1 to 50")
		}
		cl, err := api.client(c, cmd)
		if err != nil {
			return err
		}
		g, err := cl.Lineage(cmd.Context(), pos[0], client.LineageQuery{Direction: *direction, Depth: *depth})
		if err != nil {
			return err
		}
		if out.json() {
			return printJSON(c.Stdout, g)
		}
		return writeTree(c.Stdout, g)
	}
	return cmd
}
