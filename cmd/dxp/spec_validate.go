package main

import (
	"context"
	"fmt"
	"strings"
)

var specValidateCmd = &command{
	name:    "spec validate",
	args:    "FILE|DIR... [--output json]",
	summary: "check specs offline: JSON Schema, then the semantic rules",
	about: `Checks pipeline specs without calling the API, in two passes: the JSON
Schema of "dxp spec schema" (shape, types, unknown fields), then the
semantic rules the API applies (unique ids, references, watermark for
incremental loads, primary key for merges, severity, cron syntax, no
lineage cycle). A directory stands for its *.yaml, *.yml and *.json files.

Every problem is printed once, like a compiler does:
  specs/orders.yaml:12: sources[0].watermark_column: watermark_column is required ...
The exit status is 1 when there is any problem.`,
	examples: []string{
		"dxp spec validate specs/orders.yaml",
		"dxp spec validate specs/",
		"dxp spec validate specs/ --output json   # [{file, line, field, message}]",
	},
	run: specValidate,
}

// jsonProblem is a problem in --output json.
type jsonProblem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func specValidate(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	out := addOutputFlag(fs)
	files, err := c.parse(fs, args, 1, -1)
	if err != nil {
		return err
	}
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
		if err := printJSON(c.stdout, problems); err != nil {
			return err
		}
		return set.summary()
	}
	if err := set.report(c.stdout); err != nil {
		return err
	}
	var names []string
	for _, p := range set.pipelines() {
		names = append(names, p.Name)
	}
	fmt.Fprintf(c.stdout, "%s valid: %s\n", plural(len(set), "spec"), strings.Join(names, ", "))
	return nil
}
