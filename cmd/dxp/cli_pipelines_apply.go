package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dataxpipe/catalog/internal/client"
	"github.com/dataxpipe/catalog/internal/spec"
)

var pipelinesApplyCmd = &command{
	name:    "pipelines apply",
	args:    "-f FILE|DIR [--dry-run]",
	summary: "validate specs and register them (created / unchanged / new version)",
	about: `Validates the specs like "dxp spec validate" and, when every one is valid,
registers each pipeline, printing whether it was created, unchanged or got
a new version. A directory stands for its *.yaml, *.yml and *.json files,
applied in name order. Nothing is registered when any spec has a problem;
a pipeline the API refuses (a plan limit, a version conflict) is reported
and the others are still applied, and the exit status is then 1.

With --dry-run nothing is written: each spec is compared with the
pipeline the server has now, and the result says what applying would do.`,
	examples: []string{
		"dxp pipelines apply -f specs/",
		"dxp pipelines apply -f specs/orders.yaml --dry-run",
		"DATAXPIPE_API_KEY=$KEY dxp pipelines apply -f specs/ --output json",
	},
	run: pipelinesApply,
}

// applyResult is the outcome for one pipeline. Result is created,
// new_version, unchanged, conflict (dry run) or failed.
type applyResult struct {
	File     string `json:"file"`
	Pipeline string `json:"pipeline"`
	Version  string `json:"version,omitempty"`
	Result   string `json:"result"`
	Error    string `json:"error,omitempty"`
}

func pipelinesApply(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	var files stringsFlag
	fs.Var(&files, "f", "spec `FILE` or directory (repeatable)")
	dryRun := fs.Bool("dry-run", false, "say what would happen without registering anything")
	api, out := addAPIFlags(fs), addOutputFlag(fs)
	set, cl, err := c.specsForAPI(fs, &files, api, args)
	if err != nil {
		return err
	}
	rep := newApplyReport(c.stdout, set, *dryRun, out.json())
	for _, f := range set {
		rep.add(applyOne(ctx, cl, f, *dryRun))
	}
	return rep.finish()
}

// applyOne registers (or previews) the pipeline of one file.
func applyOne(ctx context.Context, cl *client.Client, f *specFile, dryRun bool) applyResult {
	r := applyResult{File: f.path, Pipeline: f.pipeline.Name}
	var err error
	if dryRun {
		r.Result, r.Version, err = preview(ctx, cl, f.pipeline)
	} else {
		r.Result, r.Version, err = register(ctx, cl, f.pipeline)
	}
	if err != nil {
		// A preview's conflict keeps its result; anything else failed.
		r.Result, r.Error = cmp.Or(r.Result, "failed"), err.Error()
	}
	return r
}

// register posts p as pipeline.json and tells the outcome from the answer.
func register(ctx context.Context, cl *client.Client, p *spec.Pipeline) (string, string, error) {
	body, err := json.Marshal(p)
	if err != nil {
		return "", "", fmt.Errorf("encode %s: %w", p.Name, err)
	}
	got, err := cl.RegisterPipeline(ctx, body)
	switch {
	case err != nil:
		return "", "", err
	case got.Created != nil && !*got.Created:
		// The answer shows the current version; the spec may name an
		// older one that holds the same content.
		return "unchanged", cmp.Or(p.Version, got.Version), nil
	case got.VersionsCount <= 1:
		return "created", got.Version, nil
	}
	return "new_version", got.Version, nil
}

// indent puts every line after the first under the table's result column.
func indent(s string) string {
	return strings.ReplaceAll(s, "\n", "\n    ")
}
