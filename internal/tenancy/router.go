package tenancy

import (
	"net"
	"net/http"
	"strings"
)

// Router sends each request to the handler of its Host's store. Only the
// Host the client connected with counts, compared exactly with the file:
// X-Forwarded-Host and similar headers are ignored, so no header can reach a
// store the file does not map to that host.
type Router struct {
	Shared http.Handler
	ByHost map[string]http.Handler
	// Ready checks every store; /readyz answers 200 only when all pass.
	Ready func(r *http.Request) error
}

// ServeHTTP dispatches by host.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/readyz" && rt.Ready != nil {
		if err := rt.Ready(r); err != nil {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"type":"https://docs.dataxpipe.com/errors/unavailable","title":"Unavailable","status":503,"code":"unavailable","detail":"A tenant store is not ready; the server log names it."}` + "\n"))
			return
		}
	}
	rt.handlerFor(r.Host).ServeHTTP(w, r)
}

func (rt *Router) handlerFor(hostport string) http.Handler {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if h, ok := rt.ByHost[strings.ToLower(strings.TrimSuffix(host, "."))]; ok {
		return h
	}
	return rt.Shared
}
