package lineagedraw

import (
	"bytes"
	"cmp"
	"context"
	"encoding/xml"
	"fmt"
	"strings"
)

// RenderOptions say where the SVG goes.
type RenderOptions struct {
	// Inline drawings go into an HTML page: nodes are links with their
	// toggles, there is no XML declaration, and the page's stylesheet may
	// restyle every class. Standalone ones (the API's image/svg+xml) carry
	// their own legend.
	Inline bool
	Title  string // the drawing's accessible name
}

// The app's theme (internal/web/static/app.css), as presentation
// attributes so a standalone file looks the same; the page's classes win.
const (
	colInk      = "#1b2330"
	colMuted    = "#5a6474"
	colEdgeBoth = "#3d4654" // vouched for twice: darker as well as heavier
	colLine     = "#cfd5de"
	colBrand    = "#3b4bd8"
	colSoft     = "#eef0fd"
	colBad      = "#b42318"
	colBadBg    = "#fdeceb"
	colWarn     = "#8a5a00"
	colWarnBg   = "#fff4dc"
	colGone     = "#6b7280"
	colGoneBg   = "#f3f4f6"
	legendH     = 40
	idRunes     = 26
	subRunes    = 34
	fieldRunes  = 30
	fontSans    = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"
	fontMono    = "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"
	checkEvery  = 128 // elements between two looks at the deadline
)

// Draw lays g out and renders it.
func Draw(ctx context.Context, g Graph, o Options, ro RenderOptions) ([]byte, *Picture, error) {
	pic, err := Layout(ctx, g, o)
	if err != nil {
		return nil, nil, err
	}
	svg, err := Render(ctx, pic, ro)
	return svg, pic, err
}

// Render writes the picture as SVG: edges first, styled by provenance,
// then nodes with their state badges (a symbol and a word, never colour
// alone), each with a <title> tooltip.
func Render(ctx context.Context, pic *Picture, o RenderOptions) ([]byte, error) {
	var b bytes.Buffer
	g := pic.Graph
	width, height, offset := pic.Width, pic.Height, 0
	if !o.Inline {
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
		offset = legendH
		height += legendH
		width = max(width, 760)
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="ln-svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s" font-family="%s">`+"\n",
		width, height, width, height, attr(o.Title), fontSans)
	fmt.Fprintf(&b, `<title>%s</title>`+"\n", esc(o.Title))
	b.WriteString(`<defs>`)
	for _, m := range []struct{ id, fill string }{{"ln-arrow", colMuted}, {"ln-arrow-col", colBrand}} {
		fmt.Fprintf(&b, `<marker id="%s" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,1 L9,5 L0,9 z" fill="%s"/></marker>`, m.id, m.fill)
	}
	b.WriteString("</defs>\n")
	if !o.Inline {
		legend(&b)
	}
	fmt.Fprintf(&b, `<g class="ln-viewport" transform="translate(0,%d)">`+"\n", offset)
	index := make(map[string]int, len(g.Nodes))
	for i, n := range g.Nodes {
		index[n.ID] = i
	}
	b.WriteString(`<g class="ln-edges">` + "\n")
	for i, e := range g.Edges {
		if i%checkEvery == 0 && ctx.Err() != nil {
			return nil, ErrTooSlow
		}
		pts := pic.Routes[i]
		if pts == nil {
			continue
		}
		class, dash, width := edgeStyle(e)
		stroke := colMuted
		if class == "ln-both" {
			stroke = colEdgeBoth
		}
		tip := e.From + " → " + e.To + " · " + e.Prov.Word()
		if e.Historic {
			tip += " (only older runs reported it)"
		}
		if e.Label != "" {
			tip += " · " + e.Label
		}
		fmt.Fprintf(&b, `<path class="ln-edge %s" d="%s" fill="none" stroke="%s" stroke-width="%s"%s marker-end="url(#ln-arrow)" data-from="%s" data-to="%s"><title>%s</title></path>`+"\n",
			class, pathOf(pts), stroke, width, dash, attr(e.From), attr(e.To), esc(tip))
	}
	for _, ce := range g.ColumnEdges {
		a, okA := index[ce.From]
		c, okC := index[ce.To]
		if !okA || !okC || pic.Columns[a] >= pic.Columns[c] {
			continue
		}
		fa, fc := fieldRow(g.Nodes[a], ce.FromField), fieldRow(g.Nodes[c], ce.ToField)
		if fa < 0 || fc < 0 {
			continue
		}
		p1 := Point{pic.Boxes[a].X + NodeW, fieldY(pic.Boxes[a], fa)}
		p2 := Point{pic.Boxes[c].X, fieldY(pic.Boxes[c], fc)}
		fmt.Fprintf(&b, `<path class="ln-coledge" d="%s" fill="none" stroke="%s" stroke-width="1.3" marker-end="url(#ln-arrow-col)"><title>%s</title></path>`+"\n",
			pathOf([]Point{p1, p2}), colBrand, esc(ce.From+"."+ce.FromField+" → "+ce.To+"."+ce.ToField))
	}
	b.WriteString("</g>\n<g class=\"ln-nodes\">\n")
	for i, n := range g.Nodes {
		if i%checkEvery == 0 && ctx.Err() != nil {
			return nil, ErrTooSlow
		}
		node(&b, n, pic.Boxes[i], pic.Columns[i], n.ID == g.Focus, o.Inline)
	}
	b.WriteString("</g>\n</g>\n</svg>\n")
	return b.Bytes(), nil
}

// edgeStyle: declared and observed is solid and heavier, observed only is
// solid, declared but never observed dashed, historic dotted.
func edgeStyle(e Edge) (class, dash, width string) {
	switch {
	case e.Historic:
		return "ln-historic", ` stroke-dasharray="2 4"`, "1.2"
	case e.Prov == Declared:
		return "ln-declared", ` stroke-dasharray="7 5"`, "1.4"
	case e.Prov == Observed:
		return "ln-observed", "", "1.3"
	}
	return "ln-both", "", "2.2"
}

// pathOf smooths a polyline into horizontal-tangent curves.
func pathOf(pts []Point) string {
	var b strings.Builder
	fmt.Fprintf(&b, "M%d,%d", pts[0].X, pts[0].Y)
	if len(pts) == 3 && pts[0].X == pts[2].X { // a loop out of the side
		fmt.Fprintf(&b, " C%d,%d %d,%d %d,%d", pts[1].X, pts[0].Y, pts[1].X, pts[2].Y, pts[2].X, pts[2].Y)
		return b.String()
	}
	for k := 1; k < len(pts); k++ {
		p, q := pts[k-1], pts[k]
		if p.Y == q.Y {
			fmt.Fprintf(&b, " L%d,%d", q.X, q.Y)
			continue
		}
		dx := (q.X - p.X) / 2
		fmt.Fprintf(&b, " C%d,%d %d,%d %d,%d", p.X+dx, p.Y, q.X-dx, q.Y, q.X, q.Y)
	}
	return b.String()
}

func fieldRow(n Node, field string) int {
	for i, f := range n.Fields {
		if f == field {
			return i
		}
	}
	return -1
}

func fieldY(box Box, row int) int { return box.Y + NodeH + 8 + row*fieldH + fieldH/2 }

// stateLook is the colours and class of a node's most urgent state.
func stateLook(s State) (class, stroke, fill string) {
	for _, w := range stateWords {
		if s&w.s == 0 {
			continue
		}
		switch w.class {
		case "bad":
			return "ln-bad", colBad, colBadBg
		case "warn":
			return "ln-warn", colWarn, colWarnBg
		default:
			return "ln-gone", colGone, colGoneBg
		}
	}
	return "", "", ""
}

func node(b *bytes.Buffer, n Node, box Box, column int, focus, inline bool) {
	class, stroke, badgeFill := stateLook(n.State)
	classes := []string{"ln-node"}
	if class != "" {
		classes = append(classes, class)
	}
	fill, border, bw := "#ffffff", colLine, "1.2"
	if stroke != "" {
		border = stroke
	}
	if focus {
		classes = append(classes, "ln-focus")
		fill, border, bw = colSoft, colBrand, "2.5"
	}
	if n.Count > 0 {
		classes = append(classes, "ln-group")
	}
	dropped := n.State&Dropped != 0 && n.Count == 0
	if dropped {
		classes = append(classes, "ln-dropped")
	}
	words := n.State.Words()
	tip := []string{n.ID}
	if n.Label != "" {
		tip = []string{n.Label, n.ID}
	}
	if n.Count > 0 {
		tip = []string{fmt.Sprintf("%d datasets grouped by %s", n.Count, n.Sub)}
	}
	if n.Sub != "" && n.Count == 0 {
		tip = append(tip, n.Sub)
	}
	if n.Pipeline != "" {
		tip = append(tip, "produced by "+n.Pipeline)
	}
	tip = append(tip, words...)
	if n.Note != "" {
		tip = append(tip, n.Note)
	}
	fmt.Fprintf(b, `<g class="%s" data-id="%s" data-column="%d">`, strings.Join(classes, " "), attr(n.ID), column)
	if inline && n.Href != "" {
		fmt.Fprintf(b, `<a class="ln-link" href="%s">`, attr(n.Href))
	}
	fmt.Fprintf(b, `<title>%s</title>`, esc(strings.Join(tip, "\n")))
	if n.Count > 0 { // a stack of cards: a group reads as many
		for _, d := range []int{8, 4} {
			fmt.Fprintf(b, `<rect class="ln-stack" x="%d" y="%d" width="%d" height="%d" rx="8" fill="#ffffff" stroke="%s"/>`, box.X+d, box.Y-d, box.W, box.H, colLine)
		}
	}
	dash := ""
	if dropped {
		dash = ` stroke-dasharray="5 4"`
	}
	fmt.Fprintf(b, `<rect class="ln-box" x="%d" y="%d" width="%d" height="%d" rx="8" fill="%s" stroke="%s" stroke-width="%s"%s/>`,
		box.X, box.Y, box.W, box.H, fill, border, bw, dash)
	if stroke != "" {
		fmt.Fprintf(b, `<rect class="ln-stripe" x="%d" y="%d" width="6" height="%d" rx="3" fill="%s"/>`, box.X, box.Y, box.H, stroke)
	}
	label, labelFont := cmp.Or(n.Label, n.ID), fontMono
	if n.Count > 0 {
		label, labelFont = fmt.Sprintf("▦ %d datasets", n.Count), fontSans
	}
	deco := ""
	if dropped {
		deco = ` text-decoration="line-through"`
	}
	fmt.Fprintf(b, `<text class="ln-id" x="%d" y="%d" font-size="12.5" font-weight="600" font-family="%s" fill="%s"%s>%s</text>`,
		box.X+16, box.Y+21, labelFont, colInk, deco, esc(cut(label, idRunes)))
	if n.Sub != "" {
		fmt.Fprintf(b, `<text class="ln-sub" x="%d" y="%d" font-size="11" fill="%s">%s</text>`, box.X+16, box.Y+37, colMuted, esc(cut(n.Sub, subRunes)))
	}
	switch {
	case len(words) > 0:
		text := words[0]
		if len(words) > 1 {
			text += fmt.Sprintf(" +%d", len(words)-1)
		}
		w := 12 + 6*len([]rune(text))
		fmt.Fprintf(b, `<rect class="ln-badge %s" x="%d" y="%d" width="%d" height="16" rx="8" fill="%s" stroke="%s" stroke-width="0.8"/>`,
			class, box.X+12, box.Y+41, w, badgeFill, stroke)
		fmt.Fprintf(b, `<text class="ln-badge-text %s" x="%d" y="%d" font-size="10.5" font-weight="600" fill="%s">%s</text>`,
			class, box.X+18, box.Y+53, stroke, esc(text))
	case n.Pipeline != "":
		fmt.Fprintf(b, `<text class="ln-pipe" x="%d" y="%d" font-size="10.5" fill="%s">⚙ %s</text>`, box.X+16, box.Y+53, colMuted, esc(cut(n.Pipeline, subRunes)))
	}
	if focus {
		fmt.Fprintf(b, `<text class="ln-focus-tag" x="%d" y="%d" font-size="9.5" font-weight="700" letter-spacing="0.6" text-anchor="end" fill="%s">FOCUS</text>`,
			box.X+box.W-10, box.Y+16, colBrand)
	}
	if len(n.Fields) > 0 {
		y := box.Y + NodeH + 2
		fmt.Fprintf(b, `<line class="ln-rule" x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/>`, box.X+10, y, box.X+box.W-10, y, colLine)
		for i, f := range n.Fields {
			fmt.Fprintf(b, `<text class="ln-field" x="%d" y="%d" font-size="11" font-family="%s" fill="%s">%s</text>`,
				box.X+16, fieldY(box, i)+4, fontMono, colInk, esc(cut(f, fieldRunes)))
		}
	}
	if inline && n.Href != "" {
		b.WriteString(`</a>`)
	}
	if inline {
		// The toggle sits on the node's outer corner: right for the focus
		// and downstream, left upstream.
		cx := box.X + box.W
		if column < 0 {
			cx = box.X
		}
		for _, t := range []struct{ href, sign, tip, class string }{
			{n.ExpandHref, "+", "Show what lies beyond " + n.ID, "ln-expand"},
			{n.CollapseHref, "−", "Hide what lies beyond " + n.ID, "ln-collapse"}} {
			if t.href == "" {
				continue
			}
			fmt.Fprintf(b, `<a class="ln-toggle %s" href="%s" aria-label="%s"><title>%s</title><circle cx="%d" cy="%d" r="10" fill="#ffffff" stroke="%s" stroke-width="1.5"/><text x="%d" y="%d" text-anchor="middle" font-size="15" font-weight="700" fill="%s">%s</text></a>`,
				t.class, attr(t.href), attr(t.tip), esc(t.tip), cx, box.Y, colBrand, cx, box.Y+5, colBrand, t.sign)
		}
	}
	b.WriteString("</g>\n")
}

// legend draws the key for standalone drawings (the page has its own).
func legend(b *bytes.Buffer) {
	fmt.Fprintf(b, `<g class="ln-legend" font-size="11" fill="%s">`, colMuted)
	x := margin
	for _, e := range []Edge{{Prov: Declared | Observed}, {Prov: Observed}, {Prov: Declared}, {Prov: Observed, Historic: true}} {
		class, dash, w := edgeStyle(e)
		stroke := colMuted
		if class == "ln-both" {
			stroke = colEdgeBoth
		}
		word := e.Prov.Word()
		if e.Historic {
			word = "older runs only"
		}
		fmt.Fprintf(b, `<line x1="%d" y1="20" x2="%d" y2="20" stroke="%s" stroke-width="%s"%s/><text x="%d" y="24">%s</text>`, x, x+28, stroke, w, dash, x+34, esc(word))
		x += 48 + 6*len(word)
	}
	for _, s := range []State{CheckFailed, CheckWarned, Dropped} {
		_, stroke, _ := stateLook(s)
		word := s.Words()[0]
		fmt.Fprintf(b, `<text x="%d" y="24" fill="%s" font-weight="600">%s</text>`, x, stroke, esc(word))
		x += 20 + 6*len([]rune(word))
	}
	b.WriteString("</g>\n")
}

// cut shortens a label to n characters; the <title> keeps it whole.
func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// esc escapes text for XML; characters XML cannot hold become U+FFFD.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// attr escapes an attribute value (xml.EscapeText also escapes quotes).
func attr(s string) string { return esc(s) }
