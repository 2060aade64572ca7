package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/dataxpipe/catalog/internal/client"
	"github.com/spf13/cobra"
)

func (c *cli) checksReportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report --run RUN --check CHECK --status STATUS | -f FILE",
		Short: "report data-quality check results of a run",
		Long: `Reports check results: one from flags, or several from a JSON file (a
result, a list of results, or {"results": [...]}; "-" reads standard
input), stored together. A result has run_id, check_id and status (passed,
failed, error or skipped), and may have severity (error or warn; default:
the check's in the pipeline definition), pipeline_id, observed_value,
expected, message and executed_at. --observed and --expected take JSON
(3, "x", {"max": 5}); anything else is sent as text.`,
		Example: examples(
			"dxp checks report --run \"$RUN\" --check orders_pk_not_null --status passed",
			"dxp checks report --run \"$RUN\" --check row_count --status failed --observed 0 --expected '{\"min\": 1}'",
			"dxp checks report -f results.json",
		),
		Args: args(0, 0),
	}
	fs := cmd.Flags()
	file := fs.StringP("file", "f", "", "a JSON `FILE` of results (- for standard input)")
	var r client.CheckResult
	fs.StringVar(&r.RunID, "run", "", "the run's `ID`")
	fs.StringVar(&r.CheckID, "check", "", "the check's `ID` in the pipeline definition")
	fs.StringVar(&r.Status, "status", "", "`STATUS`: passed, failed, error or skipped")
	fs.StringVar(&r.Severity, "severity", "", "`SEVERITY`: error or warn (default: the check's)")
	fs.StringVar(&r.PipelineID, "pipeline", "", "the pipeline's `NAME`")
	fs.StringVar(&r.Message, "message", "", "a `MESSAGE` saying what the check found")
	observed := fs.String("observed", "", "the observed `VALUE` (JSON, else text)")
	expected := fs.String("expected", "", "the expected `VALUE` (JSON, else text)")
	var executedAt timeFlag
	fs.Var(&executedAt, "executed-at", "`TIME` the check ran, RFC 3339 (default: now, by the server's clock)")
	api := addAPIFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		fromFlags := r.RunID != "" || r.CheckID != "" || r.Status != ""
		var results []client.CheckResult
		switch {
		case *file != "" && fromFlags:
			return usagef(cmd, "give one result with flags or a file with -f, not both")
		case *file != "":
			var err error
			if results, err = c.readCheckResults(*file); err != nil {
				return err
			}
		case r.RunID == "" || r.CheckID == "" || r.Status == "":
			return usagef(cmd, "--run, --check and --status are required (or -f FILE)")
		default:
			r.ObservedValue, r.Expected, r.ExecutedAt = jsonOrText(*observed), jsonOrText(*expected), executedAt.t
			results = []client.CheckResult{r}
		}
		cl, err := api.client(c, cmd)
		if err != nil {
			return err
		}
		if err := cl.ReportCheckResults(cmd.Context(), results...); err != nil {
			return err
		}
		_, err = fmt.Fprintf(c.Stdout, "Reported %s.\n", plural(len(results), "check result"))
		return err
	}
	return cmd
}

// jsonOrText reads a flag value as JSON when it is JSON ("0", "true",
// "{...}") and as text otherwise; "" means not given.
func jsonOrText(s string) any {
	if s == "" {
		return nil
	}
	var v any
	if json.Unmarshal([]byte(s), &v) == nil {
		return v
	}
	return s
}

// readCheckResults reads a results file: one result, a list of results,
// or {"results": [...]}, the batch body of the API.
func (c *cli) readCheckResults(path string) ([]client.CheckResult, error) {
	var (
		body []byte
		err  error
	)
	if path == "-" {
		body, err = io.ReadAll(c.Stdin)
	} else {
		body, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read check results: %w", err)
	}
	body = bytes.TrimSpace(body)
	var results []client.CheckResult
	if bytes.HasPrefix(body, []byte("[")) {
		err = json.Unmarshal(body, &results)
	} else {
		// An object is the batch body when it has "results", else one result.
		var batch struct {
			Results []client.CheckResult `json:"results"`
		}
		if err = json.Unmarshal(body, &batch); err == nil && batch.Results != nil {
			results = batch.Results
		} else if err == nil {
			var one client.CheckResult
			err = json.Unmarshal(body, &one)
			results = []client.CheckResult{one}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("read check results from %s: %w", path, err)
	}
	if len(results) == 0 {
		return nil, fmt.Errorf("%s holds no check results", path)
	}
	return results, nil
}

func (c *cli) checksListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list [--pipeline NAME] [--run RUN] [--check CHECK] [--status S] [--severity S] [--since T] [--limit N]",
		Short: "list check results, newest first",
		Long: `Lists the organization's check results, newest first, following the API's
pages to the end unless --limit stops earlier. --since takes an RFC 3339
time or a duration back from now (24h, 7d).`,
		Example: examples(
			"dxp checks list --run \"$RUN\"",
			"dxp checks list --status failed --severity error --since 24h",
			"dxp checks list --pipeline orders_sync --limit 20 --output json",
		),
		Args: args(0, 0),
	}
	var f client.CheckFilter
	fs := cmd.Flags()
	fs.StringVar(&f.PipelineID, "pipeline", "", "only results of the pipeline `NAME`")
	fs.StringVar(&f.RunID, "run", "", "only results of the run `ID`")
	fs.StringVar(&f.CheckID, "check", "", "only results of the check `ID`")
	fs.StringVar(&f.Status, "status", "", "only results with `STATUS`: passed, failed, error or skipped")
	fs.StringVar(&f.Severity, "severity", "", "only results of `SEVERITY`: error or warn")
	var since sinceFlag
	fs.Var(&since, "since", "only results executed at or after `TIME` (RFC 3339, or a duration back such as 24h)")
	limit := addLimitFlag(cmd, "results")
	api, out := addAPIFlags(cmd), addOutputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		f.Since = since.t
		cl, err := api.client(c, cmd)
		if err != nil {
			return err
		}
		results, err := collect(c, cmd.Context(), "check result", *limit, func(ctx context.Context, p client.Page) (*client.List[client.CheckResult], error) {
			return cl.ListCheckResults(ctx, f, p)
		})
		if err != nil {
			return err
		}
		if out.json() {
			return printJSON(c.Stdout, results)
		}
		if len(results) == 0 {
			fmt.Fprintln(c.Stdout, "No check results.")
			return nil
		}
		return c.checkTable(results, true)
	}
	return cmd
}

// checkTable prints check results, with their run when they come from
// more than one.
func (c *cli) checkTable(results []client.CheckResult, withRun bool) error {
	tw := newTable(c.Stdout)
	head := "CHECK\tSTATUS\tSEVERITY\tOBSERVED\tEXPECTED\tEXECUTED\tMESSAGE"
	if withRun {
		head = "RUN ID\tPIPELINE\t" + head
	}
	fmt.Fprintln(tw, head)
	for _, r := range results {
		if withRun {
			fmt.Fprintf(tw, "%s\t%s\t", r.RunID, orDash(r.PipelineID))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.CheckID, r.Status, orDash(r.Severity), value(r.ObservedValue),
			value(r.Expected), when(r.ExecutedAt), orDash(r.Message))
	}
	return tw.Flush()
}

// value shows a JSON value of a result compactly ("-" when absent).
func value(v any) string {
	if v == nil {
		return "-"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
