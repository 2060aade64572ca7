package spec

import "strings"

// Problem is one thing wrong with a definition. Field is a flat path like
// "sources[0].watermark_column" or "name", whatever shape the input had.
type Problem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	// Line is the 1-based line in YAML input, 0 when unknown (JSON input
	// or a Pipeline built in code).
	Line int `json:"-"`
	// Warning marks a problem that does not make the definition invalid: a
	// field no rule knows, which the API ignores (API.md) and which is
	// nonetheless most often a typo. CheckDefinition reports them beside the
	// errors; `dxp spec validate --strict` fails on them.
	Warning bool `json:"-"`
}

// SplitWarnings separates errors from warnings, keeping the order of each.
func SplitWarnings(problems []Problem) (errs, warnings []Problem) {
	for _, p := range problems {
		if p.Warning {
			warnings = append(warnings, p)
		} else {
			errs = append(errs, p)
		}
	}
	return errs, warnings
}

// meta is what Decode learned about the input beyond the values themselves.
type meta struct {
	// lines maps a flat path to the line of its key (for mapping fields) or
	// of its item (for list entries). nil for JSON input.
	lines map[string]int
	// headerLine is the line of "pipeline:" in the spec shape. A missing
	// pipeline-level field is reported there rather than at the document
	// root, because that is the mapping the user has to edit.
	headerLine int
	// unreadable holds the paths whose value had the wrong type. Decode
	// already reported them; Validate stays quiet about them and about
	// anything beneath them so the user is not told twice.
	unreadable map[string]bool
}

// headerFields are the pipeline-level fields, nested under "pipeline:" in
// the spec shape and at the top in the flat shape.
var headerFields = []string{"name", "version", "description", "owner", "environment", "schedule", "tags", "openlineage", "freshness"}

func isHeaderField(path string) bool {
	for _, f := range headerFields {
		if f == path {
			return true
		}
	}
	return false
}

// lineFor returns the line to report for path: its own line when the input
// had it, otherwise the line of the closest enclosing mapping or list, which
// is where a missing field has to be added.
func (m *meta) lineFor(path string) int {
	if m == nil || m.lines == nil {
		return 0
	}
	for {
		if l, ok := m.lines[path]; ok {
			return l
		}
		if path == "" {
			return 0
		}
		parent := parentPath(path)
		if parent == "" && isHeaderField(path) && m.headerLine > 0 {
			return m.headerLine
		}
		path = parent
	}
}

// suppressed reports whether path lies at or under a path whose value
// Decode could not read.
func (m *meta) suppressed(path string) bool {
	if m == nil || len(m.unreadable) == 0 {
		return false
	}
	for p := path; ; p = parentPath(p) {
		if m.unreadable[p] {
			return true
		}
		if p == "" {
			return false
		}
	}
}

// parentPath strips the last segment: "a[0].b" → "a[0]" → "a" → "".
func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// fieldName is how a message names the thing at path: the last key, or
// "each entry of <key>" for a list entry.
func fieldName(path string) string {
	if strings.HasSuffix(path, "]") {
		return "each entry of " + fieldName(parentPath(path))
	}
	return path[strings.LastIndex(path, ".")+1:]
}
