package spec

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	domain "github.com/dataxpipe/catalog/internal/catalog" // the package, beside this package's catalog type
)

// unknownField explains a field the schema does not know. Unknown fields
// are usually typos, so it names the closest known field when there is
// one, or else lists the fields that are allowed where it stands.
func (s *schemaReport) unknownField(schemaURL, field string) string {
	title, known := s.objectSchema(schemaURL)
	what := strings.TrimSpace(title + " field")
	if guess := closest(field, known); guess != "" {
		return fmt.Sprintf("%q is not a %s and is ignored; did you mean %s?", field, what, guess)
	}
	return fmt.Sprintf("%q is not a %s and is ignored; use %s, or an x- prefix for an extension.", field, what, orList(anySlice(known)))
}

// objectSchema returns the title and the property names of the schema
// object at schemaURL (".../pipeline-spec.json#/$defs/source").
func (s *schemaReport) objectSchema(schemaURL string) (string, []string) {
	_, frag, _ := strings.Cut(schemaURL, "#")
	var node any = s.raw
	for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
		if tok == "" {
			continue
		}
		tok, _ = url.PathUnescape(tok)
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		obj, _ := node.(map[string]any)
		node = obj[tok]
	}
	obj, _ := node.(map[string]any)
	title, _ := obj["title"].(string)
	props, _ := obj["properties"].(map[string]any)
	var names []string
	for name := range props {
		names = append(names, name)
	}
	slices.Sort(names)
	return title, names
}

// closest returns the known name nearest to field, if it is near enough
// to be a typo: at most a third of its letters differ.
func closest(field string, known []string) string {
	best, bestDist := "", len(field)/3+1
	for _, k := range known {
		if d := domain.EditDistance(strings.ToLower(field), k); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
