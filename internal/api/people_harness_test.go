package api_test

import (
	"context"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/oidc"
	"github.com/dataxpipe/catalog/internal/oidctest"
)

const testAudience = "dataxpipe-ui"

// enablePeople starts an in-process OIDC issuer and lets its tokens sign
// people in; admins lists platform admins by sub or email.
func (e *env) enablePeople(admins ...string) *oidctest.Issuer {
	e.t.Helper()
	iss := oidctest.NewIssuer(e.t)
	v, err := oidc.New(context.Background(), oidc.Config{Issuer: iss.URL(), Audience: testAudience, Now: e.clock.Now})
	if err != nil {
		e.t.Fatal(err)
	}
	e.auth.EnablePeople(v, e.db, admins)
	e.iss = iss
	return iss
}

// token signs a token for sub with a verified email.
func (e *env) token(sub, email string) string {
	return e.tokenWith(map[string]any{"sub": sub, "email": email, "email_verified": true})
}

// tokenWith signs claims for our audience, issued now by the env's clock.
func (e *env) tokenWith(claims map[string]any) string {
	e.t.Helper()
	claims["aud"], claims["iat"], claims["exp"] = testAudience, e.clock.Now().Unix(), e.clock.Now().Add(55*60e9).Unix()
	return e.iss.Token(e.t, claims)
}

// asPerson sends a request with a person's token and optional organization.
func (e *env) asPerson(method, path, token, org, body string) response {
	e.t.Helper()
	h := []string{"Authorization", "Bearer " + token}
	if org != "" {
		h = append(h, "X-DXP-Organization", org)
	}
	return e.do(method, path, "", body, h...)
}

// person invites email into the organization of admin (an API key) with
// role, signs the person in once so the invitation binds, and returns a
// token. An owner is stored directly: only an owner may grant ownership.
func (e *env) person(t *testing.T, admin, sub, email string, role catalog.Role) string {
	t.Helper()
	if role == catalog.RoleOwner {
		me := e.do("GET", "/api/v1/organizations/me", admin, "").expect(200).json()
		ctx := catalog.NewContextWithPrincipal(context.Background(), &catalog.Principal{OrgID: me["id"].(string), Role: catalog.RoleOwner, KeyID: "test"})
		if _, err := e.db.AddMember(ctx, email, role); err != nil {
			t.Fatal(err)
		}
	} else {
		e.do("POST", "/api/v1/members/", admin, `{"email":"`+email+`","role":"`+string(role)+`"}`).expect(201)
	}
	tok := e.token(sub, email)
	e.asPerson("GET", "/api/v1/organizations/me", tok, "", "") // first sign-in binds
	return tok
}
