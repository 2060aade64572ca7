package api

// graphStore is what the connection, dataset and lineage handlers need of the store.
type graphStore interface{}

// graphRoutes lists the routes of connections, datasets and lineage.
func (s *Server) graphRoutes() []route { return nil }
