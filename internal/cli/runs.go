package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/dataxpipe/catalog/internal/client"
	"github.com/spf13/cobra"
)

func (c *cli) runsStartCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "start PIPELINE [--run-id ID] [--attr KEY=VALUE]...",
		Short: "record that a pipeline run started; prints the run id",
		Long: `Posts a run of PIPELINE (a registered pipeline name) with status running
and prints its run id alone on standard output, for scripts and DAGs that
have no SDK. Without --run-id the server assigns one (run-YYYYMMDD-NNN).
The server stamps the time unless --started-at gives it.`,
		Example: examples(
			"RUN=$(dxp runs start orders_sync)",
			"dxp runs start orders_sync --run-id \"$GITHUB_RUN_ID\" --attr commit=$GITHUB_SHA",
		),
		Args: args(1, 1),
	}
	runID := cmd.Flags().String("run-id", "", "the run's `ID` (default: assigned by the server)")
	attrs := cmd.Flags().StringArray("attr", nil, "an attribute `KEY=VALUE` to record with the run (repeatable)")
	var startedAt timeFlag
	cmd.Flags().Var(&startedAt, "started-at", "`TIME` the run started, RFC 3339 (default: now, by the server's clock)")
	api, out := addAPIFlags(cmd), addOutputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		req := client.NewRun{PipelineID: pos[0], Status: client.RunRunning, RunID: *runID, StartedAt: startedAt.t}
		for _, a := range *attrs {
			k, v, ok := strings.Cut(a, "=")
			if !ok || k == "" {
				return usagef(cmd, "--attr %q is not KEY=VALUE", a)
			}
			if req.Attributes == nil {
				req.Attributes = map[string]any{}
			}
			req.Attributes[k] = v
		}
		cl, err := api.client(c, cmd)
		if err != nil {
			return err
		}
		run, err := cl.CreateRun(cmd.Context(), req)
		if err != nil {
			return err
		}
		if out.json() {
			return printJSON(c.Stdout, run)
		}
		_, err = fmt.Fprintln(c.Stdout, run.RunID)
		return err
	}
	return cmd
}

func (c *cli) runsFinishCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "finish RUN_ID [--status success|failed|cancelled] [--error MSG]",
		Short: "record that a run finished (success, or failed with --error)",
		Long: `Marks the run RUN_ID finished. The status is success, or failed when
--error gives the reason. A finished run cannot change status again; the
same call repeated is harmless. The server stamps the time unless
--finished-at gives it.`,
		Example: examples(
			"dxp runs finish \"$RUN\"",
			"dxp runs finish \"$RUN\" --error \"load step exited with 3\"",
			"dxp runs finish \"$RUN\" --status cancelled",
		),
		Args: args(1, 1),
	}
	status := cmd.Flags().String("status", "", "`STATUS`: success, failed or cancelled (default: failed with --error, else success)")
	errMsg := cmd.Flags().String("error", "", "`MESSAGE` saying why the run failed")
	var finishedAt timeFlag
	cmd.Flags().Var(&finishedAt, "finished-at", "`TIME` the run finished, RFC 3339 (default: now, by the server's clock)")
	api, out := addAPIFlags(cmd), addOutputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		st := *status
		switch {
		case st == "" && *errMsg != "":
			st = client.RunFailed
		case st == "":
			st = client.RunSuccess
		case st != client.RunSuccess && st != client.RunFailed && st != client.RunCancelled:
			return usagef(cmd, "--status must be success, failed or cancelled")
		case st == client.RunSuccess && *errMsg != "":
			return usagef(cmd, "--error describes a failure; drop it or use --status failed")
		}
		u := client.RunUpdate{Status: &st, FinishedAt: finishedAt.t}
		if *errMsg != "" {
			u.Error = errMsg
		}
		cl, err := api.client(c, cmd)
		if err != nil {
			return err
		}
		run, err := cl.UpdateRun(cmd.Context(), pos[0], u)
		if err != nil {
			return err
		}
		if out.json() {
			return printJSON(c.Stdout, run)
		}
		_, err = fmt.Fprintf(c.Stdout, "Run %s of %s: %s.\n", pos[0], orDash(run.PipelineID), orDash(run.Status))
		return err
	}
	return cmd
}

func (c *cli) runsListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list [--pipeline NAME] [--status S] [--checks-failed] [--since T] [--until T] [--limit N]",
		Short: "list runs, newest first",
		Long: `Lists the organization's runs, newest first, following the API's pages
to the end unless --limit stops earlier. --since and --until take an
RFC 3339 time or a duration back from now (24h, 7d). CHECKS says
"failed" when an error-severity check of the run failed; --checks-failed
lists only those runs, successful ones included.`,
		Example: examples(
			"dxp runs list --pipeline orders_sync --limit 10",
			"dxp runs list --status failed --since 7d",
			"dxp runs list --checks-failed --since 24h",
			"dxp runs list --pipeline orders_sync --output json | jq -r '.[0].run_id'",
		),
		Args: args(0, 0),
	}
	var f client.RunFilter
	cmd.Flags().StringVar(&f.PipelineID, "pipeline", "", "only runs of the pipeline `NAME`")
	cmd.Flags().StringVar(&f.Status, "status", "", "only runs with `STATUS`: queued, running, success, failed or cancelled")
	checksFailed := cmd.Flags().Bool("checks-failed", false, "only runs whose error-severity checks failed, whatever their status")
	var since, until sinceFlag
	cmd.Flags().Var(&since, "since", "only runs started at or after `TIME` (RFC 3339, or a duration back such as 7d)")
	cmd.Flags().Var(&until, "until", "only runs started before `TIME` (RFC 3339, or a duration back)")
	listCommand(c, cmd, "run", "RUN ID\tPIPELINE\tSTATUS\tSTARTED\tDURATION\tCHECKS",
		func(cl *client.Client) client.PageFunc[client.Run] {
			f.Since, f.Until = since.t, until.t
			if *checksFailed {
				f.ChecksFailed = checksFailed
			}
			return func(ctx context.Context, p client.Page) (*client.List[client.Run], error) {
				return cl.ListRuns(ctx, f, p)
			}
		},
		func(r client.Run) string {
			return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s", r.RunID, r.PipelineID, r.Status, when(r.StartedAt), seconds(r.DurationSeconds), checksWord(r.ChecksFailed))
		})
	return cmd
}

// checksWord is the CHECKS column: whether an error-severity check failed.
func checksWord(failed bool) string {
	if failed {
		return "failed"
	}
	return "ok"
}

func (c *cli) runsGetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "get RUN_ID",
		Short: "show a run with its check results",
		Long: `Shows the run RUN_ID: its pipeline, status, times, error and attributes,
the counts of its check results and the newest results themselves.`,
		Example: examples(
			"dxp runs get \"$RUN\"",
			"dxp runs get \"$RUN\" --output json | jq .checks_summary",
		),
		Args: args(1, 1),
	}
	readCommand(c, cmd, func(ctx context.Context, cl *client.Client, pos []string) (*client.Run, error) {
		return cl.GetRun(ctx, pos[0])
	}, func(r *client.Run) error {
		tw, row := detailTable(c.Stdout)
		row("Run", r.RunID)
		row("Pipeline", r.PipelineID)
		row("Status", r.Status)
		row("Started", when(r.StartedAt))
		row("Finished", when(r.FinishedAt))
		row("Duration", seconds(r.DurationSeconds))
		if r.Error != nil {
			row("Error", *r.Error)
		}
		if a := strings.TrimSpace(string(r.Attributes)); a != "" && a != "{}" && a != "null" {
			row("Attributes", a)
		}
		if s := r.ChecksSummary; s != nil {
			row("Checks", fmt.Sprintf("%d: %d passed, %d failed, %d error, %d skipped (%s)", s.Total, s.Passed, s.Failed, s.Error, s.Skipped, checksWord(r.ChecksFailed)))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if len(r.Checks) == 0 {
			return nil
		}
		fmt.Fprintln(c.Stdout)
		return c.checkTable(r.Checks, false)
	})
	return cmd
}
