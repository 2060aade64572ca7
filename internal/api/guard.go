package api

import (
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/catalog"
)

// guard authenticates the request, checks the route's access rule and then
// runs the handler, writing any error it returns as problem+json.
func (s *Server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !rt.need.public {
			p, err := s.authenticate(r)
			if err != nil {
				// A failed credential spends the caller's per-IP budget,
				// never an organization's.
				if limited := s.limitAnonymous(w, r); limited != nil {
					err = limited
				}
				s.writeError(w, r, err)
				return
			}
			if err := s.limitOrg(w, r, p); err != nil {
				s.writeError(w, r, err)
				return
			}
			if err := allow(rt.need, p); err != nil {
				s.writeError(w, r, err)
				return
			}
			r = r.WithContext(catalog.NewContextWithPrincipal(r.Context(), p))
		} else if !rt.need.unmetered {
			if err := s.limitAnonymous(w, r); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		if err := rt.h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

var errUnauthenticated = catalog.Errorf(catalog.EUNAUTHENTICATED,
	"Send a valid API key in X-API-KEY (or Authorization: Bearer); this one is missing, unknown, malformed, revoked or expired.")

// authenticate resolves the credential of r (auth.Authenticate). Every
// refusal is the same 401, so a caller learns nothing about why a
// credential was refused.
func (s *Server) authenticate(r *http.Request) (*catalog.Principal, error) {
	p, err := s.auth.Authenticate(r.Context(), auth.Credential{
		APIKey: r.Header.Get("X-API-KEY"), Bearer: bearerToken(r.Header.Get("Authorization")), Org: r.Header.Get("X-DXP-Organization")})
	if errors.Is(err, auth.ErrUnauthenticated) {
		return nil, errUnauthenticated
	} else if err != nil {
		return nil, err
	}
	p.IP, p.RequestID = clientIP(r), requestIDFrom(r.Context())
	return p, nil
}

// bearerToken is the credential of an Authorization header in the Bearer
// scheme, "" for any other. The scheme name is case-insensitive (RFC 9110
// 11.1): "bearer dxp_..." is as good as "Bearer dxp_...".
func bearerToken(header string) string {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// challenge is the WWW-Authenticate of every 401 (RFC 9110 11.6.1): the
// Bearer scheme (an API key or an OIDC token) and the API-key header, which
// has no registered scheme, named as a challenge of its own so a client
// learns both ways in.
const challenge = `Bearer realm="dataxpipe", ApiKey realm="dataxpipe", header="X-API-KEY"`

// allow checks a principal against a route's rule.
func allow(n need, p *catalog.Principal) error {
	switch {
	case n.platform && !p.PlatformAdmin:
		return catalog.Errorf(catalog.EFORBIDDEN, "Only platform admins may use the admin API.")
	case n.platform:
		return nil
	case n.person && p.UserID == "":
		return catalog.Errorf(catalog.EFORBIDDEN, "This needs a person signed in with OIDC; API keys already belong to an organization.")
	case n.person:
		return nil
	case p.OrgID == "" && p.OrgProblem != nil:
		return p.OrgProblem // a person who is not (or not clearly) in an organization
	case !p.Role.Allows(n.role):
		return catalog.Errorf(catalog.EFORBIDDEN, "This needs the %s role; the credential has %s.", n.role, p.Role)
	}
	return nil
}

// clientIP is the peer address. Forwarded headers are not trusted here: a
// proxy deployment should rewrite RemoteAddr.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
