// Package openlineage reads OpenLineage events (spec 2-0-x) for the
// catalog's drop-in lineage backend: POST /api/v1/lineage and
// /api/v1/lineage/batch.
//
// It is pure: no storage and no HTTP. Decompress reads a request body,
// Parse and ParseBatch turn it into Events or report every problem, and
// PipelineName, DAGRunID, Status and Terminal are the rules the mapping
// onto pipelines and runs needs.
//
// Validation happens at run time in Go, not with the spec's JSON Schema:
// the schema files belong to the OpenLineage project and are not shipped
// with the binary. Parse checks what the spec requires of the envelope
// (event kind, eventTime, producer, schemaURL, run, job, datasets, facet
// maps) and what the catalog needs on top (RFC 3339 times, UUID run ids,
// non-empty job and dataset names, the shape of the facets it reads). The
// tests check that this agrees with the real schema in ../shared/openlineage.
//
// Parse is deliberately more lenient than the schema where real producers
// need it: facets without _producer/_schemaURL, eventTime without a UTC
// offset (read as UTC) and null for an absent optional field are accepted,
// and in the facets it reads it requires only the fields it uses (not
// jobType's processingType/integration, nor errorMessage's
// programmingLanguage). An event rejected for a facet would lose its
// lineage too, and clients do not retry a 4xx.
package openlineage
