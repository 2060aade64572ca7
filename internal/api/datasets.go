package api

import (
	"encoding/json"
	"net/http"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// datasetView is a lineage node; fields nobody declared are left out, as in
// the nodes of a lineage walk.
type datasetView struct {
	ID            string `json:"id"`
	Namespace     string `json:"namespace,omitempty"`
	Name          string `json:"name,omitempty"`
	Object        string `json:"object,omitempty"`
	ConnectionRef string `json:"connection_ref,omitempty"`
	Dropped       bool   `json:"dropped,omitempty"` // a lifecycleStateChange DROP was reported
}

func viewDataset(d *catalog.Dataset) datasetView {
	return datasetView{ID: d.ID, Namespace: d.Namespace, Name: d.Name, Object: d.Object, ConnectionRef: d.ConnectionRef, Dropped: d.Dropped}
}

// neighbourView is a dataset one edge away and the pipelines declaring
// that edge.
type neighbourView struct {
	datasetView
	Pipelines []string `json:"pipelines"`
}

type datasetDetailView struct {
	datasetView
	Producers  []string        `json:"producers"` // pipelines with an edge into the dataset
	Upstream   []neighbourView `json:"upstream"`
	Downstream []neighbourView `json:"downstream"`
	// The kept OpenLineage facets: columns from the schema facet, and each
	// facet (schema, documentation, ownership, dataSource, columnLineage,
	// lifecycleStateChange) as the newest event said it.
	Columns []columnView               `json:"columns,omitempty"`
	Facets  map[string]json.RawMessage `json:"facets,omitempty"`
}

type columnView struct {
	Name        string `json:"name"`
	Type        string `json:"type,omitempty"`
	Description string `json:"description,omitempty"`
}

// columnsOf reads the schema facet's top-level fields.
func columnsOf(facets map[string]json.RawMessage) []columnView {
	var schema struct {
		Fields []columnView `json:"fields"`
	}
	if json.Unmarshal(facets["schema"], &schema) != nil {
		return nil
	}
	return schema.Fields
}

func viewNeighbours(ns []catalog.Neighbour) []neighbourView {
	out := make([]neighbourView, len(ns))
	for i, n := range ns {
		out[i] = neighbourView{datasetView: viewDataset(&n.Dataset), Pipelines: n.Pipelines}
	}
	return out
}

func (s *Server) listDatasets(w http.ResponseWriter, r *http.Request) error {
	q := &queryReader{r: r}
	f := catalog.DatasetFilter{Query: q.str("q"), Namespace: q.str("namespace"), Name: q.str("name"), Page: q.page()}
	if err := q.err(); err != nil {
		return err
	}
	items, next, err := s.store.ListDatasets(r.Context(), f)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, newList(mapList(items, viewDataset), next))
}

// datasetRef reads the dataset a request addresses: the path's id or name,
// narrowed by ?namespace= (and ?name=, for a name a path cannot carry).
func datasetRef(r *http.Request, q *queryReader) catalog.DatasetRef {
	ref := catalog.DatasetRef{Key: r.PathValue("dataset_id"), Namespace: q.str("namespace"), Name: q.str("name")}
	for _, p := range ref.Validate() {
		q.fail(p.Field, p.Message)
	}
	return ref
}

// resolveDataset is the id of the dataset the request addresses.
func (s *Server) resolveDataset(r *http.Request, ref catalog.DatasetRef) (string, error) {
	return s.store.ResolveDataset(r.Context(), ref)
}

func (s *Server) getDataset(w http.ResponseWriter, r *http.Request) error {
	q := &queryReader{r: r}
	ref := datasetRef(r, q)
	if err := q.err(); err != nil {
		return err
	}
	id, err := s.resolveDataset(r, ref)
	if err != nil {
		return err
	}
	d, err := s.store.FindDataset(r.Context(), id)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, datasetDetailView{datasetView: viewDataset(&d.Dataset), Producers: d.Producers,
		Upstream: viewNeighbours(d.Upstream), Downstream: viewNeighbours(d.Downstream), Columns: columnsOf(d.Facets), Facets: d.Facets})
}
