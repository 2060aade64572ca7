package api

import "github.com/dataxpipe/catalog/internal/catalog"

// apiRoutes is the whole HTTP surface on one screen. Every route names who
// may call it; mount refuses a route that names no one (deny by default).
// Paths ending in "/" are collections and also answer without the slash.
func (s *Server) apiRoutes() []route {
	viewer, member, admin := need{role: catalog.RoleViewer}, need{role: catalog.RoleMember}, need{role: catalog.RoleAdmin}
	platform, probe, person := need{platform: true}, need{public: true, unmetered: true}, need{person: true}
	routes := []route{
		{"GET", "/healthz", probe, s.healthz},
		{"GET", "/readyz", probe, s.readyz},
		{"GET", "/metrics", probe, s.serveMetrics},
		{"GET", "/api/v1/openapi.json", probe, s.openAPI},

		{"GET", "/api/v1/organizations/me", viewer, s.getMyOrg},
		{"POST", "/api/v1/organizations/", person, s.signup},
		{"POST", "/api/v1/admin/organizations/", platform, s.createOrg},
		{"GET", "/api/v1/admin/organizations/", platform, s.listOrgs},
		{"PATCH", "/api/v1/admin/organizations/{slug}", platform, s.updateOrg},

		{"POST", "/api/v1/api-keys/", admin, s.createKey},
		{"GET", "/api/v1/api-keys/", admin, s.listKeys},
		{"DELETE", "/api/v1/api-keys/{id}", admin, s.revokeKey},
		{"POST", "/api/v1/api-keys/{id}/rotate", admin, s.rotateKey},
		{"GET", "/api/v1/audit-events/", admin, s.listAuditEvents},
		{"GET", "/api/v1/members/", admin, s.listMembers},
		{"POST", "/api/v1/members/", admin, s.addMember},
		{"PATCH", "/api/v1/members/{id}", admin, s.updateMember},
		{"DELETE", "/api/v1/members/{id}", admin, s.removeMember},

		{"POST", "/api/v1/pipelines/", member, s.registerPipeline},
		{"GET", "/api/v1/pipelines/", viewer, s.listPipelines},
		{"GET", "/api/v1/pipelines/{name}", viewer, s.getPipeline},
		{"DELETE", "/api/v1/pipelines/{name}", member, s.deletePipeline},
		{"GET", "/api/v1/pipelines/{name}/versions/", viewer, s.listPipelineVersions},
		{"GET", "/api/v1/pipelines/{name}/versions/{version}", viewer, s.getPipelineVersion},
	}
	routes = append(routes, s.runRoutes()...)     // runs.go
	routes = append(routes, s.graphRoutes()...)   // graph.go
	routes = append(routes, s.billingRoutes()...) // billing.go
	routes = append(routes, s.lineageIngestRoutes()...)
	return routes
}

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
