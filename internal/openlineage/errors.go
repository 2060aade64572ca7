package openlineage

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotJSON is wrapped by the error Parse and ParseBatch return when the
// body is not JSON at all (HTTP 400), as opposed to JSON that is not a valid
// event (*ValidationError, HTTP 422).
var ErrNotJSON = errors.New("openlineage: body is not JSON")

// Problem is one thing wrong with an event. Field is a JSON pointer
// (RFC 6901) into the event, such as "/run/runId" or "/inputs/0/name";
// "" is the event itself.
type Problem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every problem found in a JSON event, so a client
// can fix them all after one 422.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("openlineage: invalid event: ")
	for i, p := range e.Problems {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(e.Problems)-i)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		if p.Field != "" {
			b.WriteString(p.Field + ": ")
		}
		b.WriteString(strings.TrimSuffix(p.Message, "."))
	}
	return b.String()
}

// maxProblems bounds what one event can make us report: a hostile event with
// a million bad inputs should still get a short answer.
const maxProblems = 100

// problems collects Problems up to maxProblems and notes the rest.
type problems struct {
	list    []Problem
	dropped int
}

func (ps *problems) add(field, format string, args ...any) {
	if len(ps.list) >= maxProblems {
		ps.dropped++
		return
	}
	ps.list = append(ps.list, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

// result returns the problems found, with a last one saying how many were
// left out, or nil when there were none.
func (ps *problems) result() []Problem {
	if ps.dropped > 0 {
		return append(ps.list, Problem{Message: fmt.Sprintf("%d more problems were not listed.", ps.dropped)})
	}
	return ps.list
}
