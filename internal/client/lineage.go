package client

import (
	"context"
	"net/url"
	"strconv"
)

// Graph is a lineage subgraph around Root (GET /lineage/{dataset_id}).
type Graph struct {
	Root      string      `json:"root"`
	Direction string      `json:"direction"`
	Depth     int         `json:"depth"`
	Nodes     []GraphNode `json:"nodes"`
	Edges     []GraphEdge `json:"edges"`
	// Truncated is true when the depth cut the graph.
	Truncated bool `json:"truncated"`
}

// GraphNode is a dataset at its smallest distance from the root.
type GraphNode struct {
	ID            string `json:"id"`
	Object        string `json:"object,omitempty"`
	ConnectionRef string `json:"connection_ref,omitempty"`
	Depth         int    `json:"depth"`
}

// GraphEdge is data flowing From one dataset To another, as Pipeline
// declared it.
type GraphEdge struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Pipeline string `json:"pipeline,omitempty"`
}

// LineageQuery shapes the subgraph: Direction upstream, downstream or both
// ("" is the server's default, both); Depth 0 is the server's default (3).
type LineageQuery struct {
	Direction string
	Depth     int
}

// Lineage returns the lineage subgraph around dataset.
func (c *Client) Lineage(ctx context.Context, dataset string, lq LineageQuery) (*Graph, error) {
	q := url.Values{}
	if lq.Direction != "" {
		q.Set("direction", lq.Direction)
	}
	if lq.Depth > 0 {
		q.Set("depth", strconv.Itoa(lq.Depth))
	}
	return call[Graph](ctx, c, "GET", itemPath("/api/v1/lineage", dataset), q, nil)
}
