package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/dataxpipe/catalog/internal/client"
	"github.com/dataxpipe/catalog/internal/spec"
)

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

// report prints every problem and returns summary's error.
func (s specSet) report(w io.Writer) error {
	for _, f := range s {
		for _, p := range f.problems {
			fmt.Fprintln(w, f.format(p))
		}
	}
	return s.summary()
}

// summary is an error naming how many problems there are, or nil when the
// set is valid.
func (s specSet) summary() error {
	problems, files := 0, 0
	for _, f := range s {
		if len(f.problems) > 0 {
			problems += len(f.problems)
			files++
		}
	}
	if problems == 0 {
		return nil
	}
	return fmt.Errorf("%s in %s", plural(problems, "problem"), plural(files, "file"))
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
// server: parse args, require -f, build the API client, then check every
// spec and print its problems (any problem stops the command before a
// request is made).
func (c *cli) specsForAPI(fs *flag.FlagSet, files *stringsFlag, api *apiFlags, args []string) (specSet, *client.Client, error) {
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return nil, nil, err
	}
	if len(*files) == 0 {
		return nil, nil, c.usage("-f FILE|DIR is required")
	}
	cl, err := api.client(c)
	if err != nil {
		return nil, nil, err
	}
	set, err := checkSpecs(*files)
	if err != nil {
		return nil, nil, err
	}
	if err := set.report(c.stderr); err != nil {
		return nil, nil, err
	}
	return set, cl, nil
}
