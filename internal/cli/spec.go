package cli

import (
	"fmt"
	"strings"

	"github.com/dataxpipe/catalog/internal/spec"
	"github.com/spf13/cobra"
)

// jsonProblem is a problem in --output json.
type jsonProblem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (c *cli) specValidateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "validate FILE|DIR... [--output json]",
		Short: "check specs offline: JSON Schema, then the semantic rules",
		Long: `Checks pipeline specs without calling the API, in two passes: the JSON
Schema of "dxp spec schema" (shape, types, unknown fields), then the
semantic rules the API applies (unique ids, references, watermark for
incremental loads, primary key for merges, severity, cron syntax, no
lineage cycle). A directory stands for its *.yaml, *.yml and *.json files.

Every problem is printed once, like a compiler does:
  specs/orders.yaml:12: sources[0].watermark_column: watermark_column is required ...
The exit status is 1 when there is any problem.`,
		Example: examples(
			"dxp spec validate specs/orders.yaml",
			"dxp spec validate specs/",
			"dxp spec validate specs/ --output json   # [{file, line, field, message}]",
		),
		Args: args(1, -1),
	}
	out := addOutputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, files []string) error {
		set, err := checkSpecs(files)
		if err != nil {
			return err
		}
		if out.json() {
			problems := []jsonProblem{}
			for _, f := range set {
				for _, p := range f.problems {
					problems = append(problems, jsonProblem{File: f.path, Line: p.Line, Field: p.Field, Message: p.Message})
				}
			}
			if err := printJSON(c.Stdout, problems); err != nil {
				return err
			}
			return set.summary()
		}
		if err := set.report(c.Stdout); err != nil {
			return err
		}
		var names []string
		for _, p := range set.pipelines() {
			names = append(names, p.Name)
		}
		fmt.Fprintf(c.Stdout, "%s valid: %s\n", plural(len(set), "spec"), strings.Join(names, ", "))
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
