package spec

import (
	"fmt"
	"strconv"
	"strings"
)

// binder reads a value tree into Go values, recording a Problem (and
// returning the zero value) wherever a value has the wrong type, and
// remembering YAML lines for every path it visits.
type binder struct {
	problems []Problem
	meta     *meta
}

func newBinder(yamlInput bool) *binder {
	m := &meta{unreadable: map[string]bool{}}
	if yamlInput {
		m.lines = map[string]int{}
	}
	return &binder{meta: m}
}

// at remembers the line of path (YAML only).
func (b *binder) at(path string, line int) {
	if b.meta.lines != nil && line > 0 {
		b.meta.lines[path] = line
	}
}

func (b *binder) add(path string, line int, msg string) {
	b.problems = append(b.problems, Problem{Field: path, Message: msg, Line: line})
}

func (b *binder) wrongType(path string, line int, v *value, want string) {
	b.meta.unreadable[path] = true
	b.add(path, line, fmt.Sprintf("%s must be %s, but it is %s.", fieldName(path), want, v.kind))
}

// field looks up key in obj and records its line under path.
func (b *binder) field(obj *value, key, path string) (*value, int, bool) {
	m, ok := obj.get(key)
	if !ok {
		return nil, 0, false
	}
	b.at(path, m.keyLine)
	return m.val, m.keyLine, true
}

// str reads an optional string field; absent or null reads as "".
// Surrounding whitespace is trimmed: it is never meaningful here, and YAML
// block scalars add a trailing newline the JSON form would not have.
func (b *binder) str(obj *value, key, path string) string {
	v, line, ok := b.field(obj, key, path)
	if !ok || v.kind == kindNull {
		return ""
	}
	return b.scalar(v, path, line)
}

func (b *binder) scalar(v *value, path string, line int) string {
	if v.kind == kindString || (v.loose && (v.kind == kindNumber || v.kind == kindBool)) {
		return strings.TrimSpace(v.text)
	}
	b.wrongType(path, line, v, "a string")
	return ""
}

// strList reads an optional list of strings. A wrong entry keeps its slot
// (as "") so that later entries keep the index the user sees.
func (b *binder) strList(obj *value, key, path string) []string {
	v, line, ok := b.field(obj, key, path)
	if !ok || v.kind == kindNull {
		return nil
	}
	if v.kind != kindList {
		b.wrongType(path, line, v, "a list of strings")
		return nil
	}
	out := make([]string, 0, len(v.items))
	for i, item := range v.items {
		ip := path + "[" + strconv.Itoa(i) + "]"
		b.at(ip, item.line)
		out = append(out, b.scalar(item, ip, item.line))
	}
	return out
}

// objList reads an optional list of objects and returns one object per
// entry; an entry of the wrong type is reported and read as an empty
// object, again to keep indexes aligned with the input.
func (b *binder) objList(obj *value, key, path string) []*value {
	v, line, ok := b.field(obj, key, path)
	if !ok || v.kind == kindNull {
		return nil
	}
	if v.kind != kindList {
		b.wrongType(path, line, v, "a list of objects")
		return nil
	}
	out := make([]*value, 0, len(v.items))
	for i, item := range v.items {
		ip := path + "[" + strconv.Itoa(i) + "]"
		b.at(ip, item.line)
		if item.kind != kindObject {
			b.wrongType(ip, item.line, item, "an object")
			item = &value{kind: kindObject, line: item.line}
		}
		out = append(out, item)
	}
	return out
}
