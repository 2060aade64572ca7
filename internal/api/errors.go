package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// statusOf maps error codes to HTTP statuses: the one place that does.
var statusOf = map[string]int{
	catalog.EMALFORMED:       http.StatusBadRequest,
	catalog.EUNAUTHENTICATED: http.StatusUnauthorized,
	catalog.EFORBIDDEN:       http.StatusForbidden,
	catalog.ELIMIT:           http.StatusForbidden,
	catalog.ENOTFOUND:        http.StatusNotFound,
	"method_not_allowed":     http.StatusMethodNotAllowed,
	catalog.ECONFLICT:        http.StatusConflict,
	catalog.ETOOLARGE:        http.StatusRequestEntityTooLarge,
	catalog.EINVALID:         http.StatusUnprocessableEntity,
	catalog.ERATELIMIT:       http.StatusTooManyRequests,
	catalog.EUNAVAILABLE:     http.StatusServiceUnavailable,
	"billing_not_configured": http.StatusServiceUnavailable,
	catalog.EINTERNAL:        http.StatusInternalServerError,
}

// problem is an RFC 9457 body with our stable code.
type problem struct {
	Type                   string               `json:"type"`
	Title                  string               `json:"title"`
	Status                 int                  `json:"status"`
	Code                   string               `json:"code"`
	Detail                 string               `json:"detail"`
	RequestID              string               `json:"request_id"`
	Errors                 []catalog.FieldError `json:"errors,omitempty"`
	Warnings               []catalog.FieldError `json:"warnings,omitempty"`
	*catalog.LimitExceeded                      // plan, resource, limit, usage
	UpgradeURL             string               `json:"upgrade_url,omitempty"`
}

// retryAfterUnavailable is the Retry-After of a 503 unavailable: long
// enough for a database restart or failover to finish, short enough that
// clients come back soon after.
const retryAfterUnavailable = "5"

// writeError answers with err as problem+json. Storage errors go through
// the store's classification first (a value it cannot store is 422, an
// unreachable database 503 with Retry-After); errors that are still not
// *catalog.Error are logged with the request id and shown as a bare 500.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	err = s.classify(err)
	if r.Context().Err() != nil && !errors.As(err, new(*catalog.Error)) {
		return // the client went away; nobody reads this answer
	}
	code := catalog.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	switch code {
	case catalog.EINTERNAL:
		s.logger.ErrorContext(r.Context(), "internal error", "request_id", requestIDFrom(r.Context()),
			"method", r.Method, "path", r.URL.Path, "err", err)
	case catalog.EUNAVAILABLE:
		if w.Header().Get("Retry-After") == "" {
			w.Header().Set("Retry-After", retryAfterUnavailable)
		}
		if _, plain := err.(*catalog.Error); !plain { // a driver error behind it: worth a log line
			s.logger.WarnContext(r.Context(), "dependency unavailable", "request_id", requestIDFrom(r.Context()),
				"method", r.Method, "path", r.URL.Path, "err", err)
		}
	}
	p := problem{Type: "https://docs.dataxpipe.com/errors/" + code, Title: title(code), Status: status, Code: code,
		Detail: catalog.ErrorMessage(err), RequestID: requestIDFrom(r.Context())}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", challenge) // guard.go
	}
	var e *catalog.Error
	if errors.As(err, &e) {
		p.Errors = e.Fields
		if e.Limit != nil {
			p.LimitExceeded, p.UpgradeURL = e.Limit, "/api/v1/billing/checkout"
		}
	}
	writeJSON(w, status, "application/problem+json", p)
}

// classify is the store's classification of err (nil stays nil).
func (s *Server) classify(err error) error {
	if err == nil || s.store == nil {
		return err
	}
	return s.store.ClassifyError(err)
}

// title is the code as a short phrase: "plan_limit_exceeded" → "Plan limit exceeded".
func title(code string) string {
	t := strings.ReplaceAll(code, "_", " ")
	if t == "" {
		return ""
	}
	return strings.ToUpper(t[:1]) + t[1:]
}
