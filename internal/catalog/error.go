package catalog

import (
	"errors"
	"fmt"
)

// Error codes. They are stable: clients read them from the problem+json `code`.
const (
	ECONFLICT        = "conflict"
	EINVALID         = "validation_failed"
	EMALFORMED       = "malformed_request"
	ENOTFOUND        = "not_found"
	EUNAUTHENTICATED = "unauthenticated"
	EFORBIDDEN       = "forbidden"
	ELIMIT           = "plan_limit_exceeded"
	ERATELIMIT       = "rate_limited"
	ETOOLARGE        = "payload_too_large"
	EUNAVAILABLE     = "unavailable"
	EINTERNAL        = "internal"
)

// FieldError is one problem with one field of a request.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// LimitExceeded describes which plan limit a registration would break.
type LimitExceeded struct {
	Plan     string `json:"plan"`
	Resource string `json:"resource"`
	Limit    int    `json:"limit"`
	Usage    int    `json:"usage"`
}

// Error is an application error: its Message is safe to show to the caller.
// Errors that are not *Error are internal and never reach a client.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError   // for EINVALID: every problem found
	Limit   *LimitExceeded // for ELIMIT
}

func (e *Error) Error() string {
	return fmt.Sprintf("catalog error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with a formatted, client-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error carrying every field problem.
func Invalid(fields []FieldError) *Error {
	msg := "The request has 1 problem; see errors."
	if len(fields) != 1 {
		msg = fmt.Sprintf("The request has %d problems; see errors.", len(fields))
	}
	return &Error{Code: EINVALID, Message: msg, Fields: fields}
}

// ErrorCode returns the code of an application error, EINTERNAL for any other
// error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the client-safe message of err; internal errors get a
// generic sentence so that no SQL or stack detail leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error. The request id identifies it in the server log."
}
