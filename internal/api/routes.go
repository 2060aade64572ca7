package api

import "github.com/dataxpipe/catalog/internal/catalog"

// routeTable is the whole HTTP surface on one screen: probes, the JSON API
// and webhooks, one line each, naming who may call it. mount refuses a route
// that names no one (deny by default), and the authorization matrix test
// fails for a route it does not cover. Paths ending in "/" are collections
// and also answer without the slash. Handlers live in the file of their
// aggregate (pipelines.go, runs.go, ...); nothing else adds routes.
//
// Who may call:
//   - probe: anyone, without spending a rate budget (health, metrics, the
//     OpenAPI document);
//   - public: anyone, spending the caller's per-IP budget (the Stripe
//     webhook, which proves itself by its signature, not by a credential);
//   - person: anyone signed in with OIDC, in an organization or not;
//   - platform: platform admins only;
//   - viewer, member, admin: a credential of the organization with at least
//     that role.
//
// The product UI's pages are not in this table: they get their own table in
// their own package (internal/web), mounted through Options.UI for every
// path outside apiSpaces (see mount.go). An API path never reaches the UI,
// and a UI page never answers problem+json.
func (s *Server) routeTable() []route {
	viewer, member, admin := need{role: catalog.RoleViewer}, need{role: catalog.RoleMember}, need{role: catalog.RoleAdmin}
	platform, person := need{platform: true}, need{person: true}
	probe, public := need{public: true, unmetered: true}, need{public: true}
	return []route{
		{"GET", "/healthz", probe, s.healthz},
		{"GET", "/readyz", probe, s.readyz},
		{"GET", "/metrics", probe, s.serveMetrics},
		{"GET", "/api/v1/openapi.json", probe, s.openAPI},
		{"GET", "/api/v1/openapi-3.0.json", probe, s.openAPI30},

		// Organizations: signup by a person, the rest by platform admins.
		{"GET", "/api/v1/organizations/me", viewer, s.getMyOrg},
		{"POST", "/api/v1/organizations/", person, s.signup},
		{"POST", "/api/v1/admin/organizations/", platform, s.createOrg},
		{"GET", "/api/v1/admin/organizations/", platform, s.listOrgs},
		{"PATCH", "/api/v1/admin/organizations/{slug}", platform, s.updateOrg},

		// Credentials, people and the audit trail: admins only.
		{"POST", "/api/v1/api-keys/", admin, s.createKey},
		{"GET", "/api/v1/api-keys/", admin, s.listKeys},
		{"DELETE", "/api/v1/api-keys/{id}", admin, s.revokeKey},
		{"POST", "/api/v1/api-keys/{id}/rotate", admin, s.rotateKey},
		{"GET", "/api/v1/audit-events/", admin, s.listAuditEvents},
		{"POST", "/api/v1/webhooks/", admin, s.createWebhook},
		{"GET", "/api/v1/webhooks/", admin, s.listWebhooks},
		{"GET", "/api/v1/webhooks/{id}", admin, s.getWebhook},
		{"PATCH", "/api/v1/webhooks/{id}", admin, s.updateWebhook},
		{"DELETE", "/api/v1/webhooks/{id}", admin, s.deleteWebhook},
		{"POST", "/api/v1/webhooks/{id}/rotate-secret", admin, s.rotateWebhookSecret},
		{"GET", "/api/v1/webhooks/{id}/deliveries", admin, s.listDeliveries},
		{"POST", "/api/v1/webhooks/{id}/redeliver", admin, s.redeliver},
		{"POST", "/api/v1/webhooks/{id}/test", admin, s.testWebhook},
		{"GET", "/api/v1/members/", admin, s.listMembers},
		{"POST", "/api/v1/members/", admin, s.addMember},
		{"PATCH", "/api/v1/members/{id}", admin, s.updateMember},
		{"DELETE", "/api/v1/members/{id}", admin, s.removeMember},

		// Catalog data: members write, viewers read (connection secrets masked).
		{"POST", "/api/v1/pipelines/", member, s.registerPipeline},
		{"GET", "/api/v1/pipelines/", viewer, s.listPipelines},
		{"GET", "/api/v1/pipelines/{name}", viewer, s.getPipeline},
		{"DELETE", "/api/v1/pipelines/{name}", member, s.deletePipeline},
		{"GET", "/api/v1/pipelines/{name}/versions/", viewer, s.listPipelineVersions},
		{"GET", "/api/v1/pipelines/{name}/versions/{version}", viewer, s.getPipelineVersion},
		{"POST", "/api/v1/connections/", member, s.createConnection},
		{"GET", "/api/v1/connections/", viewer, s.listConnections},
		{"GET", "/api/v1/connections/{id}", viewer, s.getConnection},
		{"PUT", "/api/v1/connections/{id}", member, s.replaceConnection},
		{"DELETE", "/api/v1/connections/{id}", member, s.deleteConnection},
		{"GET", "/api/v1/datasets/", viewer, s.listDatasets},
		{"GET", "/api/v1/datasets/{dataset_id}", viewer, s.getDataset},

		// Lineage. OpenLineage's HTTP transport (Airflow, dbt, Spark) posts to
		// /api/v1/lineage and /batch, with or without a trailing slash. The
		// raw events live under /api/v1/openlineage/, where no dataset can
		// shadow them; the old GET /api/v1/lineage/events lists them while no
		// dataset is named events, and walks that dataset once one is.
		{"GET", "/api/v1/lineage/{dataset_id}", viewer, s.getLineage},
		{"GET", "/api/v1/lineage/{dataset_id}/impact", viewer, s.getImpact},
		{"POST", "/api/v1/lineage/", member, s.postLineage},
		{"POST", "/api/v1/lineage/batch/", member, s.postLineageBatch},
		{"GET", "/api/v1/lineage/events", viewer, s.lineageEventsOrDataset},
		{"GET", "/api/v1/openlineage/events", viewer, s.listLineageEvents},

		// Runs and check results.
		{"POST", "/api/v1/runs/", member, s.postRun},
		{"GET", "/api/v1/runs/", viewer, s.listRuns},
		{"GET", "/api/v1/runs/{run_id}", viewer, s.getRun},
		{"PATCH", "/api/v1/runs/{run_id}", member, s.patchRun},
		{"POST", "/api/v1/checks/results/", member, s.postCheckResults},
		{"GET", "/api/v1/checks/results/", viewer, s.listCheckResults},

		// Billing: admins start Stripe sessions; Stripe itself has no key.
		{"POST", "/api/v1/billing/checkout", admin, s.startCheckout},
		{"POST", "/api/v1/billing/portal", admin, s.openPortal},
		{"POST", "/webhooks/stripe", public, s.stripeWebhook},
	}
}

// apiSpaces are the path prefixes this package owns whole besides the
// probes: an unknown path under them is the API's problem+json 404 (or 405),
// never handed to the UI.
var apiSpaces = []string{"/api/", "/webhooks/"}

// Routes lists the method and path of every route, for tests that must
// cover the whole surface (the authorization matrix).
func (s *Server) Routes() []RouteInfo {
	out := make([]RouteInfo, len(s.routes))
	for i, rt := range s.routes {
		out[i] = RouteInfo{Method: rt.method, Path: rt.path, Public: rt.need.public, Platform: rt.need.platform, Person: rt.need.person, Role: rt.need.role}
	}
	return out
}

// RouteInfo describes one route.
type RouteInfo struct {
	Method, Path     string
	Public, Platform bool
	Person           bool
	Role             catalog.Role
}
