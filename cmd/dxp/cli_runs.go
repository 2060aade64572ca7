package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/dataxpipe/catalog/internal/client"
)

var runsStartCmd = &command{
	name:    "runs start",
	args:    "PIPELINE [--run-id ID] [--attr KEY=VALUE]...",
	summary: "record that a pipeline run started; prints the run id",
	about: `Posts a run of PIPELINE (a registered pipeline name) with status running
and prints its run id alone on standard output, for scripts and DAGs that
have no SDK. Without --run-id the server assigns one (run-YYYYMMDD-NNN).
The server stamps the time unless --started-at gives it.`,
	examples: []string{
		"RUN=$(dxp runs start orders_sync)",
		"dxp runs start orders_sync --run-id \"$GITHUB_RUN_ID\" --attr commit=$GITHUB_SHA",
	},
	run: runsStart,
}

func runsStart(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	runID := fs.String("run-id", "", "the run's `ID` (default: assigned by the server)")
	var attrs stringsFlag
	fs.Var(&attrs, "attr", "an attribute `KEY=VALUE` to record with the run (repeatable)")
	var startedAt timeFlag
	fs.Var(&startedAt, "started-at", "`TIME` the run started, RFC 3339 (default: now, by the server's clock)")
	api, out := addAPIFlags(fs), addOutputFlag(fs)
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	req := client.NewRun{PipelineID: pos[0], Status: client.RunRunning, RunID: *runID, StartedAt: startedAt.t}
	for _, a := range attrs {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return c.usage("--attr %q is not KEY=VALUE", a)
		}
		if req.Attributes == nil {
			req.Attributes = map[string]any{}
		}
		req.Attributes[k] = v
	}
	cl, err := api.client(c)
	if err != nil {
		return err
	}
	run, err := cl.CreateRun(ctx, req)
	if err != nil {
		return err
	}
	if out.json() {
		return printJSON(c.stdout, run)
	}
	_, err = fmt.Fprintln(c.stdout, run.RunID)
	return err
}

var runsFinishCmd = &command{
	name:    "runs finish",
	args:    "RUN_ID [--status success|failed|cancelled] [--error MSG]",
	summary: "record that a run finished (success, or failed with --error)",
	about: `Marks the run RUN_ID finished. The status is success, or failed when
--error gives the reason. A finished run cannot change status again; the
same call repeated is harmless. The server stamps the time unless
--finished-at gives it.`,
	examples: []string{
		"dxp runs finish \"$RUN\"",
		"dxp runs finish \"$RUN\" --error \"load step exited with 3\"",
		"dxp runs finish \"$RUN\" --status cancelled",
	},
	run: runsFinish,
}

func runsFinish(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	status := fs.String("status", "", "`STATUS`: success, failed or cancelled (default: failed with --error, else success)")
	errMsg := fs.String("error", "", "`MESSAGE` saying why the run failed")
	var finishedAt timeFlag
	fs.Var(&finishedAt, "finished-at", "`TIME` the run finished, RFC 3339 (default: now, by the server's clock)")
	api, out := addAPIFlags(fs), addOutputFlag(fs)
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	st := *status
	switch {
	case st == "" && *errMsg != "":
		st = client.RunFailed
	case st == "":
		st = client.RunSuccess
	case st != client.RunSuccess && st != client.RunFailed && st != client.RunCancelled:
		return c.usage("--status must be success, failed or cancelled")
	case st == client.RunSuccess && *errMsg != "":
		return c.usage("--error describes a failure; drop it or use --status failed")
	}
	u := client.RunUpdate{Status: &st, FinishedAt: finishedAt.t}
	if *errMsg != "" {
		u.Error = errMsg
	}
	cl, err := api.client(c)
	if err != nil {
		return err
	}
	run, err := cl.UpdateRun(ctx, pos[0], u)
	if err != nil {
		return err
	}
	if out.json() {
		return printJSON(c.stdout, run)
	}
	_, err = fmt.Fprintf(c.stdout, "Run %s of %s: %s.\n", pos[0], orDash(run.PipelineID), orDash(run.Status))
	return err
}
