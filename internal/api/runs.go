package api

// runStore is what the run and check handlers need of the store.
type runStore interface{}

// runRoutes lists the routes of runs and check results.
func (s *Server) runRoutes() []route { return nil }
