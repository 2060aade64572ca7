package spec

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// CheckDefinition is the one verdict on a definition, given by the CLI for a spec
// file and by the server for a registration, so both agree on every file.
// It runs both passes over body and merges what they find:
//
//   - the JSON Schema (shape, types, unknown fields), as CheckSchema;
//   - the semantic rules (ids, references, watermarks, cron, lineage
//     cycles), as Decode followed by Validate.
//
// Unknown fields are warnings (Problem.Warning): API.md has the server
// ignore them, so they cannot make a definition invalid, yet they are
// reported with "did you mean" because they are mostly typos. Everything
// else is an error. The server's registration and the CLI both call this,
// so they refuse the same files with the same errors and warn alike.
//
// Both passes always run, so one call reports every problem. Where both
// find something at the same field, the semantic problem is kept: its
// message says how to fix it. Problems carry lines for YAML and JSON alike
// and are in line order.
//
// When body is not a JSON or YAML object at all, the pipeline is nil, the
// error wraps ErrMalformed, and problems holds that one syntax problem with
// the line the parser named, for tools that print problems like a
// compiler. Any other error is a defect, not a problem with the input.
func CheckDefinition(contentType string, body []byte) (*Pipeline, []Problem, error) {
	schemaProblems, err := CheckSchema(contentType, body)
	if errors.Is(err, ErrMalformed) {
		return nil, []Problem{syntaxProblem(err)}, err
	} else if err != nil {
		return nil, nil, err
	}
	p, decodeProblems, err := Decode(contentType, body)
	if err != nil {
		return nil, nil, err // CheckSchema parsed the same body; cannot happen
	}
	problems := slices.Concat(decodeProblems, p.Validate())
	var lines *LineIndex
	for i := range problems {
		if problems[i].Line == 0 { // JSON input: Decode knows no lines
			if lines == nil {
				lines = IndexLines(body)
			}
			problems[i].Line = lines.Line(problems[i].Field)
		}
	}
	semantic := len(problems)
	for _, sp := range schemaProblems {
		if !covered(sp.Field, problems[:semantic], decodeProblems) {
			problems = append(problems, sp)
		}
	}
	// Stable, so that at one line the semantic problems come first, in the
	// order Validate found them.
	slices.SortStableFunc(problems, func(a, b Problem) int { return a.Line - b.Line })
	return p, problems, nil
}

// covered reports whether the semantic pass already reports field: at the
// same path, or anywhere above it for a value Decode could not read (a
// string where a list belongs hides everything the schema says inside).
func covered(field string, semantic, unreadable []Problem) bool {
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

// syntaxProblem turns a syntax error into a problem with a line, when the
// parser said which; the line moves out of the message into Line.
func syntaxProblem(err error) Problem {
	msg := strings.TrimPrefix(err.Error(), fmt.Sprintf("%s: ", ErrMalformed))
	m := syntaxLine.FindStringSubmatch(msg)
	if m == nil {
		return Problem{Message: msg}
	}
	line, _ := strconv.Atoi(m[2] + m[3])
	return Problem{Message: m[1] + ":" + msg[len(m[0]):], Line: line}
}
