package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// specExts are the file names a directory of specs is searched for.
var specExts = []string{".yaml", ".yml", ".json"}

// specPaths expands command-line arguments into spec files: a file stands
// for itself, a directory for the spec files directly in it (not below
// it, so a build output or an invalid/ folder of examples is not picked
// up), sorted by name. A path given twice is checked once.
func specPaths(args []string) ([]string, error) {
	var out []string
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil {
			return nil, fmt.Errorf("read specs: %w", err)
		}
		if !info.IsDir() {
			out = append(out, arg)
			continue
		}
		entries, err := os.ReadDir(arg)
		if err != nil {
			return nil, fmt.Errorf("read specs: %w", err)
		}
		found := 0
		for _, e := range entries { // ReadDir sorts by name
			if !e.IsDir() && slices.Contains(specExts, strings.ToLower(filepath.Ext(e.Name()))) {
				out = append(out, filepath.Join(arg, e.Name()))
				found++
			}
		}
		if found == 0 {
			return nil, fmt.Errorf("no spec files (*.yaml, *.yml, *.json) in %s", arg)
		}
	}
	seen := map[string]bool{}
	return slices.DeleteFunc(out, func(p string) bool {
		clean := filepath.Clean(p)
		dup := seen[clean]
		seen[clean] = true
		return dup
	}), nil
}

// contentType is the syntax of a spec file, as spec.DecodeFile picks it.
func contentType(path string) string {
	if strings.EqualFold(filepath.Ext(path), ".json") {
		return "application/json"
	}
	return "application/yaml"
}
