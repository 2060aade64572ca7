package client

import (
	"context"
	"net/url"
)

// Dataset is a node of the lineage graph: a dataset id declared in a spec
// or met in an OpenLineage event.
type Dataset struct {
	ID            string `json:"id"`
	Namespace     string `json:"namespace,omitempty"`
	Object        string `json:"object,omitempty"`
	ConnectionRef string `json:"connection_ref,omitempty"`
}

// DatasetDetail is a dataset with the pipelines producing it and its
// direct neighbours in the graph.
type DatasetDetail struct {
	Dataset
	Producers  []string    `json:"producers"`
	Upstream   []Neighbour `json:"upstream"`
	Downstream []Neighbour `json:"downstream"`
}

// Neighbour is a dataset one edge away and the pipelines declaring the edge.
type Neighbour struct {
	Dataset
	Pipelines []string `json:"pipelines"`
}

// ListDatasets returns one page of datasets, by id; query ("" for all)
// matches a substring of the id or object.
func (c *Client) ListDatasets(ctx context.Context, query string, p Page) (*List[Dataset], error) {
	q := url.Values{}
	setNonEmpty(q, "q", query)
	return call[List[Dataset]](ctx, c, "GET", "/api/v1/datasets/", p.add(q), nil)
}

// GetDataset returns the dataset id with its producers and neighbours.
func (c *Client) GetDataset(ctx context.Context, id string) (*DatasetDetail, error) {
	return call[DatasetDetail](ctx, c, "GET", itemPath("/api/v1/datasets", id), nil, nil)
}
