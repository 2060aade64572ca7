package api_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/api"
	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/oidc"
	"github.com/dataxpipe/catalog/internal/oidctest"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// FuzzWriteRoutes sends arbitrary bodies to every write route of a server
// on SQLite: whatever the bytes, the answer is never a 5xx (billing, which
// is not configured here, answers its documented 503 first) and every
// refusal is a problem+json body. The seeds, run by every go test, are
// each route's valid body and its hostile variants; `go test -fuzz` goes
// further (see README, Testing).
func FuzzWriteRoutes(f *testing.F) {
	db := sqlstoretest.OpenKeyed(f, sqlstore.SQLite) // keyed: webhook secrets are sealed
	a := auth.NewAuthenticator(db, nil)
	dev := &catalog.Org{Slug: "dev", Name: "Development", Plan: catalog.PlanBusiness}
	if err := db.CreateOrg(context.Background(), dev, nil); err != nil {
		f.Fatal(err)
	}
	a.EnableScaffold(dev)
	iss := oidctest.NewIssuer(f)
	v, err := oidc.New(context.Background(), oidc.Config{Issuer: iss.URL(), Audience: testAudience})
	if err != nil {
		f.Fatal(err)
	}
	a.EnablePeople(v, db, nil)
	person := iss.Token(f, map[string]any{"sub": "fuzz", "email": "fuzz@example.com", "email_verified": true,
		"aud": testAudience, "iat": time.Now().Unix(), "exp": time.Now().Add(24 * time.Hour).Unix()})
	srv := api.NewServer(api.Options{Store: db, Auth: a, Logger: slog.New(slog.DiscardHandler)})

	var routes []api.RouteInfo
	for _, rt := range srv.Routes() {
		if rt.Method != "GET" {
			routes = append(routes, rt)
		}
	}
	slices.SortFunc(routes, func(x, y api.RouteInfo) int { return strings.Compare(x.Method+x.Path, y.Method+y.Path) })
	seedFixture := &hostileFixture{}
	for i, rt := range routes {
		hc := hostileRoutes[rt.Method+" "+rt.Path]
		if hc.body == nil || hc.as == "stripe" {
			f.Add(uint8(i), []byte(`{}`))
			continue
		}
		body := hc.body(seedFixture)
		f.Add(uint8(i), []byte(body))
		// Every string gets a hostile value, and every hostile value a string.
		leaves := stringLeaves(f, body)
		for j := range max(len(leaves), len(hostileValues)) {
			if len(leaves) > 0 && hostileValues[j%len(hostileValues)].literal != suffixed {
				f.Add(uint8(i), []byte(replaceLeaf(f, body, leaves[j%len(leaves)], hostileValues[j%len(hostileValues)].literal)))
			}
		}
		f.Add(uint8(i), []byte(`[`+body+`]`))
		f.Add(uint8(i), []byte(body[:len(body)/2]))
	}

	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		rt := routes[int(route)%len(routes)]
		path := strings.NewReplacer("{slug}", "dev", "{id}", "x1", "{name}", "orders_sync", "{run_id}", "run-1").Replace(rt.Path)
		req := httptest.NewRequest(rt.Method, path, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		if rt.Person {
			req.Header.Set("Authorization", "Bearer "+person)
		} else {
			req.Header.Set("X-API-KEY", "platform-key")
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		var p struct {
			Code string `json:"code"`
		}
		if rec.Code >= 400 {
			if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" || json.Unmarshal(rec.Body.Bytes(), &p) != nil {
				t.Fatalf("%s %s: %d with %s %q", rt.Method, path, rec.Code, ct, rec.Body.String())
			}
		}
		if rec.Code >= 500 && p.Code != "billing_not_configured" {
			t.Fatalf("%s %s with %q: %d %s", rt.Method, path, body, rec.Code, rec.Body.String())
		}
	})
}
