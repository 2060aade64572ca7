package api

import (
	"net/http"
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
// problem+json 404. Paths under apiSpaces never reach the UI.
func (s *Server) mount(mux *http.ServeMux) {
	paths := http.NewServeMux() // path-only patterns, to tell 405 from 404
	allowed := map[string][]string{}
	for _, rt := range s.routes {
		if !rt.need.public && !rt.need.platform && !rt.need.person && !rt.need.role.Valid() {
			panic("route " + rt.method + " " + rt.path + " declares no access rule")
		}
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
		if s.ui != nil && !inAPISpace(r.URL.Path) {
			s.ui.ServeHTTP(w, r)
			return
		}
		s.writeError(w, r, catalog.Errorf(catalog.ENOTFOUND, "No route %s %s.", r.Method, r.URL.Path))
	}))
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
