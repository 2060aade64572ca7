package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/dataxpipe/catalog/internal/client"
	"github.com/dataxpipe/catalog/internal/spec"
	"github.com/spf13/cobra"
)

func (c *cli) pipelinesApplyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "apply -f FILE|DIR [--dry-run]",
		Short: "validate specs and register them (created / unchanged / new version)",
		Long: `Validates the specs like "dxp spec validate" and, when every one is valid,
registers each pipeline, printing whether it was created, unchanged or got
a new version. A directory stands for its *.yaml, *.yml and *.json files,
applied in name order. Nothing is registered when any spec has a problem;
a pipeline the API refuses (a plan limit, a version conflict) is reported
and the others are still applied, and the exit status is then 1.
Warnings of the server (a connection_ref that names no connection yet)
are printed under their pipeline and in the JSON's "warnings"; they do
not fail the command.

With --dry-run nothing is written: each spec is compared with the
pipeline the server has now, and the result says what applying would do,
warnings included. On a terminal, standard error shows which spec is
being applied; in CI (not a terminal) it stays quiet.`,
		Example: examples(
			"dxp pipelines apply -f specs/",
			"dxp pipelines apply -f specs/orders.yaml --dry-run",
			"DATAXPIPE_API_KEY=$KEY dxp pipelines apply -f specs/ --output json",
		),
		Args: args(0, 0),
	}
	files := addFilesFlag(cmd)
	dryRun := cmd.Flags().Bool("dry-run", false, "say what would happen without registering anything")
	api, out := addAPIFlags(cmd), addOutputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		set, cl, err := c.specsForAPI(cmd, *files, api)
		if err != nil {
			return err
		}
		ctx := cmd.Context()
		rep := newApplyReport(c.Stdout, c.progress(), set, *dryRun, out.json())
		var known *knownConnections
		verb := "applying"
		if *dryRun {
			known, verb = &knownConnections{cl: cl}, "previewing"
		}
		for i, f := range set {
			rep.progress.show("%s %d/%d %s…", verb, i+1, len(set), f.pipeline.Name)
			rep.add(applyOne(ctx, cl, f, known))
		}
		return rep.finish()
	}
	return cmd
}

// applyResult is the outcome for one pipeline. Result is created,
// new_version, unchanged, conflict (dry run) or failed. Warnings is
// always a list, [] when there are none, as in the API's answer.
type applyResult struct {
	File     string              `json:"file"`
	Pipeline string              `json:"pipeline"`
	Version  string              `json:"version,omitempty"`
	Result   string              `json:"result"`
	Error    string              `json:"error,omitempty"`
	Warnings []client.FieldError `json:"warnings"`
}

// applyOne registers the pipeline of one file or, given the connections
// the server knows (a dry run), previews it.
func applyOne(ctx context.Context, cl *client.Client, f *specFile, dryRun *knownConnections) applyResult {
	r := applyResult{File: f.path, Pipeline: f.pipeline.Name, Warnings: []client.FieldError{}}
	var err error
	if dryRun != nil {
		r.Result, r.Version, err = preview(ctx, cl, f.pipeline)
		if err == nil {
			r.Warnings, err = dryRun.warnings(ctx, f.pipeline)
		}
	} else {
		r.Result, r.Version, r.Warnings, err = register(ctx, cl, f.pipeline)
	}
	if err != nil {
		// A preview's conflict keeps its result; anything else failed.
		r.Result, r.Error = cmp.Or(r.Result, "failed"), err.Error()
	}
	return r
}

// register posts p as pipeline.json and tells the outcome from the
// answer: the result, the version and the server's warnings.
func register(ctx context.Context, cl *client.Client, p *spec.Pipeline) (string, string, []client.FieldError, error) {
	warnings := []client.FieldError{}
	body, err := json.Marshal(p)
	if err != nil {
		return "", "", warnings, fmt.Errorf("encode %s: %w", p.Name, err)
	}
	got, err := cl.RegisterPipeline(ctx, body)
	if err != nil {
		return "", "", warnings, err
	}
	warnings = append(warnings, got.Warnings...)
	switch {
	case got.Created != nil && !*got.Created:
		// The answer shows the current version; the spec may name an
		// older one that holds the same content.
		return "unchanged", cmp.Or(p.Version, got.Version), warnings, nil
	case got.VersionsCount <= 1:
		return "created", got.Version, warnings, nil
	}
	return "new_version", got.Version, warnings, nil
}

// knownConnections are the organization's connection ids, read once and
// only when a dry run meets its first connection_ref.
type knownConnections struct {
	cl  *client.Client
	ids map[string]bool
}

// warnings says, as registering would, which connection_refs of p name
// no connection.
func (k *knownConnections) warnings(ctx context.Context, p *spec.Pipeline) ([]client.FieldError, error) {
	out := []client.FieldError{}
	if len(p.ConnectionRefs()) == 0 {
		return out, nil
	}
	if k.ids == nil {
		ids, err := listConnectionIDs(ctx, k.cl)
		if err != nil {
			return out, err
		}
		k.ids = ids
	}
	warn := func(field, ref string) {
		if ref != "" && !k.ids[ref] {
			out = append(out, client.FieldError{Field: field, Message: fmt.Sprintf(
				"connection_ref %q names no connection in this organization yet; the pipeline would be registered anyway, and dxp connections create %s makes it.", ref, ref)})
		}
	}
	for i, s := range p.Sources {
		warn(fmt.Sprintf("sources[%d].connection_ref", i), s.ConnectionRef)
	}
	for i, t := range p.Targets {
		warn(fmt.Sprintf("targets[%d].connection_ref", i), t.ConnectionRef)
	}
	return out, nil
}

// indent puts every line after the first under the table's result column.
func indent(s string) string {
	return strings.ReplaceAll(s, "\n", "\n    ")
}

// preview says what registering p would do, by asking the server what its
// registration asks: is there such a pipeline, is there such a version,
// and is its content the same. It returns the result and the version.
//
// When p has no version, a changed definition gets the next number after
// the current one; the server skips numbers that already exist, which a
// preview does not check, so the version shown may then be lower.
func preview(ctx context.Context, cl *client.Client, p *spec.Pipeline) (string, string, error) {
	raw, err := cl.GetPipelineRaw(ctx, p.Name)
	if client.IsNotFound(err) {
		return "created", cmp.Or(p.Version, spec.NextVersion("")), nil
	} else if err != nil {
		return "", "", err
	}
	cur, err := definition(raw)
	if err != nil {
		return "", "", err
	}
	if p.Version == "" {
		if cur.ContentHash() == p.ContentHash() {
			return "unchanged", cur.Version, nil
		}
		return "new_version", spec.NextVersion(cur.Version), nil
	}
	if p.Version != cur.Version {
		v, err := cl.GetPipelineVersion(ctx, p.Name, p.Version)
		if client.IsNotFound(err) {
			return "new_version", p.Version, nil
		} else if err != nil {
			return "", "", err
		}
		if cur, err = definition(v.Definition); err != nil {
			return "", "", err
		}
	}
	if cur.ContentHash() == p.ContentHash() {
		return "unchanged", p.Version, nil
	}
	return "conflict", p.Version, fmt.Errorf("version %s of pipeline %s is already registered with different content; give the changed spec a new version", p.Version, p.Name)
}

// definition reads a pipeline as the API shows it back. Its definition
// parts are pipeline.json's, and Decode ignores the other fields
// (versions_count, last_run, ...), so the content hash is comparable.
func definition(raw json.RawMessage) (*spec.Pipeline, error) {
	p, _, err := spec.Decode("application/json", raw)
	if err != nil {
		return nil, fmt.Errorf("read the registered pipeline: %w", err)
	}
	return p, nil
}

// applyReport prints apply results as they come (a CI log shows progress)
// or, with --output json, all at once at the end.
type applyReport struct {
	w        io.Writer
	progress *progress // on a terminal, the spec being applied
	dryRun   bool
	json     bool
	width    int // of the pipeline column
	results  []applyResult
}

func newApplyReport(w io.Writer, prog *progress, set specSet, dryRun, asJSON bool) *applyReport {
	r := &applyReport{w: w, progress: prog, dryRun: dryRun, json: asJSON, results: []applyResult{}}
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
	r.progress.clear() // the status line shares the terminal with these lines
	detail := res.Version
	if res.Error != "" {
		detail = indent(res.Error)
	}
	fmt.Fprintf(r.w, "%-*s  %-17s  %s\n", r.width, res.Pipeline, words[r.dryRun][res.Result], detail)
	for _, w := range res.Warnings {
		fmt.Fprintf(r.w, "    warning: %s: %s\n", w.Field, w.Message)
	}
}

// finish prints the summary (or the JSON) and fails when any pipeline
// failed or, in a dry run, would conflict.
func (r *applyReport) finish() error {
	r.progress.clear()
	counts, warnings := map[string]int{}, 0
	for _, res := range r.results {
		counts[res.Result]++
		warnings += len(res.Warnings)
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
		if warnings > 0 {
			parts = append(parts, plural(warnings, "warning"))
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
