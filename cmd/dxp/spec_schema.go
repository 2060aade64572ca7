package main

import (
	"context"

	"github.com/dataxpipe/catalog/internal/spec"
)

var specSchemaCmd = &command{
	name:    "spec schema",
	args:    "",
	summary: "print the JSON Schema of a pipeline spec",
	about: `Prints the JSON Schema (draft 2020-12) that "dxp spec validate" checks
first. Point an editor at it for completion and inline errors in spec
files; the semantic rules (references, cron, cycles) are not in it.`,
	examples: []string{
		"dxp spec schema > pipeline-spec.schema.json",
		"# VS Code (redhat.vscode-yaml): \"yaml.schemas\": {\"pipeline-spec.schema.json\": \"specs/*.yaml\"}",
	},
	run: specSchema,
}

func specSchema(ctx context.Context, c *cli, args []string) error {
	if _, err := c.parse(c.flags(), args, 0, 0); err != nil {
		return err
	}
	_, err := c.stdout.Write(spec.SchemaJSON())
	return err
}
