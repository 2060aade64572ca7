package api

import (
	"cmp"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

type lineageNodeView struct {
	ID            string `json:"id"`
	Namespace     string `json:"namespace,omitempty"`
	Name          string `json:"name,omitempty"`
	Object        string `json:"object,omitempty"`
	ConnectionRef string `json:"connection_ref,omitempty"`
	Depth         int    `json:"depth"`
}

type lineageEdgeView struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Pipeline string `json:"pipeline"`
	Job      string `json:"job,omitempty"` // edges reported through OpenLineage
	// Edges of OpenLineage jobs: when runs reported them, and whether only
	// an older run did (shown with ?history=true).
	FirstSeen *time.Time `json:"first_seen_at,omitempty"`
	LastSeen  *time.Time `json:"last_seen_at,omitempty"`
	Historic  bool       `json:"historic,omitempty"`
}

type lineageView struct {
	Root      string            `json:"root"`
	Direction catalog.Direction `json:"direction"`
	Depth     int               `json:"depth"`
	Nodes     []lineageNodeView `json:"nodes"`
	Edges     []lineageEdgeView `json:"edges"`
	Truncated bool              `json:"truncated"`
}

func viewLineage(g *catalog.LineageGraph) lineageView {
	v := lineageView{Root: g.Root, Direction: g.Direction, Depth: g.Depth, Truncated: g.Truncated,
		Nodes: make([]lineageNodeView, len(g.Nodes)), Edges: make([]lineageEdgeView, len(g.Edges))}
	for i, n := range g.Nodes {
		v.Nodes[i] = lineageNodeView{ID: n.ID, Namespace: n.Namespace, Name: n.Name, Object: n.Object, ConnectionRef: n.ConnectionRef, Depth: n.Depth}
	}
	for i, e := range g.Edges {
		v.Edges[i] = lineageEdgeView{From: e.From, To: e.To, Pipeline: e.Pipeline, Job: e.Job,
			FirstSeen: utcPtr(e.FirstSeen), LastSeen: utcPtr(e.LastSeen), Historic: e.Historic}
	}
	return v
}

// getLineage answers with the subgraph around a dataset as JSON, Graphviz
// DOT (?format=dot) or SVG (?format=svg, or Accept: image/svg+xml).
func (s *Server) getLineage(w http.ResponseWriter, r *http.Request) error {
	q := &queryReader{r: r}
	ref := datasetRef(r, q)
	lq := catalog.LineageQuery{
		Direction: catalog.Direction(cmp.Or(q.str("direction"), string(catalog.Both))),
		Depth:     q.int("depth", catalog.DefaultLineageDepth, 1, catalog.MaxLineageDepth),
		History:   historyParam(q),
	}
	q.allow("format") // read by lineageFormat, which also looks at Accept
	format := lineageFormat(r)
	if format == "" {
		q.fail("format", "format must be json, dot or svg.")
	}
	for _, p := range lq.Validate() {
		if p.Field != "depth" { // q.int reported a bad depth already, with the same bounds
			q.fail(p.Field, p.Message)
		}
	}
	if err := q.err(); err != nil {
		return err
	}
	var err error
	if lq.Root, err = s.resolveDataset(r, ref); err != nil {
		return err
	}
	g, err := s.store.Lineage(r.Context(), lq)
	if err != nil {
		return err
	}
	w.Header().Set("Vary", "Accept")
	switch format {
	case "dot":
		w.Header().Set("Content-Type", "text/vnd.graphviz; charset=utf-8")
		_, err := w.Write(lineageDOT(g))
		return err
	case "svg":
		svg, err := lineageSVG(r.Context(), g)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "image/svg+xml")
		_, err = w.Write(svg)
		return err
	}
	return respond(w, http.StatusOK, viewLineage(g))
}

// lineageFormat picks the answer's format: ?format= wins; otherwise SVG or
// DOT when Accept prefers them to JSON (an <img> tag asking for
// image/svg+xml gets SVG; a browser's */* gets JSON). "" is an unknown format.
func lineageFormat(r *http.Request) string {
	if f := r.URL.Query().Get("format"); f != "" {
		switch f {
		case "json", "dot", "svg":
			return f
		}
		return ""
	}
	accept := r.Header.Get("Accept")
	best, format := acceptQ(accept, "application/json"), "json"
	for _, c := range []struct{ mt, format string }{{"image/svg+xml", "svg"}, {"text/vnd.graphviz", "dot"}} {
		if q := acceptQ(accept, c.mt); q > best {
			best, format = q, c.format
		}
	}
	return format
}

// acceptQ is the quality Accept gives media type mt: the highest q of the
// entries that match it exactly, by type/* or by */*. An empty Accept
// accepts anything equally.
func acceptQ(accept, mt string) float64 {
	if strings.TrimSpace(accept) == "" {
		return 1
	}
	best := 0.0
	typ, _, _ := strings.Cut(mt, "/")
	for _, part := range strings.Split(accept, ",") {
		m, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || (m != mt && m != typ+"/*" && m != "*/*") {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if v, err := strconv.ParseFloat(s, 64); err == nil {
				q = v
			}
		}
		best = max(best, q)
	}
	return best
}

// utcPtr is t in UTC, nil for nil.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// historyParam reads ?history=true|false: whether the walk also follows
// the edges only older runs of a job reported.
func historyParam(q *queryReader) bool {
	switch v := q.str("history"); v {
	case "", "false":
		return false
	case "true":
		return true
	}
	q.fail("history", "history must be true or false.")
	return false
}
