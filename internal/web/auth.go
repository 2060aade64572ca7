package web

import (
	"context"
	"net/http"
	"slices"

	"github.com/dataxpipe/catalog/internal/catalog"
	"golang.org/x/oauth2"
)

// devIssuer is the issuer of the development identities: no real issuer
// can have it, so they never collide with people who sign in with OIDC.
const devIssuer = "urn:dataxpipe:development"

// home sends each visitor where they can start.
func (u *UI) home(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	switch {
	case s == nil:
		return redirect(w, r, "/auth/login")
	case s.org != nil:
		return redirect(w, r, "/pipelines")
	case len(s.memberships) == 0 && s.p.PlatformAdmin:
		return redirect(w, r, "/admin/organizations")
	default:
		return redirect(w, r, "/orgs")
	}
}

type loginPage struct {
	Next       string
	Configured bool
	Identities []string
	SignedOut  bool
}

// login starts the authorization-code flow with PKCE, or in development
// without an issuer offers the scaffold identities.
func (u *UI) login(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	next := safeNext(r.URL.Query().Get("next"))
	if u.cfg.OIDCIssuer == "" {
		data := loginPage{Next: next}
		if u.scaffold {
			data.Identities = []string{"admin", "member", "viewer"}
		}
		u.render(w, r, s, http.StatusOK, "login", "Sign in", "", data)
		return nil
	}
	c, err := u.provider(r.Context())
	if err != nil {
		return catalog.Errorf(catalog.EUNAVAILABLE, "The sign-in provider cannot be reached right now; try again in a minute.")
	}
	st := loginState{State: newSessionID(), Nonce: newSessionID(), Verifier: oauth2.GenerateVerifier(), Next: next}
	u.setLoginState(w, st)
	http.Redirect(w, r, c.oauth.AuthCodeURL(st.State, oauth2.S256ChallengeOption(st.Verifier), oauth2.SetAuthURLParam("nonce", st.Nonce)), http.StatusFound)
	return nil
}

// callback finishes the flow: the state must match the browser's, the ID
// token's nonce ours; then the person is signed in.
func (u *UI) callback(w http.ResponseWriter, r *http.Request, _ *signedIn) error {
	if u.cfg.OIDCIssuer == "" {
		return catalog.Errorf(catalog.ENOTFOUND, "OIDC sign-in is not configured on this server.")
	}
	q := r.URL.Query()
	st, ok := readLoginState(r)
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Path: "/auth/", MaxAge: -1, HttpOnly: true, Secure: u.secure()})
	if e := q.Get("error"); e != "" {
		return catalog.Errorf(catalog.EFORBIDDEN, "The sign-in provider refused the sign-in (%s). Try again or ask your administrator.", e)
	}
	if !ok || q.Get("state") == "" || q.Get("state") != st.State {
		return catalog.Errorf(catalog.EMALFORMED, "This sign-in link is stale or was not started in this browser. Start again from the sign-in page.")
	}
	c, err := u.provider(r.Context())
	if err != nil {
		return catalog.Errorf(catalog.EUNAVAILABLE, "The sign-in provider cannot be reached right now; try again in a minute.")
	}
	ctx := context.WithValue(r.Context(), oauth2.HTTPClient, u.client)
	id, err := c.exchange(ctx, q.Get("code"), st)
	if err != nil {
		u.logger.WarnContext(r.Context(), "sign-in refused", "err", err)
		return catalog.Errorf(catalog.EFORBIDDEN, "The sign-in could not be verified. Start again from the sign-in page.")
	}
	return u.startSession(w, r, &catalog.User{Issuer: id.Issuer, Subject: id.Subject, Email: id.Email, Name: id.Name,
		EmailVerified: id.EmailVerified}, "", st.Next)
}

// startSession signs the person in: it binds their invitations, opens a
// session in the organization that just invited them (or their only one)
// and sends them on.
func (u *UI) startSession(w http.ResponseWriter, r *http.Request, user *catalog.User, orgID, next string) error {
	verified := user.EmailVerified
	user.EmailVerified = false // first the memberships they had, binding nothing
	before, err := u.store.SignIn(r.Context(), user)
	if err != nil {
		return err
	}
	user.EmailVerified = verified
	ms, err := u.store.SignIn(r.Context(), user)
	if err != nil {
		return err
	}
	if orgID == "" {
		for _, m := range ms {
			if !slices.ContainsFunc(before, func(b catalog.Membership) bool { return b.Org.ID == m.Org.ID }) {
				orgID = m.Org.ID // invited people land in the organization that invited them
				break
			}
		}
	}
	if orgID == "" && len(ms) == 1 {
		orgID = ms[0].Org.ID
	}
	// A new id at every sign-in (no fixation), and the session this
	// browser held before ends.
	if old, err := r.Cookie(sessionCookie); err == nil && old.Value != "" {
		if err := u.store.DeleteSession(r.Context(), hashSessionID(old.Value)); err != nil {
			return err
		}
	}
	id := newSessionID()
	sess := &catalog.Session{UserID: user.ID, OrgID: orgID, EmailVerified: verified, ExpiresAt: u.now().Add(AbsoluteLifetime)}
	if err := u.store.CreateSession(r.Context(), hashSessionID(id), sess); err != nil {
		return err
	}
	u.setSessionCookie(w, id, int(AbsoluteLifetime.Seconds()))
	switch {
	case len(ms) == 0:
		return redirect(w, r, "/signup")
	case orgID == "":
		return redirect(w, r, "/orgs")
	case next != "":
		return redirect(w, r, next)
	}
	return redirect(w, r, "/pipelines")
}

// devSignIn signs in as a scaffold identity of the dev organization
// (development only): a person admin@, member@ or viewer@dev.localhost,
// invited to dev with that role on first use.
func (u *UI) devSignIn(w http.ResponseWriter, r *http.Request, _ *signedIn) error {
	if !u.scaffold || u.cfg.OIDCIssuer != "" {
		return catalog.Errorf(catalog.ENOTFOUND, "Development sign-in is off on this server.")
	}
	role := catalog.Role(r.PostFormValue("identity"))
	if role != catalog.RoleAdmin && role != catalog.RoleMember && role != catalog.RoleViewer {
		return catalog.Invalid([]catalog.FieldError{{Field: "identity", Message: "Pick admin, member or viewer."}})
	}
	dev, err := u.store.FindOrgBySlug(r.Context(), "dev")
	if err != nil {
		return err
	}
	user := &catalog.User{Issuer: devIssuer, Subject: string(role), Email: string(role) + "@dev.localhost",
		Name: "Dev " + string(role), EmailVerified: true}
	ms, err := u.store.SignIn(r.Context(), user)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(ms, func(m catalog.Membership) bool { return m.Org.ID == dev.ID }) {
		asOwner := catalog.NewContextWithPrincipal(r.Context(), &catalog.Principal{OrgID: dev.ID, OrgSlug: dev.Slug,
			Plan: dev.Plan, Role: catalog.RoleOwner, KeyID: "scaffold:web", IP: clientIP(r)})
		if _, err := u.writes.AddMember(asOwner, user.Email, role); err != nil && catalog.ErrorCode(err) != catalog.ECONFLICT {
			return err
		}
	}
	return u.startSession(w, r, user, dev.ID, safeNext(r.PostFormValue("next")))
}

// logout ends the session on the server and in the browser.
func (u *UI) logout(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	if s != nil {
		if err := u.store.DeleteSession(r.Context(), s.hash); err != nil {
			return err
		}
	}
	u.setSessionCookie(w, "", -1)
	u.render(w, r, nil, http.StatusOK, "login", "Signed out", "", loginPage{SignedOut: true, Configured: u.cfg.OIDCIssuer != ""})
	return nil
}

type signupPage struct {
	Slug, Name string
	Problems   []catalog.FieldError
}

func (u *UI) signupForm(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	u.render(w, r, s, http.StatusOK, "signup", "Create your organization", "", signupPage{})
	return nil
}

// signup creates an organization on the Free plan owned by the person.
func (u *UI) signup(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	form := signupPage{Slug: r.PostFormValue("slug"), Name: r.PostFormValue("name")}
	org := &catalog.Org{Slug: form.Slug, Name: form.Name}
	err := u.writes.Signup(r.Context(), s.user, org)
	if ce := asCatalogError(err); ce != nil && (ce.Code == catalog.EINVALID || ce.Code == catalog.ECONFLICT) {
		form.Problems = ce.Fields
		if ce.Code == catalog.ECONFLICT {
			form.Problems = []catalog.FieldError{{Field: "slug", Message: "This slug is taken; pick another."}}
		}
		u.render(w, r, s, http.StatusUnprocessableEntity, "signup", "Create your organization", "", form)
		return nil
	} else if err != nil {
		return err
	}
	if err := u.store.SetSessionOrg(r.Context(), s.hash, org.ID); err != nil {
		return err
	}
	return redirect(w, r, "/pipelines")
}

func (u *UI) chooseOrg(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	if len(s.memberships) == 0 && !s.p.PlatformAdmin {
		return redirect(w, r, "/signup")
	}
	u.render(w, r, s, http.StatusOK, "orgs", "Choose an organization", "", s.memberships)
	return nil
}

// switchOrg moves the session to another of the person's organizations.
func (u *UI) switchOrg(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	slug := r.PostFormValue("org")
	i := slices.IndexFunc(s.memberships, func(m catalog.Membership) bool { return m.Org.Slug == slug })
	if i < 0 {
		return catalog.Errorf(catalog.ENOTFOUND, "You are not a member of an organization %q.", slug)
	}
	if err := u.store.SetSessionOrg(r.Context(), s.hash, s.memberships[i].Org.ID); err != nil {
		return err
	}
	return redirect(w, r, "/pipelines")
}
