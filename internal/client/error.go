package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Error is an error answer of the API: its problem+json body (RFC 9457)
// with the stable code and, for 422, every field problem.
type Error struct {
	Status    int          `json:"status"`
	Code      string       `json:"code"`
	Title     string       `json:"title"`
	Detail    string       `json:"detail"`
	RequestID string       `json:"request_id"`
	Errors    []FieldError `json:"errors,omitempty"`
	// Plan limit answers (403 plan_limit_exceeded) also carry these.
	Plan       string `json:"plan,omitempty"`
	Resource   string `json:"resource,omitempty"`
	Limit      int    `json:"limit,omitempty"`
	Usage      int    `json:"usage,omitempty"`
	UpgradeURL string `json:"upgrade_url,omitempty"`
}

// FieldError is one problem of a 422 answer.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error returns the detail, which the API writes for people, followed by
// the field problems of a 422, one per line.
func (e *Error) Error() string {
	msg := e.Detail
	if msg == "" {
		msg = fmt.Sprintf("the API answered %d %s", e.Status, http.StatusText(e.Status))
	}
	var b strings.Builder
	b.WriteString(msg)
	for _, f := range e.Errors {
		fmt.Fprintf(&b, "\n  %s: %s", f.Field, f.Message)
	}
	return b.String()
}

// NoRoute reports whether the server has no route for the request at all
// (an older server, or an endpoint not built yet), as opposed to a 404 for
// an object that does not exist.
func (e *Error) NoRoute() bool {
	return e.Status == http.StatusNotFound && strings.HasPrefix(e.Detail, "No route")
}

// IsNotFound reports whether err is a 404 of the API.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}

// readError reads an error answer. A body that is not problem+json (a
// proxy's HTML page, say) still gives an *Error with the status.
func readError(res *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	e := &Error{}
	if json.Unmarshal(body, e) != nil || e.Code == "" {
		e = &Error{Detail: fmt.Sprintf("The API answered %s to %s %s.", res.Status, res.Request.Method, res.Request.URL.Path)}
	}
	e.Status = res.StatusCode
	return e
}
