package api

import "github.com/dataxpipe/catalog/internal/catalog"

// graphStore is what the connection, dataset and lineage handlers need of the store.
type graphStore interface {
	catalog.ConnectionService
	catalog.LineageService
}

// graphRoutes lists the routes of connections, datasets and lineage.
// Connections are catalog data: members write them, viewers read them
// (with their secrets masked).
func (s *Server) graphRoutes() []route {
	viewer, member := need{role: catalog.RoleViewer}, need{role: catalog.RoleMember}
	return []route{
		{"POST", "/api/v1/connections/", member, s.createConnection},
		{"GET", "/api/v1/connections/", viewer, s.listConnections},
		{"GET", "/api/v1/connections/{id}", viewer, s.getConnection},
		{"PUT", "/api/v1/connections/{id}", member, s.replaceConnection},
		{"DELETE", "/api/v1/connections/{id}", member, s.deleteConnection},

		{"GET", "/api/v1/lineage/{dataset_id}", viewer, s.getLineage},  // lineage.go
		{"GET", "/api/v1/datasets/", viewer, s.listDatasets},           // datasets.go
		{"GET", "/api/v1/datasets/{dataset_id}", viewer, s.getDataset}, // datasets.go
	}
}
