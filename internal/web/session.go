package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
)

const sessionCookie = "dxp_session"

// signedIn is the person behind a request: their session, user, every
// organization they may switch to, and the principal the store sees.
type signedIn struct {
	hash        string // SHA-256 of the cookie's session id
	user        *catalog.User
	memberships []catalog.Membership
	org         *catalog.Org // the organization acted in, nil when none
	p           *catalog.Principal
}

// can reports whether the person's role in the current organization is at
// least role: templates hide write controls with it, and the routes refuse
// the write anyway.
func (s *signedIn) can(role catalog.Role) bool {
	return s != nil && s.p.OrgID != "" && s.p.Role.Allows(role)
}

func hashSessionID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// newSessionID is 32 random bytes, URL-safe.
func newSessionID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// session resolves the request's session cookie; nil when there is none
// or it has ended. A session whose organization no longer counts the
// person as a member is ended here: member removal signs them out.
func (u *UI) session(r *http.Request) (*signedIn, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	hash := hashSessionID(c.Value)
	sess, user, ms, err := u.store.FindSession(r.Context(), hash, IdleLifetime)
	if catalog.ErrorCode(err) == catalog.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	s := &signedIn{hash: hash, user: user, memberships: ms,
		p: &catalog.Principal{UserID: user.ID, UserEmail: user.Email, PlatformAdmin: u.isPlatformAdmin(user, sess.EmailVerified), IP: clientIP(r)}}
	if sess.OrgID != "" {
		i := slices.IndexFunc(ms, func(m catalog.Membership) bool { return m.Org.ID == sess.OrgID })
		if i < 0 {
			if err := u.store.DeleteSession(r.Context(), hash); err != nil {
				return nil, err
			}
			return nil, nil
		}
		m := ms[i]
		s.org = m.Org
		s.p.OrgID, s.p.OrgSlug, s.p.Plan, s.p.Role = m.Org.ID, m.Org.Slug, m.Org.Plan, m.Role
	}
	return s, nil
}

// isPlatformAdmin applies DATAXPIPE_PLATFORM_ADMINS as the API does for
// tokens: by subject, or by email when the issuer verified it at sign-in.
// In development the scaffold admin is a platform admin, as platform-key is.
func (u *UI) isPlatformAdmin(user *catalog.User, emailVerified bool) bool {
	if user.Issuer == devIssuer {
		return user.Subject == "admin"
	}
	return slices.Contains(u.cfg.PlatformAdmins, user.Subject) ||
		(emailVerified && user.Email != "" && slices.ContainsFunc(u.cfg.PlatformAdmins, func(s string) bool { return strings.EqualFold(s, user.Email) }))
}

// setSessionCookie hands the browser its session id. Secure whenever the
// UI is served over https (DATAXPIPE_APP_URL), so a proxy that terminates
// TLS still gets Secure cookies.
func (u *UI) setSessionCookie(w http.ResponseWriter, id string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: u.secure()})
}

func (u *UI) secure() bool { return strings.HasPrefix(u.cfg.AppURL, "https://") }

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
