// Package catalog is the domain of the DataXPipe Catalog: organizations (the
// tenants) and their plans, API keys, pipelines and their versions, and the
// audit log. It holds the types, their rules, the service interfaces that the
// storage adapters implement and the errors they return. It imports only the
// standard library so that every other package can depend on it.
package catalog
