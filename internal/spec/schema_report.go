package spec

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	schemakind "github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// schemaReport turns the validator's error tree into Problems.
type schemaReport struct {
	root     *value         // the instance, to tell list indexes from keys
	lines    *value         // a tree with lines (the instance itself for YAML)
	raw      map[string]any // schema.json, for titles and field names
	problems []Problem
}

// walk reports the leaves of the tree: the inner nodes ("allOf failed",
// "$ref failed") only say that something below failed.
func (s *schemaReport) walk(e *jsonschema.ValidationError) {
	if len(e.Causes) > 0 {
		for _, c := range e.Causes {
			s.walk(c)
		}
		return
	}
	loc := e.InstanceLocation
	switch k := e.ErrorKind.(type) {
	case *schemakind.Required:
		// One problem per missing field, at the field, which is where
		// Validate reports the same thing (and so where the two meet).
		for _, f := range k.Missing {
			s.add(child(loc, f), fmt.Sprintf("%s is required.", f))
		}
	case *schemakind.AdditionalProperties:
		// A warning: the API ignores unknown fields (API.md), so they
		// cannot make a definition invalid, but they are mostly typos.
		for _, f := range k.Properties {
			s.add(child(loc, f), s.unknownField(e.SchemaURL, f))
			s.problems[len(s.problems)-1].Warning = true
		}
	default:
		s.add(loc, s.message(loc, e.ErrorKind))
	}
}

func (s *schemaReport) add(loc []string, msg string) {
	line := 0
	if s.lines != nil {
		line = lineAt(s.lines, loc)
	}
	s.problems = append(s.problems, Problem{Field: flatPath(s.root, loc), Message: msg, Line: line})
}

// message phrases the kinds the schema uses like Validate phrases its own;
// anything else falls back to the library's wording.
func (s *schemaReport) message(loc []string, k jsonschema.ErrorKind) string {
	name := fieldName(flatPath(s.root, loc))
	switch k := k.(type) {
	case *schemakind.Type:
		return fmt.Sprintf("%s must be %s, but it is %s.", name, article(k.Want[0]), article(k.Got))
	case *schemakind.Enum:
		return fmt.Sprintf("%s %s is not supported; use %s.", name, quoteValue(k.Got), orList(k.Want))
	case *schemakind.Pattern:
		return fmt.Sprintf("%s %q does not match the pattern %s.", name, k.Got, k.Want)
	case *schemakind.MinLength:
		return fmt.Sprintf("%s is empty; give it a value or remove it.", name)
	case *schemakind.MaxLength:
		return fmt.Sprintf("%s is %d characters long; at most %d are allowed.", name, k.Got, k.Want)
	case *schemakind.MinItems:
		if k.Want == 1 {
			return fmt.Sprintf("%s needs at least one entry.", name)
		}
		return fmt.Sprintf("%s needs at least %d entries.", name, k.Want)
	}
	return sentenceCase(k.LocalizedString(message.NewPrinter(language.English))) + "."
}

// article names a JSON Schema type as a message would.
func article(t string) string {
	switch t {
	case "array":
		return "a list"
	case "object", "integer":
		return "an " + t
	case "null":
		return "null"
	}
	return "a " + t
}

func quoteValue(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}

// orList writes "a, b or c".
func orList(vs []any) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmt.Sprint(v)
	}
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

func sentenceCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func child(loc []string, key string) []string {
	return append(slices.Clone(loc), key)
}

// sortProblems orders problems by line, then path, so that output is
// stable (the validator visits properties in map order).
func sortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Field, b.Field), cmp.Compare(a.Message, b.Message))
	})
}
