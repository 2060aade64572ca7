package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/dataxpipe/catalog/internal/api"
	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
	"github.com/dataxpipe/catalog/internal/web"
)

// env is a server with the API and the UI over one real store, as
// `dxp serve` mounts them.
type env struct {
	t   *testing.T
	db  *sqlstore.DB
	srv *httptest.Server
	ui  *web.UI
	dev *catalog.Org
}

type envOption func(*env, *web.Options)

// newEnv starts a development server (scaffold sign-in on) over SQLite.
func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	return newEnvOn(t, sqlstoretest.Open(t, sqlstore.SQLite), opts...)
}

func newEnvOn(t *testing.T, db *sqlstore.DB, opts ...envOption) *env {
	t.Helper()
	e := &env{t: t, db: db}
	dev := &catalog.Org{Slug: "dev", Name: "Development", Plan: catalog.PlanFree}
	if err := db.CreateOrg(context.Background(), dev, nil); err != nil {
		t.Fatal(err)
	}
	e.dev = dev
	authn := auth.NewAuthenticator(db, nil)
	authn.EnableScaffold(dev)
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	var handler http.Handler
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(e.srv.Close)
	cfg.AppURL = e.srv.URL
	logger := slog.New(slog.NewTextHandler(testWriter{t}, nil))
	o := web.Options{Store: db, Auth: authn, Config: cfg, Scaffold: true, Logger: logger, OpenAPI: api.OpenAPI}
	for _, opt := range opts {
		opt(e, &o)
	}
	e.ui = web.New(o)
	// Mounted as internal/server does: the API serves its paths and hands
	// every other one to the UI.
	apiOpts := api.Options{Store: db, Auth: authn, Logger: logger, UI: e.ui}
	if o.Limiter != nil { // one limiter for API and UI, as internal/server hands it to both
		apiOpts.RateLimit = &api.RateLimit{Limiter: o.Limiter, AnonPerMinute: 1000}
	}
	if b, ok := o.Billing.(api.Billing); ok {
		apiOpts.Billing = b
	}
	handler = api.NewServer(apiOpts)
	return e
}

// browser is one person's cookie jar; it follows no redirects, so tests
// see every 302/303.
type browser struct {
	e *env
	c *http.Client
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signIn is a browser signed in as a scaffold identity of dev.
func (e *env) signIn(identity string) *browser {
	b := e.browser()
	res := b.post("/auth/dev", url.Values{"identity": {identity}})
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("dev sign-in as %s: %d", identity, res.StatusCode)
	}
	return b
}

type page struct {
	*goquery.Document
	status int
	res    *http.Response
	body   string
}

func (b *browser) get(path string) page {
	b.e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.e.srv.URL+path, nil)
	return b.do(req)
}

// post sends a form as a browser does from one of our pages.
func (b *browser) post(path string, form url.Values) *http.Response {
	b.e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", b.e.srv.URL)
	return b.do(req).res
}

// postPage is post returning the page it answers with.
func (b *browser) postPage(path string, form url.Values) page {
	b.e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

func (b *browser) do(req *http.Request) page {
	b.e.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		b.e.t.Fatal(err)
	}
	return page{Document: doc, status: res.StatusCode, res: res, body: string(body)}
}

func (p page) text(sel string) string { return strings.Join(strings.Fields(p.Find(sel).Text()), " ") }

// apiKey makes a key of role in org straight in the store.
func (e *env) apiKey(org *catalog.Org, role catalog.Role) string {
	e.t.Helper()
	secret := auth.GenerateKey()
	ctx := sqlstoretest.AsOrg(org, catalog.RoleAdmin)
	if err := e.db.CreateAPIKey(ctx, &catalog.APIKey{Name: "test-" + string(role), Role: role, Prefix: auth.DisplayPrefix(secret), Hash: auth.HashKey(secret)}); err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// api calls the JSON API with a key and returns status and body.
func (e *env) api(key, method, path string, body any) (int, string) {
	e.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, r)
	req.Header.Set("X-API-KEY", key)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(out)
}

// pipeline registers a pipeline through the API and fails the test otherwise.
func (e *env) pipeline(key string, def map[string]any) {
	e.t.Helper()
	if status, body := e.api(key, "POST", "/api/v1/pipelines/", def); status != 201 && status != 200 {
		e.t.Fatalf("register %v: %d %s", def["name"], status, body)
	}
}

func pipelineDef(name, owner string, tags ...string) map[string]any {
	return map[string]any{"name": name, "version": "1.0.0", "owner": owner, "schedule": "0 6 * * *", "tags": tags,
		"description": "Syncs " + name,
		"sources":     []any{map[string]any{"id": name + "_raw", "type": "postgres", "object": "raw." + name}},
		"targets":     []any{map[string]any{"id": name + "_clean", "type": "bigquery", "object": "analytics." + name, "inputs": []string{name + "_raw"}}},
		"checks":      []any{map[string]any{"id": "not_empty", "target": name + "_clean", "type": "row_count", "severity": "error"}}}
}

// testWriter sends the server's log lines to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

type goquerySelection = goquery.Selection
