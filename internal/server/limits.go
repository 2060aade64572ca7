package server

import (
	"net/http"
	"strings"
	"time"
)

// Limits bound what one connection may hold of the server: how long a
// client may take to send a request, to read the answer, and to keep an
// idle keep-alive connection, and how large its headers may be. Without
// them a client that opens connections and trickles bytes (or sends
// nothing after one request) keeps a goroutine and a file descriptor each
// for as long as it likes. A zero field takes its default (DefaultLimits).
type Limits struct {
	// ReadHeader is the time from a connection's (or a keep-alive
	// request's) first byte to the end of the request headers.
	ReadHeader time.Duration
	// Read is the time for a whole request, headers and body. API bodies
	// are at most 1 MiB.
	Read time.Duration
	// Write is the time from the end of the headers to the end of the
	// answer: the handler's work and the client reading the response.
	Write time.Duration
	// LineageRead and LineageWrite replace Read and Write for OpenLineage
	// ingest (POST /api/v1/lineage and /api/v1/lineage/batch), whose
	// bodies may be 5 MiB of gzip from integrations on slow links, counted
	// from the moment the handler starts.
	LineageRead, LineageWrite time.Duration
	// Idle is how long a keep-alive connection may wait for its next
	// request.
	Idle time.Duration
	// MaxHeaderBytes caps the request line and headers; larger ones are
	// answered 431.
	MaxHeaderBytes int
}

// DefaultLimits are the limits of a production server. They are generous
// for a well-behaved client (a 1 MiB body in 30 s is 35 KB/s, 5 MiB of
// lineage in 2 minutes the same) and short enough that slow or silent
// clients cannot pile up connections.
var DefaultLimits = Limits{
	ReadHeader:     10 * time.Second,
	Read:           30 * time.Second,
	Write:          60 * time.Second,
	LineageRead:    2 * time.Minute,
	LineageWrite:   3 * time.Minute,
	Idle:           2 * time.Minute,
	MaxHeaderBytes: 64 << 10, // room for OIDC tokens and cookies, far below net/http's 1 MiB default
}

// withDefaults fills every zero field from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	pick := func(v, def time.Duration) time.Duration {
		if v > 0 {
			return v
		}
		return def
	}
	l.ReadHeader = pick(l.ReadHeader, d.ReadHeader)
	l.Read = pick(l.Read, d.Read)
	l.Write = pick(l.Write, d.Write)
	l.LineageRead = pick(l.LineageRead, d.LineageRead)
	l.LineageWrite = pick(l.LineageWrite, d.LineageWrite)
	l.Idle = pick(l.Idle, d.Idle)
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = d.MaxHeaderBytes
	}
	return l
}

// httpServer is an http.Server with limits l serving h.
func (l Limits) httpServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           l.lineageDeadlines(h),
		ReadHeaderTimeout: l.ReadHeader,
		ReadTimeout:       l.Read,
		WriteTimeout:      l.Write,
		IdleTimeout:       l.Idle,
		MaxHeaderBytes:    l.MaxHeaderBytes,
	}
}

// lineageDeadlines gives OpenLineage ingest its longer deadlines. net/http
// sets the connection's read deadline from ReadTimeout when the request
// starts and its write deadline from WriteTimeout once the headers are
// read; a handler may move both through http.ResponseController, which is
// what this does before the body is read.
func (l Limits) lineageDeadlines(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isLineageIngest(r) {
			rc := http.NewResponseController(w)
			now := time.Now()
			// An error means the writer cannot move deadlines (a test
			// recorder); the server's own deadlines then still apply.
			_ = rc.SetReadDeadline(now.Add(l.LineageRead))
			_ = rc.SetWriteDeadline(now.Add(l.LineageWrite))
		}
		h.ServeHTTP(w, r)
	})
}

// isLineageIngest reports whether r posts OpenLineage events.
func isLineageIngest(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	switch strings.TrimSuffix(r.URL.Path, "/") {
	case "/api/v1/lineage", "/api/v1/lineage/batch":
		return true
	}
	return false
}
