package main

import (
	"fmt"
	"io"
	"strings"
)

// applyReport prints apply results as they come (a CI log shows progress)
// or, with --output json, all at once at the end.
type applyReport struct {
	w       io.Writer
	dryRun  bool
	json    bool
	width   int // of the pipeline column
	results []applyResult
}

func newApplyReport(w io.Writer, set specSet, dryRun, asJSON bool) *applyReport {
	r := &applyReport{w: w, dryRun: dryRun, json: asJSON, results: []applyResult{}}
	for _, p := range set.pipelines() {
		r.width = max(r.width, len(p.Name))
	}
	return r
}

// words are how results read in a terminal, for real and in a dry run.
var words = map[bool]map[string]string{
	false: {"created": "created", "new_version": "new version", "unchanged": "unchanged", "failed": "failed"},
	true:  {"created": "would create", "new_version": "would add version", "unchanged": "unchanged", "conflict": "would conflict", "failed": "failed"},
}

func (r *applyReport) add(res applyResult) {
	r.results = append(r.results, res)
	if r.json {
		return
	}
	detail := res.Version
	if res.Error != "" {
		detail = indent(res.Error)
	}
	fmt.Fprintf(r.w, "%-*s  %-17s  %s\n", r.width, res.Pipeline, words[r.dryRun][res.Result], detail)
}

// finish prints the summary (or the JSON) and fails when any pipeline
// failed or, in a dry run, would conflict.
func (r *applyReport) finish() error {
	counts := map[string]int{}
	for _, res := range r.results {
		counts[res.Result]++
	}
	if r.json {
		if err := printJSON(r.w, map[string]any{"dry_run": r.dryRun, "results": r.results}); err != nil {
			return err
		}
	} else {
		var parts []string
		for _, k := range []string{"created", "new_version", "unchanged", "conflict", "failed"} {
			if counts[k] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", counts[k], words[r.dryRun][k]))
			}
		}
		suffix := ""
		if r.dryRun {
			suffix = " (dry run: nothing was registered)"
		}
		fmt.Fprintf(r.w, "%s: %s%s\n", plural(len(r.results), "pipeline"), strings.Join(parts, ", "), suffix)
	}
	if bad := counts["failed"] + counts["conflict"]; bad > 0 {
		return fmt.Errorf("%d of %s could not be applied", bad, plural(len(r.results), "pipeline"))
	}
	return nil
}
