package cli

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/client"
	"github.com/spf13/cobra"
)

// impactFormat is --output of dxp lineage impact: table, json or csv.
type impactFormat string

func (f *impactFormat) String() string { return string(*f) }
func (f *impactFormat) Type() string   { return "format" }
func (f *impactFormat) Set(s string) error {
	switch s {
	case "table", "json", "csv":
		*f = impactFormat(s)
		return nil
	}
	return fmt.Errorf("use table, json or csv")
}

func (c *cli) lineageImpactCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "impact DATASET [--depth N] [-o table|json|csv]",
		Short: "show what breaks downstream of a dataset, and whose it is",
		Long: `Shows everything downstream of DATASET (an id, or a name) to --depth
edges, grouped by the pipeline whose edges reach it: its owner, tags, last
run, next scheduled run, and the error-severity checks failing upstream
that block it; then the totals by owner. Every page of the answer is read.
-o csv writes one row per pipeline and dataset, the columns of the API's
CSV, for a spreadsheet or an incident channel.`,
		Example: examples(
			"dxp lineage impact raw_orders",
			"dxp lineage impact clean_orders --depth 3 -o csv > impact.csv",
			"dxp lineage impact clean_orders -o json | jq '.owners'",
		),
		Args: args(1, 1),
	}
	depth := cmd.Flags().Int("depth", 10, "how many edges downstream to go, `N` from 1 to 50")
	format := impactFormat("table")
	cmd.Flags().VarP(&format, "output", "o", "output `FORMAT`: table, json or csv")
	api := addAPIFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		if *depth < 1 || *depth > 50 {
			return usagef(cmd, "--depth must be from 1 to 50")
		}
		cl, err := api.client(c, cmd)
		if err != nil {
			return err
		}
		im, err := cl.AllImpact(cmd.Context(), pos[0], *depth)
		if err != nil {
			return err
		}
		switch format {
		case "json":
			return printJSON(c.Stdout, im)
		case "csv":
			return writeImpactCSV(c.Stdout, im)
		}
		return writeImpactTable(c.Stdout, im)
	}
	return cmd
}

// writeImpactTable writes the groups, the owner totals and the failing
// checks as aligned tables.
func writeImpactTable(w io.Writer, im *client.Impact) error {
	blocked := 0
	for _, g := range im.Items {
		if g.Blocked {
			blocked++
		}
	}
	fmt.Fprintf(w, "Impact of %s (depth %d): %s in %s", im.Root, im.Depth, plural(im.Datasets, "dataset"), plural(im.Pipelines, "pipeline"))
	if blocked > 0 {
		fmt.Fprintf(w, "; %d blocked by a failing error check", blocked)
	}
	fmt.Fprintln(w, ".")
	if im.Truncated {
		fmt.Fprintf(w, "The graph goes on beyond depth %d; use --depth for more.\n", im.Depth)
	}
	if len(im.Items) == 0 {
		_, err := fmt.Fprintln(w, "Nothing downstream.")
		return err
	}
	fmt.Fprintln(w)
	tw := newTable(w)
	fmt.Fprintln(tw, "PIPELINE\tOWNER\tTAGS\tLAST RUN\tNEXT RUN\tBLOCKED BY\tDATASETS")
	for _, g := range im.Items {
		run := "-"
		if g.LastRun != nil {
			run = g.LastRun.RunID + " " + g.LastRun.Status
		}
		var ds []string
		for _, d := range g.Datasets {
			ds = append(ds, d.ID)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", impactName(g), orDash(g.Owner), orDash(strings.Join(g.Tags, ",")), run,
			when(g.NextRunAt), orDash(blockers(g.BlockedBy)), strings.Join(ds, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = newTable(w)
	fmt.Fprintln(tw, "OWNER\tPIPELINES\tDATASETS\tBLOCKED")
	for _, o := range im.Owners {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", firstNonEmpty(o.Owner, "(no owner)"), o.Pipelines, o.Datasets, o.Blocked)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(im.FailingChecks) > 0 {
		fmt.Fprintln(w, "\nFailing error checks:")
		for _, f := range im.FailingChecks {
			fmt.Fprintf(w, "  %s/%s on %s (run %s)", f.Pipeline, f.CheckID, orDash(f.Dataset), f.RunID)
			if f.Message != "" {
				fmt.Fprintf(w, ": %s", f.Message)
			}
			fmt.Fprintln(w)
		}
	}
	return nil
}

// impactName is a group's pipeline, or its job marked as one.
func impactName(g client.ImpactGroup) string {
	switch {
	case g.Pipeline != "":
		return g.Pipeline
	case g.Job != "":
		return "job " + g.Job
	}
	return g.Source
}

func blockers(fs []client.FailingCheck) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Pipeline+"/"+f.CheckID)
	}
	return strings.Join(out, ";")
}

// writeImpactCSV writes the API's CSV columns (internal/api/impact.go),
// one row per pipeline and dataset, from every page read.
func writeImpactCSV(w io.Writer, im *client.Impact) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"pipeline", "job", "owner", "tags", "last_run_id", "last_run_status", "next_run_at",
		"blocked", "blocked_by", "dataset", "dataset_namespace", "dataset_name", "depth"})
	for _, g := range im.Items {
		var run, status, next string
		if g.LastRun != nil {
			run, status = g.LastRun.RunID, g.LastRun.Status
		}
		if g.NextRunAt != nil {
			next = g.NextRunAt.UTC().Format(time.RFC3339)
		}
		for _, d := range g.Datasets {
			_ = cw.Write(spreadsheetSafe([]string{g.Pipeline, g.Job + g.Source, g.Owner, strings.Join(g.Tags, ";"), run, status, next,
				strconv.FormatBool(g.Blocked), blockers(g.BlockedBy), d.ID, d.Namespace, d.Name, strconv.Itoa(d.Depth)}))
		}
	}
	cw.Flush()
	return cw.Error()
}

// spreadsheetSafe keeps a spreadsheet from evaluating a cell that starts
// like a formula, as the API's CSV does.
func spreadsheetSafe(cells []string) []string {
	for i, s := range cells {
		if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
			cells[i] = "'" + s
		}
	}
	return cells
}
