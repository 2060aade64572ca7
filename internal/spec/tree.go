package spec

import (
	"encoding/json"
	"sort"
	"strconv"
)

// kind is the JSON type of a decoded value. YAML values are mapped onto the
// same kinds so that one binder serves both syntaxes.
type kind int

const (
	kindNull kind = iota
	kindString
	kindNumber
	kindBool
	kindObject
	kindList
)

// String names the kind as a message would, with its article.
func (k kind) String() string {
	switch k {
	case kindString:
		return "a string"
	case kindNumber:
		return "a number"
	case kindBool:
		return "a boolean"
	case kindObject:
		return "an object"
	case kindList:
		return "a list"
	}
	return "null"
}

// value is a syntax-neutral document tree that keeps YAML positions, which
// decoding straight into structs would lose.
type value struct {
	kind    kind
	text    string // scalar text as written (numbers keep their spelling)
	members []member
	items   []*value
	line    int // 1-based YAML line; 0 for JSON
	// loose marks YAML scalars. YAML guesses a type for unquoted text
	// (version: 1.0 is a float, environment: no a boolean) although the
	// author meant a string, so any YAML scalar may be read as a string.
	// JSON types are explicit, so a JSON number is never a string.
	loose bool
}

// member is one key of an object, with the line of the key itself.
type member struct {
	key     string
	keyLine int
	val     *value
}

// get returns the member named key; the last one wins on duplicates, as in
// encoding/json.
func (v *value) get(key string) (member, bool) {
	for i := len(v.members) - 1; i >= 0; i-- {
		if v.members[i].key == key {
			return v.members[i], true
		}
	}
	return member{}, false
}

// fromJSON converts the output of a json.Decoder using UseNumber.
func fromJSON(x any) *value {
	switch t := x.(type) {
	case string:
		return &value{kind: kindString, text: t}
	case json.Number:
		return &value{kind: kindNumber, text: t.String()}
	case bool:
		return &value{kind: kindBool, text: strconv.FormatBool(t)}
	case []any:
		v := &value{kind: kindList, items: make([]*value, 0, len(t))}
		for _, e := range t {
			v.items = append(v.items, fromJSON(e))
		}
		return v
	case map[string]any:
		// Sorted so that everything downstream is deterministic.
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		v := &value{kind: kindObject, members: make([]member, 0, len(t))}
		for _, k := range keys {
			v.members = append(v.members, member{key: k, val: fromJSON(t[k])})
		}
		return v
	}
	return &value{kind: kindNull}
}
