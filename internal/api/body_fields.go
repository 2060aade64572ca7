package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// bodyProblems walks a decoded JSON body against the request type t and
// lists every field problem at once, named by its JSON path
// ("results[0].check_id"): fields the type does not have, values of the
// wrong JSON type and timestamps that are not RFC 3339. encoding/json stops
// at the first unknown field and names type errors by Go struct paths, so it
// cannot say this itself; it decodes only once the body is known to fit.
//
// The walk follows the same rules as encoding/json (json tags, "-",
// promoted fields of embedded structs, case-insensitive keys), so a body it
// accepts decodes without error.
//
// What fits is decoded into T; a field with a problem is left at its zero
// value, so that a handler can add the problems of its own rules without
// repeating those (see mergeProblems). The error is for a body that is not
// JSON at all.
func decodeBody[T any](body []byte) (T, []catalog.FieldError, error) {
	var v T
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return v, nil, decodeError(err)
	}
	if dec.More() {
		return v, nil, catalog.Errorf(catalog.EMALFORMED, "The body has data after the JSON value; send one JSON object.")
	}
	var problems []catalog.FieldError
	if walkBody(tree, reflect.TypeFor[T](), "", &problems) {
		return v, problems, nil // the body itself is not the object T is
	}
	pruned, err := json.Marshal(tree)
	if err == nil {
		err = json.Unmarshal(pruned, &v)
	}
	if err != nil && len(problems) == 0 {
		return v, nil, decodeError(err) // a case the walk does not know; the decoder's word
	}
	return v, problems, nil
}

// mergeProblems appends a handler's own problems to the body's, leaving out
// those at (or under) a field the body already has a problem with: a value
// of the wrong type was read as empty and is not also "required", and a
// body that is no object at all (field "") says everything.
func mergeProblems(body, rules []catalog.FieldError) []catalog.FieldError {
	out := body
	for _, p := range rules {
		covered := false
		for _, b := range body {
			if b.Field == "" || p.Field == b.Field || strings.HasPrefix(p.Field, b.Field+".") || strings.HasPrefix(p.Field, b.Field+"[") {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, p)
		}
	}
	return out
}

var (
	rawMessageType = reflect.TypeFor[json.RawMessage]()
	timeType       = reflect.TypeFor[time.Time]()
)

// walkBody reports the problems of v at path and whether v itself is bad;
// bad members and items are removed from v (set to null in lists, to keep
// the indexes), so that what is left decodes.
func walkBody(v any, t reflect.Type, path string, out *[]catalog.FieldError) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil || t == rawMessageType || t.Kind() == reflect.Interface {
		return false // null leaves any field at its zero value; raw values take anything
	}
	if t == timeType {
		if s, ok := v.(string); !ok || !validTime(s) {
			*out = append(*out, catalog.FieldError{Field: path,
				Message: path + " must be an RFC 3339 timestamp such as 2026-06-07T06:00:00Z."})
			return true
		}
		return false
	}
	want := jsonKind(t.Kind().String())
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			break
		}
		fields := jsonFields(t)
		for _, key := range sortedKeys(obj) {
			f, ok := lookupField(fields, key)
			if !ok {
				*out = append(*out, unknownField(join(path, key), key, fields))
				delete(obj, key)
				continue
			}
			if walkBody(obj[key], f.typ, join(path, f.name), out) {
				delete(obj, key)
			}
		}
		return false
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			break
		}
		for _, key := range sortedKeys(obj) {
			if walkBody(obj[key], t.Elem(), join(path, key), out) {
				delete(obj, key)
			}
		}
		return false
	case reflect.Slice, reflect.Array:
		items, ok := v.([]any)
		if !ok {
			break
		}
		for i, item := range items {
			if walkBody(item, t.Elem(), path+"["+strconv.Itoa(i)+"]", out) {
				items[i] = nil
			}
		}
		return false
	case reflect.String:
		if _, ok := v.(string); ok {
			return false
		}
	case reflect.Bool:
		if _, ok := v.(bool); ok {
			return false
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n, ok := v.(json.Number); ok {
			if _, err := strconv.ParseInt(n.String(), 10, 64); err == nil {
				return false
			}
			*out = append(*out, catalog.FieldError{Field: path, Message: path + " must be a whole number."})
			return true
		}
		want = "number"
	case reflect.Float32, reflect.Float64:
		if _, ok := v.(json.Number); ok {
			return false
		}
	default:
		return false // a type no request uses; json.Unmarshal judges it
	}
	what := path
	if path == "" {
		what = "The body"
	}
	*out = append(*out, catalog.FieldError{Field: path,
		Message: fmt.Sprintf("%s must be a JSON %s, but it is %s.", what, want, jsonValueKind(v))})
	return true
}

// validTime is what encoding/json accepts for a time.Time.
func validTime(s string) bool {
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}

// unknownField explains a field the request does not have, with the field
// it most likely meant; organization fields get their own reason.
func unknownField(path, key string, fields []jsonField) catalog.FieldError {
	if key == "organization_id" || key == "organization" {
		return catalog.FieldError{Field: path, Message: "The organization comes from the credential, never from the body; remove " + key + "."}
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	msg := fmt.Sprintf("%s is not a field of this request; remove it", path)
	if guess := catalog.Suggest(key, names); guess != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", guess)
	}
	return catalog.FieldError{Field: path, Message: msg + "."}
}

type jsonField struct {
	name string
	typ  reflect.Type
}

// jsonFields lists the JSON fields of a struct as encoding/json sees them:
// tagged names, untagged fields by their Go name, embedded structs'
// fields promoted unless the outer struct has the same name.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	seen := map[string]bool{}
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				embedded = append(embedded, ft)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name, f.Type})
		seen[name] = true
	}
	for _, et := range embedded {
		for _, f := range jsonFields(et) {
			if !seen[f.name] {
				out = append(out, f)
				seen[f.name] = true
			}
		}
	}
	return out
}

// lookupField finds key as encoding/json does: exact name first, then
// case-insensitively.
func lookupField(fields []jsonField, key string) (jsonField, bool) {
	for _, f := range fields {
		if f.name == key {
			return f, true
		}
	}
	for _, f := range fields {
		if strings.EqualFold(f.name, key) {
			return f, true
		}
	}
	return jsonField{}, false
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// sortedKeys keeps the problems in a stable order (a map has none).
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// jsonValueKind names the JSON type of a decoded value, with its article.
func jsonValueKind(v any) string {
	switch v.(type) {
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
	return "null"
}
