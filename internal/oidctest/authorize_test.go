package oidctest_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/dataxpipe/catalog/internal/oidctest"
)

// authorize follows the authorization endpoint's redirect and returns the
// query it sends back to the client.
func authorize(t *testing.T, cfg oauth2.Config, verifier string, opts ...oauth2.AuthCodeOption) url.Values {
	t.Helper()
	opts = append(opts, oauth2.S256ChallengeOption(verifier))
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(cfg.AuthCodeURL("st-1", opts...))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != http.StatusFound || !strings.HasPrefix(loc.String(), cfg.RedirectURL) {
		t.Fatalf("authorize answered %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	return loc.Query()
}

func codeFlowConfig(t *testing.T, iss *oidctest.Issuer) (oauth2.Config, *gooidc.IDTokenVerifier) {
	p, err := gooidc.NewProvider(context.Background(), iss.URL())
	if err != nil {
		t.Fatal(err)
	}
	return oauth2.Config{ClientID: "web", Endpoint: p.Endpoint(), RedirectURL: "http://app.test/auth/callback",
		Scopes: []string{"openid", "email"}}, p.Verifier(&gooidc.Config{ClientID: "web"})
}

func TestIssuer_CodeFlowWithPKCE(t *testing.T) {
	iss := oidctest.NewIssuer(t)
	cfg, verifier := codeFlowConfig(t, iss)
	iss.SignInAs(oidctest.Login{Subject: "ana", Email: "ana@example.com", EmailVerified: true, Name: "Ana"})
	pkce := oauth2.GenerateVerifier()
	back := authorize(t, cfg, pkce, oauth2.SetAuthURLParam("nonce", "n-1"))
	if back.Get("state") != "st-1" || back.Get("code") == "" {
		t.Fatalf("redirect back = %v", back)
	}
	tok, err := cfg.Exchange(context.Background(), back.Get("code"), oauth2.VerifierOption(pkce))
	if err != nil {
		t.Fatal(err)
	}
	idt, err := verifier.Verify(context.Background(), tok.Extra("id_token").(string))
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Email    string `json:"email"`
		Verified bool   `json:"email_verified"`
	}
	if err := idt.Claims(&claims); err != nil || idt.Subject != "ana" || idt.Nonce != "n-1" || claims.Email != "ana@example.com" || !claims.Verified {
		t.Fatalf("id token: sub %q nonce %q claims %+v (%v)", idt.Subject, idt.Nonce, claims, err)
	}
	if _, err := cfg.Exchange(context.Background(), back.Get("code"), oauth2.VerifierOption(pkce)); err == nil {
		t.Fatal("a code was exchanged twice")
	}
}

func TestIssuer_CodeFlowRefusals(t *testing.T) {
	iss := oidctest.NewIssuer(t)
	cfg, _ := codeFlowConfig(t, iss)
	if back := authorize(t, cfg, oauth2.GenerateVerifier()); back.Get("error") != "login_required" {
		t.Fatalf("without a login: %v", back)
	}
	iss.SignInAs(oidctest.Login{Subject: "bo"})
	back := authorize(t, cfg, oauth2.GenerateVerifier())
	if _, err := cfg.Exchange(context.Background(), back.Get("code"), oauth2.VerifierOption(oauth2.GenerateVerifier())); err == nil {
		t.Fatal("a code was exchanged with another PKCE verifier")
	}
	pkce := oauth2.GenerateVerifier()
	back = authorize(t, cfg, pkce)
	other := cfg
	other.RedirectURL = "http://evil.test/cb"
	if _, err := other.Exchange(context.Background(), back.Get("code"), oauth2.VerifierOption(pkce)); err == nil {
		t.Fatal("a code was exchanged for another redirect URI")
	}
	iss.RequireClientSecret("web", "s3cret")
	back = authorize(t, cfg, pkce)
	if _, err := cfg.Exchange(context.Background(), back.Get("code"), oauth2.VerifierOption(pkce)); err == nil {
		t.Fatal("a confidential client's code was exchanged without its secret")
	}
	withSecret := cfg
	withSecret.ClientSecret = "s3cret"
	back = authorize(t, cfg, pkce)
	if _, err := withSecret.Exchange(context.Background(), back.Get("code"), oauth2.VerifierOption(pkce)); err != nil {
		t.Fatalf("with its secret: %v", err)
	}
}
