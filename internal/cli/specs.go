package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/dataxpipe/catalog/internal/client"
	"github.com/dataxpipe/catalog/internal/spec"
	"github.com/spf13/cobra"
)

// specFile is one spec file after spec.CheckDefinition.
type specFile struct {
	path     string
	pipeline *spec.Pipeline // nil when the file is not a definition at all
	lines    *spec.LineIndex
	problems []spec.Problem // each problem once, by line; warnings among them
}

// checkSpec checks one file. The error is for files that cannot be read.
func checkSpec(path string) (*specFile, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f := &specFile{path: path, lines: spec.IndexLines(body)}
	f.pipeline, f.problems, err = spec.CheckDefinition(contentType(path), body)
	if err != nil && !errors.Is(err, spec.ErrMalformed) { // a malformed file is one of its problems
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// format writes a problem like a compiler: "file:line: field: message",
// and a warning as "file:line: warning: field: message".
func (f *specFile) format(p spec.Problem) string {
	var b strings.Builder
	b.WriteString(f.path)
	if p.Line > 0 {
		b.WriteString(":" + strconv.Itoa(p.Line))
	}
	if p.Warning {
		b.WriteString(": warning")
	}
	if p.Field != "" {
		b.WriteString(": " + p.Field)
	}
	b.WriteString(": " + p.Message)
	return b.String()
}

// specSet is the files one command works on, each checked.
type specSet []*specFile

// checkSpecs expands args (files and directories) and checks every file,
// plus what only the set shows: two files defining the same pipeline,
// which would register one over the other.
func checkSpecs(args []string) (specSet, error) {
	paths, err := specPaths(args)
	if err != nil {
		return nil, err
	}
	var set specSet
	first := map[string]string{}
	for _, path := range paths {
		f, err := checkSpec(path)
		if err != nil {
			return nil, err
		}
		if p := f.pipeline; p != nil && p.Name != "" {
			if other, dup := first[p.Name]; dup {
				f.problems = append(f.problems, spec.Problem{Field: "name", Line: f.lines.Line("name"),
					Message: fmt.Sprintf("pipeline %s is also defined in %s; give each pipeline one spec file.", p.Name, other)})
			} else {
				first[p.Name] = path
			}
		}
		set = append(set, f)
	}
	return set, nil
}

// report prints every problem and warning and returns summary's error.
func (s specSet) report(w io.Writer, strict bool) error {
	for _, f := range s {
		for _, p := range f.problems {
			fmt.Fprintln(w, f.format(p))
		}
	}
	return s.summary(strict)
}

// counts are the errors, the warnings and the files with errors (with
// strict, warnings are errors: the server ignores unknown fields, a CI job
// may want none).
func (s specSet) counts(strict bool) (errs, warnings, files int) {
	for _, f := range s {
		n := 0
		for _, p := range f.problems {
			if p.Warning && !strict {
				warnings++
			} else {
				n++
			}
		}
		if n > 0 {
			errs += n
			files++
		}
	}
	return errs, warnings, files
}

// summary is an error naming how many problems there are, or nil when the
// set is valid. Warnings alone leave it valid unless strict.
func (s specSet) summary(strict bool) error {
	problems, warnings, files := s.counts(strict)
	if problems == 0 {
		return nil
	}
	msg := fmt.Sprintf("%s in %s", plural(problems, "problem"), plural(files, "file"))
	if warnings > 0 {
		msg += fmt.Sprintf(" (and %s)", plural(warnings, "warning"))
	}
	return errors.New(msg)
}

// pipelines returns the decoded pipelines; call it after report said nil.
func (s specSet) pipelines() []*spec.Pipeline {
	out := make([]*spec.Pipeline, len(s))
	for i, f := range s {
		out[i] = f.pipeline
	}
	return out
}

// specsForAPI is the common start of the commands that send specs to the
// server: require -f, build the API client, then check every spec and
// print its problems (any problem stops the command before a request is
// made).
func (c *cli) specsForAPI(cmd *cobra.Command, files []string, api *apiFlags) (specSet, *client.Client, error) {
	if len(files) == 0 {
		return nil, nil, usagef(cmd, "-f FILE|DIR is required")
	}
	cl, err := api.client(c, cmd)
	if err != nil {
		return nil, nil, err
	}
	set, err := checkSpecs(files)
	if err != nil {
		return nil, nil, err
	}
	// Warnings do not stop the command: the server ignores unknown fields
	// too, and answers them as warnings of its own.
	if err := set.report(c.Stderr, false); err != nil {
		return nil, nil, err
	}
	return set, cl, nil
}

// addFilesFlag is -f of the commands that read specs; it may be repeated.
func addFilesFlag(cmd *cobra.Command) *[]string {
	return cmd.Flags().StringArrayP("file", "f", nil, "spec `FILE` or directory (repeatable)")
}

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
