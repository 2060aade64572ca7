package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dataxpipe/catalog/internal/spec"
	"github.com/spf13/cobra"
)

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
		if err := set.report(c.Stdout); err != nil {
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
