package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/dataxpipe/catalog/internal/client"
)

var checksReportCmd = &command{
	name:    "checks report",
	args:    "--run RUN --check CHECK --status STATUS | -f FILE",
	summary: "report data-quality check results of a run",
	about: `Reports check results: one from flags, or several from a JSON file (a
result, a list of results, or {"results": [...]}; "-" reads standard
input), stored together. A result has run_id, check_id and status (passed,
failed, error or skipped), and may have severity (error or warn; default:
the check's in the pipeline definition), pipeline_id, observed_value,
expected, message and executed_at. --observed and --expected take JSON
(3, "x", {"max": 5}); anything else is sent as text.`,
	examples: []string{
		"dxp checks report --run \"$RUN\" --check orders_pk_not_null --status passed",
		"dxp checks report --run \"$RUN\" --check row_count --status failed --observed 0 --expected '{\"min\": 1}'",
		"dxp checks report -f results.json",
	},
	run: checksReport,
}

func checksReport(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	file := fs.String("f", "", "a JSON `FILE` of results (- for standard input)")
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
	api := addAPIFlags(fs)
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	fromFlags := r.RunID != "" || r.CheckID != "" || r.Status != ""
	var results []client.CheckResult
	switch {
	case *file != "" && fromFlags:
		return c.usage("give one result with flags or a file with -f, not both")
	case *file != "":
		var err error
		if results, err = readCheckResults(c, *file); err != nil {
			return err
		}
	case r.RunID == "" || r.CheckID == "" || r.Status == "":
		return c.usage("--run, --check and --status are required (or -f FILE)")
	default:
		r.ObservedValue, r.Expected, r.ExecutedAt = jsonOrText(*observed), jsonOrText(*expected), executedAt.t
		results = []client.CheckResult{r}
	}
	cl, err := api.client(c)
	if err != nil {
		return err
	}
	if err := cl.ReportCheckResults(ctx, results...); err != nil {
		return err
	}
	_, err = fmt.Fprintf(c.stdout, "Reported %s.\n", plural(len(results), "check result"))
	return err
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
