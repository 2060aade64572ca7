package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// oidcClient is the authorization-code client of the configured issuer.
type oidcClient struct {
	oauth    oauth2.Config
	verifier *gooidc.IDTokenVerifier
}

// provider discovers the issuer once; a failed discovery is retried on the
// next sign-in rather than stopping the server.
func (u *UI) provider(ctx context.Context) (*oidcClient, error) {
	u.oidcMu.Lock()
	defer u.oidcMu.Unlock()
	if u.oidc != nil {
		return u.oidc, nil
	}
	ctx = gooidc.ClientContext(ctx, u.client)
	p, err := gooidc.NewProvider(ctx, u.cfg.OIDCIssuer)
	if err != nil {
		return nil, fmt.Errorf("OIDC discovery for %s: %w", u.cfg.OIDCIssuer, err)
	}
	u.oidc = &oidcClient{
		oauth: oauth2.Config{ClientID: u.cfg.OIDCClientID, ClientSecret: u.cfg.OIDCClientSecret, Endpoint: p.Endpoint(),
			RedirectURL: u.cfg.AppURL + "/auth/callback", Scopes: []string{gooidc.ScopeOpenID, "email", "profile"}},
		verifier: p.Verifier(&gooidc.Config{ClientID: u.cfg.OIDCClientID}),
	}
	return u.oidc, nil
}

// loginState is what the browser carries between /auth/login and
// /auth/callback, in a short-lived HttpOnly cookie: the state and nonce to
// compare, the PKCE verifier, and where to go afterwards.
type loginState struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"x"`
}

const loginCookie = "dxp_login"

func (u *UI) setLoginState(w http.ResponseWriter, st loginState) {
	b, _ := json.Marshal(st) // strings only: cannot fail
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/auth/",
		MaxAge: int((10 * time.Minute).Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: u.secure()})
}

func readLoginState(r *http.Request) (loginState, bool) {
	var st loginState
	c, err := r.Cookie(loginCookie)
	if err != nil {
		return st, false
	}
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || json.Unmarshal(b, &st) != nil || st.State == "" || st.Nonce == "" || st.Verifier == "" {
		return st, false
	}
	return st, true
}

// safeNext keeps a post-sign-in destination on this site: a path, never
// another origin (//evil.example or /\evil.example).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return ""
	}
	return next
}

// identity is what the ID token tells us about the person.
type identity struct {
	Issuer, Subject, Email, Name string
	EmailVerified                bool
}

// exchange trades the code for tokens (with the PKCE verifier) and checks
// the ID token: signature, issuer, audience, expiry, and our nonce.
func (c *oidcClient) exchange(ctx context.Context, code string, st loginState) (identity, error) {
	tok, err := c.oauth.Exchange(ctx, code, oauth2.VerifierOption(st.Verifier))
	if err != nil {
		return identity{}, fmt.Errorf("code exchange: %w", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return identity{}, fmt.Errorf("the token response has no id_token")
	}
	idt, err := c.verifier.Verify(ctx, raw)
	if err != nil {
		return identity{}, fmt.Errorf("id_token: %w", err)
	}
	if idt.Nonce != st.Nonce {
		return identity{}, fmt.Errorf("id_token nonce does not match this sign-in")
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified any    `json:"email_verified"` // some issuers send "true"
		Name          string `json:"name"`
	}
	if err := idt.Claims(&claims); err != nil {
		return identity{}, fmt.Errorf("id_token claims: %w", err)
	}
	verified := claims.EmailVerified == true || claims.EmailVerified == "true"
	return identity{Issuer: idt.Issuer, Subject: idt.Subject, Email: claims.Email, Name: claims.Name, EmailVerified: verified}, nil
}
