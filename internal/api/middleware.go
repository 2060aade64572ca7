package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dataxpipe/catalog/internal/catalog"
)

type requestIDKey struct{}

// requestIDFrom returns the request id set by withRequestID.
func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// withRequestID gives every request an id, echoed in X-Request-ID and in
// every error body and log line.
func (s *Server) withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := "req_" + catalog.RandomBase62(16)
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// withRecover turns a panic into a logged 500 without a stack in the body.
func (s *Server) withRecover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.writeError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }

// withAccessLog logs one line per request. Headers are not logged: they
// carry keys and tokens.
func (s *Server) withAccessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		s.httpMetrics.observe(r, rec.status, time.Since(start))
		s.logger.InfoContext(r.Context(), "request", "request_id", requestIDFrom(r.Context()), "method", r.Method,
			"path", r.URL.Path, "status", rec.status, "duration_ms", time.Since(start).Milliseconds())
	})
}

// withStorablePath answers 404 for a path that is not valid UTF-8 or holds a
// NUL (%FF, %00): such a path names nothing that can be stored, so no
// object has it; and 422 for such an X-DXP-Organization header. Answering here keeps the bytes from reaching a query,
// where Postgres would refuse them and SQLite would not, so both engines
// give the same answer.
func (s *Server) withStorablePath(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !utf8.ValidString(r.URL.Path) || strings.IndexByte(r.URL.Path, 0) >= 0 {
			s.writeError(w, r, catalog.Errorf(catalog.ENOTFOUND,
				"Nothing is at %s: the path is not valid UTF-8 text (or holds a NUL), so it names no object.", r.URL.EscapedPath()))
			return
		}
		// The one header whose value is looked up in the database.
		if problems := catalog.CheckText(nil, "X-DXP-Organization", r.Header.Get("X-DXP-Organization"), 0); len(problems) > 0 {
			s.writeError(w, r, catalog.Invalid(problems))
			return
		}
		next.ServeHTTP(w, r)
	})
}
