package api

import (
	"net/http"
	"path"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// need is who may call a route: anyone (public), a platform admin, or a
// principal of the organization with at least role. Public routes spend the
// caller's per-IP budget unless unmetered (health and metrics probes).
type need struct {
	public    bool
	unmetered bool
	platform  bool
	person    bool // any person signed in with OIDC, with or without an organization
	role      catalog.Role
}

type handlerFunc func(w http.ResponseWriter, r *http.Request) error

type route struct {
	method, path string
	need         need
	h            handlerFunc
}

// mount registers every route of routeTable, a 405 for known paths with
// other methods and, for any other path, the UI (Options.UI) or else a
// problem+json 404. Paths under apiSpaces never reach the UI. It returns mux
// behind cleanPaths, so that no API answer is the mux's HTML redirect.
func (s *Server) mount(mux *http.ServeMux) http.Handler {
	paths := http.NewServeMux() // path-only patterns, to tell 405 from 404
	allowed := map[string][]string{}
	for _, rt := range s.routes {
		if !rt.need.public && !rt.need.platform && !rt.need.person && !rt.need.role.Valid() {
			panic("route " + rt.method + " " + rt.path + " declares no access rule")
		}
		documented(rt) // openapi.go: every route has its entry in the OpenAPI document
		h := s.guard(rt)
		for _, p := range variants(rt.path) {
			mux.Handle(rt.method+" "+p, h)
			if allowed[p] == nil {
				paths.Handle(p, http.NotFoundHandler())
			}
			allowed[p] = append(allowed[p], rt.method)
		}
	}
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := paths.Handler(r); pattern != "" {
			w.Header().Set("Allow", strings.Join(allowed[pattern], ", "))
			s.writeError(w, r, catalog.Errorf("method_not_allowed", "%s is not allowed on %s; use %s.", r.Method, r.URL.Path, strings.Join(allowed[pattern], " or ")))
			return
		}
		if item := itemPath(paths, r); item != "" {
			s.writeError(w, r, catalog.Errorf(catalog.ENOTFOUND, "No route %s %s: item paths have no trailing slash; drop it and use %s.", r.Method, r.URL.Path, item))
			return
		}
		if s.ui != nil && !inAPISpace(r.URL.Path) {
			s.ui.ServeHTTP(w, r)
			return
		}
		s.writeError(w, r, catalog.Errorf(catalog.ENOTFOUND, "No route %s %s.", r.Method, r.URL.Path))
	}))
	return s.cleanPaths(mux)
}

// itemPath is the path of r without its trailing slash when that names a
// route (an item path such as /api/v1/pipelines/orders/), else "". API.md
// gives item paths no slash; the 404 says so instead of leaving the caller
// to guess.
func itemPath(paths *http.ServeMux, r *http.Request) string {
	trimmed := strings.TrimRight(r.URL.Path, "/")
	if trimmed == r.URL.Path || trimmed == "" || !inAPISpace(r.URL.Path) {
		return ""
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath = trimmed, ""
	if _, pattern := paths.Handler(r2); pattern == "" {
		return ""
	}
	return trimmed
}

// cleanPaths answers a path with an empty segment, "." or ".." (//pipelines,
// /api/v1//runs) with a problem+json 404 naming the clean path. The mux would
// redirect it with an HTML body, which an API client neither expects nor, for
// a POST, should follow. UI paths keep the mux's redirect: a browser follows it.
func (s *Server) cleanPaths(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			escaped := r.URL.EscapedPath()
			if clean := cleanPath(escaped); clean != escaped && (s.ui == nil || inAPISpace(clean)) {
				s.writeError(w, r, catalog.Errorf(catalog.ENOTFOUND, "No route %s %s: the path has an empty segment, '.' or '..'; use %s.", r.Method, escaped, clean))
				return
			}
		}
		mux.ServeHTTP(w, r)
	})
}

// cleanPath is the path the mux would redirect p to: path.Clean that keeps
// a trailing slash.
func cleanPath(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return clean
}

// inAPISpace reports whether path belongs to the API (see apiSpaces).
func inAPISpace(path string) bool {
	for _, prefix := range apiSpaces {
		if strings.HasPrefix(path, prefix) || path+"/" == prefix {
			return true
		}
	}
	return false
}

// variants returns the mux patterns for a path: a collection "/x/" answers
// exactly at "/x/" ({$}) and at "/x".
func variants(path string) []string {
	if strings.HasSuffix(path, "/") {
		return []string{path + "{$}", strings.TrimSuffix(path, "/")}
	}
	return []string{path}
}
