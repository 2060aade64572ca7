package openlineage

import (
	"encoding/json"
	"strconv"
	"strings"
)

// need says whether a field may be absent and whether "" will do.
type need int

const (
	optional need = iota // absent or null is fine
	required             // must be present; "" will do (the spec's "required")
	nonEmpty             // must be present and not "" (the catalog keys on it)
)

// reader reads the tree decodeTree built (maps, slices, strings,
// json.Number, bools, nil) and records a Problem wherever a value is missing
// or has the wrong type, so one pass over an event reports everything.
// Getters return the zero value after recording a problem; callers go on.
type reader struct {
	problems
}

// at is the JSON pointer to key inside the value at path. "~" and "/" in
// keys are escaped as RFC 6901 says; facet names are the producer's choice.
func at(path, key string) string {
	return path + "/" + pointerEscaper.Replace(key)
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// lookup returns m[key], treating null as absent: some clients write null
// for every unset optional field.
func (r *reader) lookup(m map[string]any, path, key string, n need) (any, bool) {
	v, ok := m[key]
	if ok && v != nil {
		return v, true
	}
	if n != optional {
		r.add(at(path, key), "%s is required.", key)
	}
	return nil, false
}

func (r *reader) str(m map[string]any, path, key string, n need) string {
	v, ok := r.lookup(m, path, key, n)
	if !ok {
		return ""
	}
	s, isStr := v.(string)
	switch {
	case !isStr:
		r.add(at(path, key), "%s must be a string, but it is %s.", key, kindOf(v))
	case s == "" && n == nonEmpty:
		r.add(at(path, key), "%s must not be empty.", key)
	}
	return s
}

func (r *reader) boolean(m map[string]any, path, key string, n need) bool {
	v, ok := r.lookup(m, path, key, n)
	if !ok {
		return false
	}
	b, isBool := v.(bool)
	if !isBool {
		r.add(at(path, key), "%s must be true or false, but it is %s.", key, kindOf(v))
	}
	return b
}

// object returns the object at m[key]; nil when absent or not an object.
func (r *reader) object(m map[string]any, path, key string, n need) map[string]any {
	v, ok := r.lookup(m, path, key, n)
	if !ok {
		return nil
	}
	return r.asObject(v, at(path, key), key)
}

func (r *reader) asObject(v any, path, name string) map[string]any {
	o, ok := v.(map[string]any)
	if !ok {
		r.add(path, "%s must be an object, but it is %s.", name, kindOf(v))
	}
	return o
}

// array returns the array at m[key]; nil when absent or not an array.
func (r *reader) array(m map[string]any, path, key string, n need) []any {
	v, ok := r.lookup(m, path, key, n)
	if !ok {
		return nil
	}
	a, isArray := v.([]any)
	if !isArray {
		r.add(at(path, key), "%s must be an array, but it is %s.", key, kindOf(v))
	}
	return a
}

// kindOf names a JSON value's type for messages.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "unknown"
}

// objects reads the array m[key] at path whose items must be objects (named
// what in problems) and converts each with read, which gets the item's path.
// Items that are not objects are reported and skipped.
func objects[T any](r *reader, m map[string]any, path, key string, n need, what string, read func(obj map[string]any, p string) T) []T {
	var out []T
	for i, item := range r.array(m, path, key, n) {
		p := at(at(path, key), strconv.Itoa(i))
		if obj := r.asObject(item, p, what); obj != nil {
			out = append(out, read(obj, p))
		}
	}
	return out
}
