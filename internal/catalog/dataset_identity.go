package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// OpenLineage names a dataset by (namespace, name), and a name is unique
// only within its namespace (the naming spec): public.customers on two
// Postgres servers are two datasets. The catalog id of an observed dataset
// is therefore derived from both, so that the same pair always gives the
// same node, whatever order events arrive in, and so that names of any
// length key a short primary key on both engines.

// Length bounds of OpenLineage identifiers. Longer ones are refused (422):
// real names are far shorter, and the bounds keep every index entry well
// under Postgres's B-tree limit (about 2.7 KB) where names are indexed.
const (
	MaxDatasetNameBytes      = 8192 // a dataset's name (stored whole, indexed by prefix)
	MaxDatasetNamespaceBytes = 1024
	MaxJobNameBytes          = 1024 // a job's namespace and name, each (indexed whole)
)

// datasetIDPrefix marks the ids the catalog derives for observed datasets;
// spec ids (clean_orders) are the spec's.
const datasetIDPrefix = "ds_"

// ObservedDatasetID is the catalog id of the OpenLineage dataset (namespace,
// name): a prefix and 96 bits of SHA-256 over both, separated by a byte no
// namespace contains.
func ObservedDatasetID(namespace, name string) string {
	sum := sha256.Sum256([]byte(namespace + "\x00" + name))
	return datasetIDPrefix + hex.EncodeToString(sum[:12])
}

// DatasetRef addresses a dataset: by its catalog id or its name (Key, the
// path segment of today's URLs), or by (Namespace, Name).
type DatasetRef struct {
	Key             string
	Namespace, Name string
}

// Validate lists the reference's problems: a namespace needs a name, and
// the path's key and ?name= must not say two different things.
func (r DatasetRef) Validate() []FieldError {
	var errs []FieldError
	if r.Namespace != "" && r.Name == "" && r.Key == "" {
		errs = append(errs, FieldError{"name", "name is required with namespace."})
	}
	if r.Key != "" && r.Name != "" && r.Key != r.Name {
		errs = append(errs, FieldError{"name", "name must be left out or equal the dataset in the path."})
	}
	if len(r.Name) > MaxDatasetNameBytes || len(r.Key) > MaxDatasetNameBytes {
		errs = append(errs, FieldError{"name", fmt.Sprintf("name must be at most %d bytes.", MaxDatasetNameBytes)})
	}
	return errs
}

// Normal is the reference with the path's key taken as the name when a
// namespace is given.
func (r DatasetRef) Normal() DatasetRef {
	if r.Namespace != "" && r.Name == "" {
		r.Name, r.Key = r.Key, ""
	}
	if r.Namespace != "" {
		r.Key = ""
	}
	return r
}

// AmbiguousDataset is the ECONFLICT error of a bare name that more than one
// dataset carries: each candidate is listed with the namespace that picks it.
func AmbiguousDataset(name string, candidates []Dataset) *Error {
	var fields []FieldError
	var ns []string
	for _, c := range candidates {
		fields = append(fields, FieldError{Field: "namespace",
			Message: fmt.Sprintf("namespace=%s picks dataset %s.", c.Namespace, c.ID)})
		ns = append(ns, c.Namespace)
	}
	return &Error{Code: ECONFLICT, Fields: fields, Message: fmt.Sprintf(
		"%d datasets are named %q (namespaces %s); add ?namespace= to pick one, or use its id.",
		len(candidates), name, strings.Join(ns, ", "))}
}

// ValidateOpenLineageNames lists the identifiers of an event longer than
// the catalog stores, by their path in the event (outputs[0].name).
func (ev OpenLineageEvent) ValidateOpenLineageNames() []FieldError {
	var errs []FieldError
	long := func(field, v string, limit int) {
		if len(v) > limit {
			errs = append(errs, FieldError{field, fmt.Sprintf("must be at most %d bytes, but it has %d.", limit, len(v))})
		}
	}
	long("job.namespace", ev.JobNamespace, MaxJobNameBytes)
	long("job.name", ev.JobName, MaxJobNameBytes)
	check := func(path string, d OpenLineageDataset) {
		long(path+".namespace", d.Namespace, MaxDatasetNamespaceBytes)
		long(path+".name", d.Name, MaxDatasetNameBytes)
		for i, s := range d.Symlinks {
			long(fmt.Sprintf("%s.facets.symlinks.identifiers[%d].namespace", path, i), s.Namespace, MaxDatasetNamespaceBytes)
			long(fmt.Sprintf("%s.facets.symlinks.identifiers[%d].name", path, i), s.Name, MaxDatasetNameBytes)
		}
	}
	for i, d := range ev.Inputs {
		check(fmt.Sprintf("inputs[%d]", i), d)
	}
	for i, d := range ev.Outputs {
		check(fmt.Sprintf("outputs[%d]", i), d)
	}
	if ev.Dataset != nil {
		check("dataset", *ev.Dataset)
	}
	return errs
}
