package api

import "github.com/dataxpipe/catalog/internal/catalog"

// graphStore is what the connection, dataset and lineage handlers need of the store.
type graphStore interface {
	catalog.ConnectionService
	catalog.LineageService
	catalog.ImpactService
}
