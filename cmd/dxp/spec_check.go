package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/dataxpipe/catalog/internal/spec"
)

// specFile is one spec file after both passes.
type specFile struct {
	path     string
	pipeline *spec.Pipeline // nil when the file is not a definition at all
	lines    *spec.LineIndex
	problems []spec.Problem // each problem once, by line
}

// checkSpec checks one file with spec.CheckDefinition, the verdict the
// server gives too. The error is for files that cannot be read.
func checkSpec(path string) (*specFile, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f := &specFile{path: path, lines: spec.IndexLines(body)}
	f.pipeline, f.problems, err = spec.CheckDefinition(contentType(path), body)
	if err != nil && !errors.Is(err, spec.ErrMalformed) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// format writes a problem like a compiler: "file:line: field: message".
func (f *specFile) format(p spec.Problem) string {
	var b strings.Builder
	b.WriteString(f.path)
	if p.Line > 0 {
		b.WriteString(":" + strconv.Itoa(p.Line))
	}
	if p.Field != "" {
		b.WriteString(": " + p.Field)
	}
	b.WriteString(": " + p.Message)
	return b.String()
}
