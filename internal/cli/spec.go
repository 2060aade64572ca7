package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dataxpipe/catalog/internal/spec"
	"github.com/spf13/cobra"
)

// jsonProblem is a problem in --output json.
type jsonProblem struct {
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`
	Field    string `json:"field,omitempty"`
	Severity string `json:"severity"` // error or warning
	Message  string `json:"message"`
}

func (c *cli) specValidateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "validate FILE|DIR... [--strict] [--output json]",
		Short: "check specs offline: JSON Schema, then the semantic rules",
		Long: `Checks pipeline specs without calling the API, in two passes: the JSON
Schema of "dxp spec schema" (shape, types, unknown fields), then the
semantic rules the API applies (unique ids, references, watermark for
incremental loads, primary key for merges, severity, cron syntax, no
lineage cycle). A directory stands for its *.yaml, *.yml and *.json files.

Every problem is printed once, like a compiler does:
  specs/orders.yaml:12: sources[0].watermark_column: watermark_column is required ...
A field no rule knows is a warning, with the field it most likely means:
  specs/orders.yaml:14: warning: sources[0].watermark_colum: "watermark_colum" is not ...
The server gives the same verdict: it refuses the same errors, and
registers a spec with unknown fields (ignoring them) while answering the
same warnings. The exit status is 1 when there is any error, or, with
--strict, any warning.`,
		Example: examples(
			"dxp spec validate specs/orders.yaml",
			"dxp spec validate specs/ --strict         # in CI: unknown fields fail too",
			"dxp spec validate specs/ --output json   # [{file, line, field, severity, message}]",
		),
		Args: args(1, -1),
	}
	out := addOutputFlag(cmd)
	strict := cmd.Flags().Bool("strict", false, "fail on warnings (unknown fields) as well as errors")
	cmd.RunE = func(cmd *cobra.Command, files []string) error {
		set, err := checkSpecs(files)
		if err != nil {
			return err
		}
		if out.json() {
			problems := []jsonProblem{}
			for _, f := range set {
				for _, p := range f.problems {
					severity := "error"
					if p.Warning {
						severity = "warning"
					}
					problems = append(problems, jsonProblem{File: f.path, Line: p.Line, Field: p.Field, Severity: severity, Message: p.Message})
				}
			}
			if err := printJSON(c.Stdout, problems); err != nil {
				return err
			}
			return set.summary(*strict)
		}
		if err := set.report(c.Stdout, *strict); err != nil {
			return err
		}
		var names []string
		for _, p := range set.pipelines() {
			names = append(names, p.Name)
		}
		valid := fmt.Sprintf("%s valid: %s", plural(len(set), "spec"), strings.Join(names, ", "))
		if _, warnings, _ := set.counts(false); warnings > 0 {
			valid += fmt.Sprintf(" (%s)", plural(warnings, "warning"))
		}
		fmt.Fprintln(c.Stdout, valid)
		return nil
	}
	return cmd
}

func (c *cli) specSchemaCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "print the JSON Schema of a pipeline spec",
		Long: `Prints the JSON Schema (draft 2020-12) that "dxp spec validate" checks
first. Point an editor at it for completion and inline errors in spec
files; the semantic rules (references, cron, cycles) are not in it.`,
		Example: examples(
			"dxp spec schema > pipeline-spec.schema.json",
			"# VS Code (redhat.vscode-yaml): \"yaml.schemas\": {\"pipeline-spec.schema.json\": \"specs/*.yaml\"}",
		),
		Args: args(0, 0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := c.Stdout.Write(spec.SchemaJSON())
			return err
		},
	}
}

func (c *cli) specBuildCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "build FILE|DIR... -o DIR",
		Short: "write pipeline.json and lineage.json for each spec",
		Long: `Validates the specs like "dxp spec validate", then writes for each pipeline
  DIR/<name>/metadata/pipeline.json   the flat pipeline.json the API registers
  DIR/<name>/metadata/lineage.json    {"edges": [{"from", "to"}]}, every edge
                                      the pipeline adds to the lineage graph
The output is deterministic (fixed key order, sorted edges, a trailing
newline), so it can be committed and diffed. Nothing is written when any
spec has a problem.`,
		Example: examples(
			"dxp spec build specs/orders.yaml -o build",
			"dxp spec build specs/ -o build && dxp pipelines apply -f build/orders_sync/metadata/pipeline.json",
		),
		Args: args(1, -1),
	}
	outDir := cmd.Flags().StringP("out", "o", "", "output `DIR` (required)")
	cmd.RunE = func(cmd *cobra.Command, files []string) error {
		if *outDir == "" {
			return usagef(cmd, "-o DIR is required")
		}
		set, err := checkSpecs(files)
		if err != nil {
			return err
		}
		if err := set.report(c.Stdout, false); err != nil {
			return err
		}
		for _, p := range set.pipelines() {
			written, err := writeBuild(*outDir, p)
			if err != nil {
				return err
			}
			for _, path := range written {
				fmt.Fprintf(c.Stdout, "wrote %s\n", path)
			}
		}
		return nil
	}
	return cmd
}

// lineageFile is the shape of lineage.json.
type lineageFile struct {
	Edges []spec.Edge `json:"edges"`
}

// writeBuild writes the metadata of p under dir and returns the paths.
func writeBuild(dir string, p *spec.Pipeline) ([]string, error) {
	meta := filepath.Join(dir, p.Name, "metadata")
	if err := os.MkdirAll(meta, 0o755); err != nil {
		return nil, fmt.Errorf("spec build: %w", err)
	}
	files := []struct {
		name string
		v    any
	}{
		{"pipeline.json", p},
		{"lineage.json", lineageFile{Edges: p.Edges()}},
	}
	var written []string
	for _, f := range files {
		var buf bytes.Buffer
		if err := printJSON(&buf, f.v); err != nil {
			return nil, fmt.Errorf("spec build: encode %s: %w", f.name, err)
		}
		path := filepath.Join(meta, f.name)
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return nil, fmt.Errorf("spec build: %w", err)
		}
		written = append(written, path)
	}
	return written, nil
}
