package oidctest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"
)

// Login is who the issuer signs in at its authorization endpoint. The test
// issuer asks nothing: it approves every request as the current Login.
type Login struct {
	Subject       string
	Email         string
	Name          string
	EmailVerified bool
	// Nonce, when set, replaces the request's nonce in the ID token, as a
	// replayed or forged token would carry another one.
	Nonce string
}

// grant is an issued authorization code waiting for its token request.
type grant struct {
	clientID, redirectURI, challenge, nonce string
	login                                   Login
	issued                                  time.Time
}

// codeFlow holds the state of the authorization-code endpoints.
type codeFlow struct {
	t      testing.TB
	mu     sync.Mutex
	login  *Login
	grants map[string]grant
	secret map[string]string // client id → secret, for confidential clients
}

// SignInAs makes the authorization endpoint approve the next requests as l.
func (i *Issuer) SignInAs(l Login) {
	i.flow.mu.Lock()
	defer i.flow.mu.Unlock()
	i.flow.login = &l
}

// RequireClientSecret makes token requests of clientID present secret
// (HTTP Basic or client_secret in the form), as for a confidential client.
func (i *Issuer) RequireClientSecret(clientID, secret string) {
	i.flow.mu.Lock()
	defer i.flow.mu.Unlock()
	i.flow.secret[clientID] = secret
}

// serveAuthorize implements the authorization endpoint for the code flow
// with PKCE (S256 only): it redirects back with a one-time code, or with
// error=login_required when no SignInAs was called.
func (i *Issuer) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Scheme == "" || q.Get("client_id") == "" {
		http.Error(w, "client_id and an absolute redirect_uri are required", http.StatusBadRequest)
		return
	}
	back := redirect.Query()
	back.Set("state", q.Get("state"))
	i.flow.mu.Lock()
	login := i.flow.login
	switch {
	case q.Get("response_type") != "code":
		back.Set("error", "unsupported_response_type")
	case q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256":
		back.Set("error", "invalid_request")
		back.Set("error_description", "PKCE with S256 is required")
	case login == nil:
		back.Set("error", "login_required")
	default:
		code := randomToken()
		i.flow.grants[code] = grant{clientID: q.Get("client_id"), redirectURI: q.Get("redirect_uri"),
			challenge: q.Get("code_challenge"), nonce: q.Get("nonce"), login: *login, issued: time.Now()}
		back.Set("code", code)
	}
	i.flow.mu.Unlock()
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// serveToken exchanges a code once, checking client, redirect URI and the
// PKCE verifier, and answers with an ID token whose aud is the client.
func (i *Issuer) serveToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, "invalid_request")
		return
	}
	clientID, secret, basic := r.BasicAuth()
	if !basic {
		clientID, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	code := r.PostForm.Get("code")
	i.flow.mu.Lock()
	g, ok := i.flow.grants[code]
	delete(i.flow.grants, code) // one use, even when the request fails
	want, confidential := i.flow.secret[clientID]
	i.flow.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case r.PostForm.Get("grant_type") != "authorization_code":
		tokenError(w, "unsupported_grant_type")
	case confidential && secret != want:
		tokenError(w, "invalid_client")
	case !ok || time.Since(g.issued) > time.Minute || g.clientID != clientID || g.redirectURI != r.PostForm.Get("redirect_uri"):
		tokenError(w, "invalid_grant")
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		tokenError(w, "invalid_grant")
	default:
		claims := map[string]any{"aud": clientID, "sub": g.login.Subject, "email": g.login.Email,
			"email_verified": g.login.EmailVerified, "name": g.login.Name}
		if g.nonce != "" {
			claims["nonce"] = g.nonce
		}
		if g.login.Nonce != "" {
			claims["nonce"] = g.login.Nonce
		}
		writeJSON(w, map[string]any{"access_token": randomToken(), "token_type": "Bearer", "expires_in": 3600,
			"id_token": i.Token(i.flow.t, claims)})
	}
}

func tokenError(w http.ResponseWriter, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write([]byte(`{"error":"` + code + `"}`))
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}
