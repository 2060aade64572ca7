package cli

import (
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
