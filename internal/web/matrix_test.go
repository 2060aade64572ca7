package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// uiMatrix is who may use each page, written out by hand: a page added to
// routes.go without a line here fails, and so does a rule that changes.
// "public", "person", "platform" or the lowest role.
var uiMatrix = map[string]string{
	"GET /{$}": "public", "GET /static/": "public", "GET /auth/login": "public", "POST /auth/dev": "public",
	"GET /auth/callback": "public", "POST /auth/logout": "public", "GET /docs/api": "public",
	"GET /signup": "person", "POST /signup": "person", "GET /orgs": "person", "POST /orgs/switch": "person",
	"GET /pipelines": "viewer", "GET /pipelines/{name}": "viewer", "GET /runs/{run_id}": "viewer", "GET /datasets/{id}": "viewer",
	"GET /lineage/{dataset}": "viewer", "GET /lineage/{dataset}/graph.svg": "viewer",
	"GET /lineage/{dataset}/graph.dot": "viewer", "GET /lineage/{dataset}/nodes.csv": "viewer",
	"GET /lineage/{dataset}/impact": "viewer", "GET /runs/{run_id}/checks/{result_id}/blast-radius": "viewer",
	"GET /settings/connections": "viewer", "POST /settings/connections": "member",
	"GET /settings/connections/{id}": "viewer", "POST /settings/connections/{id}": "member",
	"GET /settings/keys": "admin", "POST /settings/keys": "admin", "POST /settings/keys/{id}/rotate": "admin",
	"GET /settings/keys/{id}/revoke": "admin", "POST /settings/keys/{id}/revoke": "admin",
	"GET /settings/members": "admin", "POST /settings/members": "admin", "POST /settings/members/{id}/role": "admin",
	"POST /settings/members/{id}/remove": "admin", "GET /settings/audit": "admin",
	"GET /settings/webhooks": "admin", "POST /settings/webhooks": "admin", "GET /settings/webhooks/{id}": "admin",
	"POST /settings/webhooks/{id}/enable": "admin", "POST /settings/webhooks/{id}/disable": "admin", "POST /settings/webhooks/{id}/delete": "admin",
	"POST /settings/webhooks/{id}/rotate": "admin", "POST /settings/webhooks/{id}/test": "admin", "POST /settings/webhooks/{id}/redeliver": "admin",
	"GET /settings/billing": "viewer", "GET /billing": "viewer", "POST /settings/billing/checkout": "admin", "POST /settings/billing/portal": "admin",
	"GET /admin/organizations": "platform", "POST /admin/organizations/{slug}/plan": "platform",
}

func TestAuthorizationMatrix_UIRoutes(t *testing.T) {
	e := newEnv(t)
	routes := e.ui.Routes()
	seen := map[string]bool{}
	for _, r := range routes {
		key := r.Method + " " + r.Path
		seen[key] = true
		want, ok := uiMatrix[key]
		if !ok {
			t.Errorf("%s is not in the authorization matrix", key)
			continue
		}
		got := string(r.Role)
		switch {
		case r.Public:
			got = "public"
		case r.Person:
			got = "person"
		case r.Platform:
			got = "platform"
		}
		if got != want {
			t.Errorf("%s is open to %s, the matrix says %s", key, got, want)
		}
	}
	for key := range uiMatrix {
		if !seen[key] {
			t.Errorf("the matrix lists %s, which is no route", key)
		}
	}

	browsers := map[string]*browser{"anonymous": e.browser(), "viewer": e.signIn("viewer"), "member": e.signIn("member"), "admin": e.signIn("admin")}
	for _, r := range routes {
		if r.Public {
			continue
		}
		path := strings.NewReplacer("{$}", "", "{name}", "x", "{run_id}", "x", "{id}", "x", "{dataset}", "x", "{slug}", "dev").Replace(r.Path)
		for _, who := range []string{"anonymous", "viewer", "member", "admin"} {
			t.Run(fmt.Sprintf("%s %s as %s", r.Method, r.Path, who), func(t *testing.T) {
				b := browsers[who]
				var status int
				var location string
				if r.Method == http.MethodGet {
					p := b.get(path)
					status, location = p.status, p.res.Header.Get("Location")
				} else {
					res := b.post(path, url.Values{})
					status, location = res.StatusCode, res.Header.Get("Location")
				}
				allowed := who != "anonymous" && (r.Person || (r.Platform && who == "admin") || (r.Role != "" && catalog.Role(who).Allows(r.Role)))
				switch {
				case who == "anonymous" && r.Method == http.MethodGet:
					if status != http.StatusSeeOther || !strings.HasPrefix(location, "/auth/login?next=") {
						t.Fatalf("= %d to %q, want 303 to sign-in", status, location)
					}
				case who == "anonymous":
					if status != http.StatusUnauthorized {
						t.Fatalf("= %d, want 401", status)
					}
				case !allowed:
					if status != http.StatusForbidden {
						t.Fatalf("= %d, want 403", status)
					}
				default:
					if slices.Contains([]int{http.StatusUnauthorized, http.StatusForbidden}, status) || strings.HasPrefix(location, "/auth/login") {
						t.Fatalf("= %d (to %q); %s may use it", status, location, who)
					}
				}
			})
		}
	}
}
