package scaletest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/api"
	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
)

// API is the JSON API over db, in process, as `dxp serve` builds it
// (without rate limits or the UI).
func API(db *sqlstore.DB) http.Handler {
	return api.NewServer(api.Options{Store: db, Auth: auth.NewAuthenticator(db, slog.New(slog.DiscardHandler))})
}

// NewOrg creates an organization of slug on plan with an admin key and
// returns the organization and the key.
func NewOrg(t testing.TB, db *sqlstore.DB, slug, plan string) (*catalog.Org, string) {
	t.Helper()
	org, key, err := CreateOrg(db, slug, plan)
	if err != nil {
		t.Fatalf("create org %s: %v", slug, err)
	}
	return org, key
}

// CreateOrg is NewOrg for goroutines, which must not stop the test.
func CreateOrg(db *sqlstore.DB, slug, plan string) (*catalog.Org, string, error) {
	org := &catalog.Org{Slug: slug, Name: slug, Plan: plan}
	key := auth.GenerateKey()
	k := &catalog.APIKey{Name: "scaletest", Role: catalog.RoleAdmin, Prefix: auth.DisplayPrefix(key), Hash: auth.HashKey(key)}
	return org, key, db.CreateOrg(context.Background(), org, k)
}

// Do sends one request to h with key and returns the status and body.
func Do(h http.Handler, method, path, key, body string) (int, string) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("X-API-KEY", key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// Pipeline is a small pipeline definition named name.
func Pipeline(name string) string {
	return `{"name":"` + name + `","owner":"data@acme.com","schedule":"@daily",
	 "sources":[{"id":"raw","type":"postgres","object":"db.raw_` + name + `"}],
	 "transforms":[{"id":"t","type":"sql","code_ref":"t.sql","inputs":["raw"],"outputs":["mid"]}],
	 "targets":[{"id":"out","type":"bigquery","object":"an.out_` + name + `","inputs":["mid"]}]}`
}
