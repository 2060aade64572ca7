package web_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/oidctest"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
	"github.com/dataxpipe/catalog/internal/web"
)

// withIssuer turns OIDC sign-in on against iss (and the dev sign-in off).
func withIssuer(iss *oidctest.Issuer) envOption {
	return func(_ *env, o *web.Options) {
		o.Scaffold = false
		o.Config.Env = "production"
		o.Config.OIDCIssuer, o.Config.OIDCAudience, o.Config.OIDCClientID = iss.URL(), "catalog-web", "catalog-web"
	}
}

// codeFlow signs b in through the issuer and returns the callback's answer.
func (b *browser) codeFlow(next string) *http.Response {
	b.e.t.Helper()
	res := b.get("/auth/login?next=" + url.QueryEscape(next)).res
	if res.StatusCode != http.StatusFound {
		b.e.t.Fatalf("/auth/login = %d", res.StatusCode)
	}
	authz, _ := url.Parse(res.Header.Get("Location"))
	q := authz.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" ||
		q.Get("scope") != "openid email profile" || q.Get("client_id") != "catalog-web" || q.Get("redirect_uri") != b.e.srv.URL+"/auth/callback" {
		b.e.t.Fatalf("authorization request = %v", q)
	}
	res, err := b.c.Get(authz.String()) // the issuer approves at once and redirects back
	if err != nil {
		b.e.t.Fatal(err)
	}
	res.Body.Close()
	back := res.Header.Get("Location")
	if !strings.HasPrefix(back, b.e.srv.URL+"/auth/callback?") {
		b.e.t.Fatalf("issuer sent the browser to %q", back)
	}
	return b.get(strings.TrimPrefix(back, b.e.srv.URL)).res
}

func sessionHashes(t *testing.T, db *sqlstore.DB) []string {
	t.Helper()
	var out []string
	err := db.WithOrgTx(context.Background(), "", func(tx *sql.Tx) error {
		rows, err := tx.Query(`SELECT id_hash FROM sessions ORDER BY id_hash`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h string
			if err := rows.Scan(&h); err != nil {
				return err
			}
			out = append(out, h)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSignIn_CodeFlowStartsAHashedSession(t *testing.T) {
	iss := oidctest.NewIssuer(t)
	e := newEnv(t, withIssuer(iss))
	iss.SignInAs(oidctest.Login{Subject: "ana", Email: "ana@acme.com", Name: "Ana", EmailVerified: true})
	b := e.browser()
	res := b.codeFlow("/settings/billing")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/signup" {
		t.Fatalf("callback = %d to %q; a person in no organization signs up", res.StatusCode, res.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "dxp_session" && c.Value != "" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure {
		t.Fatalf("session cookie = %+v; want HttpOnly, SameSite=Lax, not Secure on http", cookie)
	}
	sum := sha256.Sum256([]byte(cookie.Value))
	if got := sessionHashes(t, e.db); len(got) != 1 || got[0] != hex.EncodeToString(sum[:]) {
		t.Fatalf("stored sessions = %v; want only the SHA-256 of the cookie", got)
	}
	// Signup: Free plan, owner, then the pipelines page.
	if p := b.postPage("/signup", url.Values{"slug": {"Bad Slug"}, "name": {""}}); p.status != http.StatusUnprocessableEntity || p.Find(".alert-error li").Length() != 2 {
		t.Fatalf("bad signup = %d, %d problems", p.status, p.Find(".alert-error li").Length())
	}
	if res := b.post("/signup", url.Values{"slug": {"acme"}, "name": {"Acme"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/pipelines" {
		t.Fatalf("signup = %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	p := b.get("/pipelines")
	if p.text(".badge.plan") != "Free plan" || p.text(".badge.role") != "owner" {
		t.Fatalf("after signup: plan %q, role %q", p.text(".badge.plan"), p.text(".badge.role"))
	}
	// Signing in again replaces this browser's session with a new id.
	b.codeFlow("")
	if got := sessionHashes(t, e.db); len(got) != 1 || got[0] == hex.EncodeToString(sum[:]) {
		t.Fatalf("after signing in again: %d sessions, same id %v", len(got), len(got) == 1 && got[0] == hex.EncodeToString(sum[:]))
	}
	// The next sign-in goes where it was asked to.
	b2 := e.browser()
	if res := b2.codeFlow("/settings/billing"); res.Header.Get("Location") != "/settings/billing" {
		t.Fatalf("second sign-in goes to %q", res.Header.Get("Location"))
	}
}

func TestSignIn_RefusesAForeignStateAndNonce(t *testing.T) {
	iss := oidctest.NewIssuer(t)
	e := newEnv(t, withIssuer(iss))
	iss.SignInAs(oidctest.Login{Subject: "eve", Email: "eve@acme.com", EmailVerified: true})
	// A callback this browser did not start (an attacker's code and state).
	attacker := e.browser()
	res := attacker.get("/auth/login").res
	authz := res.Header.Get("Location")
	res, _ = attacker.c.Get(authz)
	back := strings.TrimPrefix(res.Header.Get("Location"), e.srv.URL)
	victim := e.browser()
	if p := victim.get(back); p.status != http.StatusBadRequest || len(sessionHashes(t, e.db)) != 0 {
		t.Fatalf("foreign callback = %d with %d sessions", p.status, len(sessionHashes(t, e.db)))
	}
	// The right state but an ID token with another nonce.
	iss.SignInAs(oidctest.Login{Subject: "eve", Email: "eve@acme.com", EmailVerified: true, Nonce: "replayed"})
	b := e.browser()
	if res := b.codeFlow(""); res.StatusCode != http.StatusForbidden || len(sessionHashes(t, e.db)) != 0 {
		t.Fatalf("wrong nonce = %d with %d sessions", res.StatusCode, len(sessionHashes(t, e.db)))
	}
	// The issuer's own refusal is shown, not a session.
	e2 := newEnv(t, withIssuer(oidctest.NewIssuer(t)))
	if res := e2.browser().codeFlowRefused(); res != http.StatusForbidden {
		t.Fatalf("issuer error = %d", res)
	}
}

// codeFlowRefused runs the flow against an issuer with no login.
func (b *browser) codeFlowRefused() int {
	res := b.get("/auth/login").res
	res, _ = b.c.Get(res.Header.Get("Location"))
	return b.get(strings.TrimPrefix(res.Header.Get("Location"), b.e.srv.URL)).status
}

func TestSignIn_InvitedPeopleLandInTheInvitingOrganization(t *testing.T) {
	iss := oidctest.NewIssuer(t)
	e := newEnv(t, withIssuer(iss))
	iss.SignInAs(oidctest.Login{Subject: "ana", Email: "ana@acme.com", EmailVerified: true})
	b := e.browser()
	b.codeFlow("")
	b.post("/signup", url.Values{"slug": {"acme"}, "name": {"Acme"}})
	other := &catalog.Org{Slug: "globex", Name: "Globex", Plan: catalog.PlanTeam}
	if err := e.db.CreateOrg(context.Background(), other, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.AddMember(sqlstoretest.AsOrg(other, catalog.RoleAdmin), "ana@acme.com", catalog.RoleMember); err != nil {
		t.Fatal(err)
	}
	b.post("/auth/logout", nil)
	b.codeFlow("")
	p := b.get("/pipelines")
	if p.text(".badge.plan") != "Team plan" || p.text(".badge.role") != "member" {
		t.Fatalf("after the invitation ana is in %q as %q", p.text(".badge.plan"), p.text(".badge.role"))
	}
	// She switches between her two organizations.
	if n := p.Find("#org-select option").Length(); n != 2 {
		t.Fatalf("switcher offers %d organizations", n)
	}
	if res := b.post("/orgs/switch", url.Values{"org": {"acme"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch = %d", res.StatusCode)
	}
	if p := b.get("/pipelines"); p.text(".badge.role") != "owner" {
		t.Fatalf("after switching: role %q", p.text(".badge.role"))
	}
	if res := b.post("/orgs/switch", url.Values{"org": {"dev"}}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("switching to an organization she is not in = %d", res.StatusCode)
	}
}

func TestSessions_EndAtLogoutAndMemberRemoval(t *testing.T) {
	e := newEnv(t)
	viewer := e.signIn("viewer")
	admin := e.signIn("admin")
	if p := viewer.get("/pipelines"); p.status != 200 {
		t.Fatalf("viewer = %d", p.status)
	}
	// The admin removes the viewer: the viewer's session ends.
	list, _, err := e.db.ListMembers(sqlstoretest.AsOrg(e.dev, catalog.RoleAdmin), catalog.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for _, m := range list {
		if m.Email == "viewer@dev.localhost" {
			id = m.ID
		}
	}
	if res := admin.post("/settings/members/"+id+"/remove", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove = %d", res.StatusCode)
	}
	before := len(sessionHashes(t, e.db))
	if p := viewer.get("/pipelines"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.res.Header.Get("Location"), "/auth/login") {
		t.Fatalf("removed viewer = %d to %q", p.status, p.res.Header.Get("Location"))
	}
	if after := len(sessionHashes(t, e.db)); after != before-1 {
		t.Fatalf("sessions %d → %d; the removed member's should be gone", before, after)
	}
	// Logout ends the admin's session on the server, not only the cookie.
	cookies := admin.c.Jar.Cookies(mustURL(e.srv.URL))
	if p := admin.postPage("/auth/logout", nil); p.status != 200 || !strings.Contains(p.text("h1"), "signed out") {
		t.Fatalf("logout = %d %q", p.status, p.text("h1"))
	}
	replay := e.browser()
	replay.c.Jar.SetCookies(mustURL(e.srv.URL), cookies)
	if p := replay.get("/pipelines"); p.status != http.StatusSeeOther {
		t.Fatalf("a signed-out session cookie still works: %d", p.status)
	}
}

func TestDevSignIn_OnlyInDevelopment(t *testing.T) {
	e := newEnv(t, func(_ *env, o *web.Options) { o.Config.Env = "production" })
	b := e.browser()
	if res := b.post("/auth/dev", url.Values{"identity": {"admin"}}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("dev sign-in in production = %d", res.StatusCode)
	}
	if p := b.get("/auth/login"); p.Find(`form[action="/auth/dev"]`).Length() != 0 || !strings.Contains(p.Text(), "not configured") {
		t.Fatal("the production sign-in page offers scaffold identities")
	}
	dev := newEnv(t)
	p := dev.browser().get("/auth/login")
	if n := p.Find(`form[action="/auth/dev"]`).Length(); n != 3 {
		t.Fatalf("development sign-in offers %d identities, want admin, member and viewer", n)
	}
}

func TestPages_SecurityHeaders(t *testing.T) {
	e := newEnv(t)
	p := e.browser().get("/auth/login")
	csp := p.res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || p.res.Header.Get("Referrer-Policy") == "" {
		t.Errorf("CSP %q / Referrer-Policy %q", csp, p.res.Header.Get("Referrer-Policy"))
	}
	if p.Find("script:not([src])").Length() != 0 || p.Find("[style]").Length() != 0 || p.Find("html[lang=en]").Length() != 1 {
		t.Error("the page has inline script or style, or no lang")
	}
	// Assets: content-hashed names, cached for a year.
	src, _ := p.Find("script[src]").Attr("src")
	res, err := http.Get(e.srv.URL + src)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") || !strings.Contains(src, "app.") || len(src) < len("/static/app.js")+5 {
		t.Fatalf("asset %s = %d, cache %q", src, res.StatusCode, res.Header.Get("Cache-Control"))
	}
	// API paths keep the API's answers.
	res, _ = http.Get(e.srv.URL + "/api/v1/nope")
	res.Body.Close()
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("unknown API path answers %q", res.Header.Get("Content-Type"))
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestSessionCookie_SecureBehindHTTPS(t *testing.T) {
	e := newEnv(t, func(_ *env, o *web.Options) { o.Config.AppURL = "https://catalog.example" })
	res := e.browser().post("/auth/dev", url.Values{"identity": {"viewer"}})
	var c *http.Cookie
	for _, k := range res.Cookies() {
		if k.Name == "dxp_session" {
			c = k
		}
	}
	if c == nil || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
		t.Fatalf("session cookie behind https = %+v", c)
	}
}
