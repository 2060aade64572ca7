package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// need is who may open a page (see routes.go).
type need struct {
	public   bool
	person   bool
	platform bool
	role     catalog.Role
}

// handler serves one page; an error it returns becomes an error page.
type handler func(w http.ResponseWriter, r *http.Request, s *signedIn) error

type page struct {
	method, path string
	need         need
	h            handler
}

// mount registers every page behind its rule.
func (u *UI) mount(mux *http.ServeMux) {
	for _, p := range u.pages {
		if !p.need.public && !p.need.person && !p.need.platform && !p.need.role.Valid() {
			panic("page " + p.method + " " + p.path + " declares no access rule")
		}
		mux.Handle(p.method+" "+p.path, u.guard(p))
	}
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := u.session(r)
		u.renderError(w, r, s, http.StatusNotFound, "Page not found", "There is no page at this address.")
	}))
}

// guard resolves the session, applies the page's rule and runs the page
// with the principal in the request context, as the API's guard does.
func (u *UI) guard(p page) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.path == "/static/" { // assets need no session: no database read per file
			_ = p.h(w, r, nil)
			return
		}
		s, err := u.session(r)
		if err != nil {
			u.fail(w, r, nil, err)
			return
		}
		if !p.need.public {
			if s == nil {
				if r.Method == http.MethodGet {
					http.Redirect(w, r, "/auth/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
					return
				}
				u.renderError(w, r, nil, http.StatusUnauthorized, "Signed out", "Your session has ended. Sign in again and repeat what you were doing.")
				return
			}
			if p.need.role != "" && s.p.OrgID == "" {
				http.Redirect(w, r, "/orgs", http.StatusSeeOther)
				return
			}
			if err := allow(p.need, s.p); err != nil {
				u.fail(w, r, s, err)
				return
			}
		}
		if s != nil {
			// The id the API's middleware gave this request (on the response,
			// never the client's header), so audit events match the log.
			if s.p.RequestID = w.Header().Get("X-Request-ID"); s.p.RequestID == "" {
				s.p.RequestID = "req_" + catalog.RandomBase62(16)
			}
			r = r.WithContext(catalog.NewContextWithPrincipal(r.Context(), s.p))
			if !u.limitPage(w, r, s) {
				return
			}
		}
		if err := p.h(w, r, s); err != nil {
			u.fail(w, r, s, err)
		}
	})
}

// allow applies a page's rule to a signed-in principal, with the API's
// role order (catalog.Role.Allows).
func allow(n need, p *catalog.Principal) error {
	switch {
	case n.platform && !p.PlatformAdmin:
		return catalog.Errorf(catalog.EFORBIDDEN, "Only platform admins may open this page.")
	case n.role != "" && !p.Role.Allows(n.role):
		return catalog.Errorf(catalog.EFORBIDDEN, "This needs the %s role; you are %s in %s.", n.role, p.Role, p.OrgSlug)
	}
	return nil
}

// fail renders the error page for err. Messages of catalog errors are
// written for people; anything else is logged and shown as a plain 500.
func (u *UI) fail(w http.ResponseWriter, r *http.Request, s *signedIn, err error) {
	var ce *catalog.Error
	if !errors.As(err, &ce) {
		u.logger.ErrorContext(r.Context(), "page failed", "method", r.Method, "path", r.URL.Path, "err", err)
		u.renderError(w, r, s, http.StatusInternalServerError, "Something went wrong", "The page could not be shown. Try again in a moment.")
		return
	}
	switch ce.Code {
	case catalog.ENOTFOUND:
		u.renderError(w, r, s, http.StatusNotFound, "Not found", ce.Message)
	case catalog.EFORBIDDEN:
		u.renderError(w, r, s, http.StatusForbidden, "Not allowed", ce.Message)
	case catalog.ELIMIT:
		u.renderError(w, r, s, http.StatusForbidden, "Plan limit reached", ce.Message+" See Billing to upgrade.")
	case catalog.ECONFLICT:
		u.renderError(w, r, s, http.StatusConflict, "Conflict", ce.Message)
	case catalog.EMALFORMED:
		u.renderError(w, r, s, http.StatusBadRequest, "Request refused", ce.Message)
	case catalog.EINVALID:
		msg := ce.Message
		for _, f := range ce.Fields {
			msg += " " + f.Message
		}
		u.renderError(w, r, s, http.StatusUnprocessableEntity, "Please fix the form", msg)
	case catalog.EUNAVAILABLE:
		u.renderError(w, r, s, http.StatusServiceUnavailable, "Unavailable", ce.Message)
	default:
		u.renderError(w, r, s, http.StatusBadRequest, "Request refused", ce.Message)
	}
}
