package web

import "github.com/dataxpipe/catalog/internal/catalog"

// routes is every page on one screen with who may open it: anyone
// (public), any signed-in person (person, with or without an
// organization), a platform admin, or a member of the session's
// organization with at least a role. The roles are the API's: reading is
// viewer, catalog writes are member, keys, members, audit and billing are
// admin, exactly as internal/api/routes.go. mount refuses a page that names
// no one. GET never changes anything; every other method passes CSRF
// protection.
func (u *UI) routes() []page {
	public, person, platform := need{public: true}, need{person: true}, need{platform: true}
	viewer, member, admin := need{role: catalog.RoleViewer}, need{role: catalog.RoleMember}, need{role: catalog.RoleAdmin}
	return []page{
		{"GET", "/{$}", public, u.home},
		{"GET", "/static/", public, u.static},
		{"GET", "/auth/login", public, u.login},
		{"POST", "/auth/dev", public, u.devSignIn},
		{"GET", "/auth/callback", public, u.callback},
		{"POST", "/auth/logout", public, u.logout},
		{"GET", "/docs/api", public, u.apiDocs},

		{"GET", "/signup", person, u.signupForm},
		{"POST", "/signup", person, u.signup},
		{"GET", "/orgs", person, u.chooseOrg},
		{"POST", "/orgs/switch", person, u.switchOrg},

		{"GET", "/pipelines", viewer, u.pipelines},
		{"GET", "/pipelines/{name}", viewer, u.pipeline},
		{"GET", "/runs/{run_id}", viewer, u.run},
		{"GET", "/runs/{run_id}/checks/{result_id}/blast-radius", viewer, u.blastRadius},
		{"GET", "/datasets/{id}", viewer, u.dataset},
		{"GET", "/lineage/{dataset}", viewer, u.lineage},
		{"GET", "/lineage/{dataset}/graph.svg", viewer, u.lineageSVG},
		{"GET", "/lineage/{dataset}/graph.dot", viewer, u.lineageDOT},
		{"GET", "/lineage/{dataset}/nodes.csv", viewer, u.lineageCSV},
		{"GET", "/lineage/{dataset}/impact", viewer, u.impact},

		{"GET", "/settings/connections", viewer, u.connections},
		{"POST", "/settings/connections", member, u.createConnection},
		{"GET", "/settings/connections/{id}", viewer, u.connection},
		{"POST", "/settings/connections/{id}", member, u.updateConnection},

		{"GET", "/settings/keys", admin, u.keys},
		{"POST", "/settings/keys", admin, u.createKey},
		{"POST", "/settings/keys/{id}/rotate", admin, u.rotateKey},
		{"GET", "/settings/keys/{id}/revoke", admin, u.confirmRevokeKey},
		{"POST", "/settings/keys/{id}/revoke", admin, u.revokeKey},

		{"GET", "/settings/members", admin, u.members},
		{"POST", "/settings/members", admin, u.inviteMember},
		{"POST", "/settings/members/{id}/role", admin, u.changeMemberRole},
		{"POST", "/settings/members/{id}/remove", admin, u.removeMember},

		{"GET", "/settings/audit", admin, u.audit},

		{"GET", "/settings/webhooks", admin, u.webhooks},
		{"POST", "/settings/webhooks", admin, u.createWebhook},
		{"GET", "/settings/webhooks/{id}", admin, u.webhook},
		{"POST", "/settings/webhooks/{id}/enable", admin, u.webhookAction},
		{"POST", "/settings/webhooks/{id}/disable", admin, u.webhookAction},
		{"POST", "/settings/webhooks/{id}/delete", admin, u.webhookAction},
		{"POST", "/settings/webhooks/{id}/rotate", admin, u.webhookAction},
		{"POST", "/settings/webhooks/{id}/test", admin, u.webhookAction},
		{"POST", "/settings/webhooks/{id}/redeliver", admin, u.webhookAction},

		{"GET", "/settings/billing", viewer, u.billingPage},
		{"GET", "/billing", viewer, u.billingReturn}, // Stripe's success and return URL
		{"POST", "/settings/billing/checkout", admin, u.checkout},
		{"POST", "/settings/billing/portal", admin, u.portal},

		{"GET", "/admin/organizations", platform, u.adminOrgs},
		{"POST", "/admin/organizations/{slug}/plan", platform, u.adminSetPlan},
	}
}

// Route is one page, for tests that must cover every page.
type Route struct {
	Method, Path     string
	Public, Platform bool
	Person           bool
	Role             catalog.Role
}

// Routes lists every page with its rule.
func (u *UI) Routes() []Route {
	out := make([]Route, len(u.pages))
	for i, p := range u.pages {
		out[i] = Route{Method: p.method, Path: p.path, Public: p.need.public, Platform: p.need.platform, Person: p.need.person, Role: p.need.role}
	}
	return out
}
