// Package spec owns the pipeline definition of the DataXPipe Catalog.
//
// A definition arrives either as the body of the register-pipeline HTTP call
// (the generated, flat pipeline.json) or as a YAML spec file whose
// pipeline-level fields are nested under "pipeline:". Decode and DecodeFile
// accept both shapes, in JSON or YAML, and produce the same normalised
// Pipeline. Validate then reports every problem at once, with flat field
// paths ("sources[0].watermark_column") and, for YAML input, line numbers,
// so that an API client or the CLI can fix everything in one round trip.
//
// Problems are split in two groups on purpose: Decode reports what it could
// not read (wrong JSON types, organization fields), Validate reports what is
// wrong with what was read. Callers show both, Decode's first. Validate does
// not repeat a complaint about a field whose value Decode could not read.
//
// Edges, Datasets and ConnectionRefs derive the lineage graph the catalog
// stores; Canonical and ContentHash give a version-independent fingerprint
// used to tell whether a re-registration changes anything. The hash names
// its algorithm, and SameContent compares with a stored one by that
// algorithm, so a new algorithm changes no stored pipeline (canonical.go).
package spec
