package spec

import (
	"strconv"
	"strings"
)

// LineIndex finds the lines of fields in the text of a definition, for
// tools that point at problems like a compiler does. It works for YAML and
// for JSON alike, because it reads the text as YAML, of which JSON is
// (for definitions) a subset; Decode cannot give lines for JSON input.
type LineIndex struct {
	root *value
}

// IndexLines parses body for LineIndex.Line. A body that does not parse
// gives an index that answers 0 for every path.
func IndexLines(body []byte) *LineIndex {
	root, err := parseYAML(body)
	if err != nil {
		return &LineIndex{}
	}
	return &LineIndex{root: root}
}

// Line returns the 1-based line of the field at path, a flat problem path
// such as "sources[0].watermark_column" or "owner", whichever shape the
// definition has. When the field is missing it returns the line of the
// closest enclosing entry, which is where it has to be added, as Validate
// does; 0 when nothing is known.
func (x *LineIndex) Line(path string) int {
	if x == nil || x.root == nil || x.root.kind != kindObject {
		return 0
	}
	segs := splitPath(path)
	if len(segs) > 0 {
		if _, own := x.root.get(segs[0]); !own && x.nestsHeader() && (isHeaderField(segs[0]) || x.inHeader(segs[0])) {
			segs = append([]string{"pipeline"}, segs...)
		}
	}
	return lineAt(x.root, segs)
}

// nestsHeader reports whether the definition has the spec shape, with its
// pipeline-level fields under "pipeline".
func (x *LineIndex) nestsHeader() bool {
	m, ok := x.root.get("pipeline")
	return ok && m.val.kind == kindObject
}

// inHeader reports whether the "pipeline" mapping holds key (which finds
// fields that are not pipeline-level but were put there, such as
// organization_id).
func (x *LineIndex) inHeader(key string) bool {
	m, _ := x.root.get("pipeline")
	_, ok := m.val.get(key)
	return ok
}

// lineAt walks loc (object keys and list indexes, as in a JSON Schema
// instance location) from root and returns the line of the deepest node it
// reaches: a key's own line, or a list entry's line.
func lineAt(root *value, loc []string) int {
	line, cur := root.line, root
	for _, seg := range loc {
		switch cur.kind {
		case kindObject:
			m, ok := cur.get(seg)
			if !ok {
				return line
			}
			line, cur = m.keyLine, m.val
		case kindList:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(cur.items) {
				return line
			}
			line, cur = cur.items[i].line, cur.items[i]
		default:
			return line
		}
	}
	return line
}

// splitPath turns "sources[0].watermark_column" into
// ["sources", "0", "watermark_column"].
func splitPath(path string) []string {
	if path == "" {
		return nil
	}
	return strings.FieldsFunc(path, func(r rune) bool { return r == '.' || r == '[' || r == ']' })
}

// flatPath turns an instance location into the flat path problems use. It
// walks root alongside, so that a list index is told from a key that looks
// like a number, and it drops the "pipeline" level of the spec shape, since
// problem paths name pipeline-level fields the same in both shapes.
func flatPath(root *value, loc []string) string {
	var b strings.Builder
	cur := root
	for i, seg := range loc {
		if cur != nil && cur.kind == kindList {
			b.WriteString("[" + seg + "]")
			n, _ := strconv.Atoi(seg)
			cur = itemAt(cur, n)
			continue
		}
		if !(i == 0 && seg == "pipeline" && len(loc) > 1) {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(seg)
		}
		cur = memberOf(cur, seg)
	}
	return b.String()
}

func itemAt(v *value, i int) *value {
	if i < 0 || i >= len(v.items) {
		return nil
	}
	return v.items[i]
}

func memberOf(v *value, key string) *value {
	if v == nil || v.kind != kindObject {
		return nil
	}
	m, ok := v.get(key)
	if !ok {
		return nil
	}
	return m.val
}
