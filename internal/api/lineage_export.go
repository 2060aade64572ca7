package api

import (
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/lineagedraw"
)

// lineageDOT is the walk as Graphviz DOT (?format=dot), the text export;
// the server draws SVG itself (lineage_render.go).
func lineageDOT(g *catalog.LineageGraph) []byte { return lineagedraw.DOT(g) }

func lineageTitle(g *catalog.LineageGraph) string { return lineagedraw.Title(g) }
