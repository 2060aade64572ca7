package main

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
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

// checkSpec checks one file in two passes: the JSON Schema (shape, types,
// unknown fields), then the semantic rules of internal/spec (ids,
// references, cron, lineage cycles). Where both find something at the same
// field, the semantic problem is kept: its message says how to fix it. The
// error is for files that cannot be read.
func checkSpec(path string) (*specFile, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f := &specFile{path: path, lines: spec.IndexLines(body)}
	ct := contentType(path)
	schemaProblems, err := spec.CheckSchema(ct, body)
	if errors.Is(err, spec.ErrMalformed) {
		f.problems = []spec.Problem{malformed(err)}
		return f, nil
	} else if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	p, decodeProblems, err := spec.Decode(ct, body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err) // CheckSchema parsed it; cannot happen
	}
	f.pipeline = p
	semantic := slices.Concat(decodeProblems, p.Validate())
	for i := range semantic {
		if semantic[i].Line == 0 { // JSON input: Decode knows no lines
			semantic[i].Line = f.lines.Line(semantic[i].Field)
		}
	}
	f.problems = semantic
	for _, sp := range schemaProblems {
		if !covered(sp.Field, semantic, decodeProblems) {
			f.problems = append(f.problems, sp)
		}
	}
	slices.SortStableFunc(f.problems, func(a, b spec.Problem) int { return a.Line - b.Line })
	return f, nil
}

// covered reports whether the semantic pass already reports field: at the
// same path, or anywhere above it for a value Decode could not read (a
// string where a list belongs hides everything the schema says inside).
func covered(field string, semantic, unreadable []spec.Problem) bool {
	for _, p := range semantic {
		if p.Field == field {
			return true
		}
	}
	for _, p := range unreadable {
		if strings.HasPrefix(field, p.Field+".") || strings.HasPrefix(field, p.Field+"[") {
			return true
		}
	}
	return false
}

// syntaxLine finds the line in a parser's message ("invalid YAML: line 3:
// ...", "invalid JSON at line 3, column 7: ...").
var syntaxLine = regexp.MustCompile(`^(.*?)(?: at line (\d+), column \d+|: line (\d+)):`)

// malformed turns a syntax error into a problem with a line, when the
// parser said which.
func malformed(err error) spec.Problem {
	msg := strings.TrimPrefix(err.Error(), spec.ErrMalformed.Error()+": ")
	m := syntaxLine.FindStringSubmatch(msg)
	if m == nil {
		return spec.Problem{Message: msg}
	}
	line, _ := strconv.Atoi(m[2] + m[3])
	return spec.Problem{Message: m[1] + ":" + msg[len(m[0]):], Line: line}
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
