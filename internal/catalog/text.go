package catalog

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Text limits. Both engines store any valid UTF-8 without NUL, but
// Postgres refuses the rest (SQLite would keep it), and a Postgres b-tree
// index entry must fit in about 2,700 bytes (a third of a page). Names that
// are index keys are therefore bounded so that the widest index row that
// holds them stays below that: lineage_edges keys one row by two dataset
// names and a job's "namespace/name", so 4 × 512 bytes plus the
// organization id and kind (about 2.1 KB) always fit.
const (
	// MaxNameBytes bounds dataset names and ids, job names and namespaces.
	MaxNameBytes = 512
	// MaxEmailBytes is the longest address SMTP can carry (RFC 5321).
	MaxEmailBytes = 254
	// MaxLabelBytes bounds short indexed labels such as an API key's name
	// or a pipeline's owner.
	MaxLabelBytes = 200
)

// TextProblem says why s cannot be stored as text on both engines, or ""
// when it can. Right-to-left text, combining marks and every other valid
// character are fine: only bytes that are not UTF-8 and NUL are refused.
func TextProblem(s string) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8; send text in UTF-8"
	}
	if strings.IndexByte(s, 0) >= 0 {
		return "contains a NUL character (U+0000), which cannot be stored; remove it"
	}
	return ""
}

// CheckText appends to problems a problem for field when s cannot be
// stored or is longer than maxBytes bytes (maxBytes 0: no length limit).
func CheckText(problems []FieldError, field, s string, maxBytes int) []FieldError {
	if msg := TextProblem(s); msg != "" {
		return append(problems, FieldError{Field: field, Message: field + " " + msg + "."})
	}
	if maxBytes > 0 && len(s) > maxBytes {
		return append(problems, FieldError{Field: field, Message: fmt.Sprintf(
			"%s is %d bytes long; shorten it to at most %d bytes.", field, len(s), maxBytes)})
	}
	return problems
}
