package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dataxpipe/catalog/internal/spec"
)

var specBuildCmd = &command{
	name:    "spec build",
	args:    "FILE|DIR... -o DIR",
	summary: "write pipeline.json and lineage.json for each spec",
	about: `Validates the specs like "dxp spec validate", then writes for each pipeline
  DIR/<name>/metadata/pipeline.json   the flat pipeline.json the API registers
  DIR/<name>/metadata/lineage.json    {"edges": [{"from", "to"}]}, every edge
                                      the pipeline adds to the lineage graph
The output is deterministic (fixed key order, sorted edges, a trailing
newline), so it can be committed and diffed. Nothing is written when any
spec has a problem.`,
	examples: []string{
		"dxp spec build specs/orders.yaml -o build",
		"dxp spec build specs/ -o build && dxp pipelines apply -f build/orders_sync/metadata/pipeline.json",
	},
	run: specBuild,
}

func specBuild(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	outDir := fs.String("o", "", "output `DIR` (required)")
	files, err := c.parse(fs, args, 1, -1)
	if err != nil {
		return err
	}
	if *outDir == "" {
		return c.usage("-o DIR is required")
	}
	set, err := checkSpecs(files)
	if err != nil {
		return err
	}
	if err := set.report(c.stdout); err != nil {
		return err
	}
	for _, p := range set.pipelines() {
		written, err := writeBuild(*outDir, p)
		if err != nil {
			return err
		}
		for _, path := range written {
			fmt.Fprintf(c.stdout, "wrote %s\n", path)
		}
	}
	return nil
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
