package api

import (
	"fmt"
	"reflect"
	"strings"
	"unicode"
)

// The OpenAPI document's schemas are made from the Go types the handlers
// encode and decode, by reflection over their json tags, so a field added to
// a view is in the document the moment it compiles. What reflection cannot
// see (the values a string may take) is added by fieldEnums.
//
// The rules follow encoding/json:
//   - a struct is an object of its exported, tagged fields; embedded structs
//     are flattened, as json flattens them;
//   - in an answer, a field without omitempty is required, and every object
//     is closed (additionalProperties: false), so an answer with a field the
//     document lacks fails validation in the API tests;
//   - a pointer may be null; json.RawMessage and interfaces are any JSON;
//   - time.Time is an RFC 3339 date-time.
//
// Request bodies are open to the same fields but require none: the handlers
// list missing fields with every other problem (422), and the document
// should not answer for them with a less helpful schema error.

// schemaMode says whether a type is read from requests or written in answers.
type schemaMode int

const (
	inAnswer schemaMode = iota
	inRequest
)

// schemaSet collects the named schemas of the document's components.
type schemaSet struct {
	defs  map[string]map[string]any
	names map[schemaKey]string
}

type schemaKey struct {
	t    reflect.Type
	mode schemaMode
}

func newSchemaSet() *schemaSet {
	return &schemaSet{defs: map[string]map[string]any{}, names: map[schemaKey]string{}}
}

var (
	anyJSONType = reflect.TypeFor[any]()
)

// ref is the schema of t: a $ref to a named component for named structs,
// inline for everything else.
func (s *schemaSet) ref(t reflect.Type, mode schemaMode) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawMessageType || t == anyJSONType || t.Kind() == reflect.Interface:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return nullableSchema(s.ref(t.Elem(), mode))
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": s.ref(t.Elem(), mode)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": s.ref(t.Elem(), mode)}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Struct:
		if t.Name() == "" {
			return s.object(t, mode)
		}
		key := schemaKey{t, mode}
		name, ok := s.names[key]
		if !ok {
			name = s.uniqueName(t, mode)
			s.names[key] = name
			s.defs[name] = nil // reserved: a type that refers to itself stops here
			s.defs[name] = s.object(t, mode)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	panic(fmt.Sprintf("openapi: no schema for %s", t))
}

// nullableSchema lets schema also be null.
func nullableSchema(schema map[string]any) map[string]any {
	if len(schema) == 0 { // any JSON includes null
		return schema
	}
	if typ, ok := schema["type"].(string); ok && len(schema) <= 2 {
		out := map[string]any{"type": []string{typ, "null"}}
		if f, ok := schema["format"]; ok {
			out["format"] = f
		} else if len(schema) == 2 {
			return map[string]any{"anyOf": []any{schema, map[string]any{"type": "null"}}}
		}
		return out
	}
	return map[string]any{"anyOf": []any{schema, map[string]any{"type": "null"}}}
}

// object is the schema of a struct's fields, embedded structs flattened.
func (s *schemaSet) object(t reflect.Type, mode schemaMode) map[string]any {
	props := map[string]any{}
	var required []string
	s.fields(t, mode, props, &required, false)
	out := map[string]any{"type": "object", "properties": props}
	if mode == inAnswer {
		out["additionalProperties"] = false
		if len(required) > 0 {
			out["required"] = required
		}
	} else if !openBody(t) {
		out["additionalProperties"] = false
	}
	return out
}

// openBody reports a request type whose unknown fields are warnings, not
// errors: the pipeline definition's (API.md: pipeline.json carries extra
// metadata), which internal/spec reads.
func openBody(t reflect.Type) bool {
	return strings.HasSuffix(t.PkgPath(), "/internal/spec")
}

func (s *schemaSet) fields(t reflect.Type, mode schemaMode, props map[string]any, required *[]string, optional bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, hasTag := f.Tag.Lookup("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" && opts == "" {
			continue
		}
		if f.Anonymous && !hasTag {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				// A nil embedded pointer adds no fields, so they are optional.
				s.fields(ft, mode, props, required, optional || f.Type.Kind() == reflect.Pointer)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		omit := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
		ft := f.Type
		if omit && ft.Kind() == reflect.Pointer && mode == inAnswer {
			ft = ft.Elem() // a nil pointer is left out, never null
		}
		schema := s.ref(ft, mode)
		if enum, ok := fieldEnums[t.Name()+"."+name]; ok {
			schema = withEnum(schema, enum)
		}
		props[name] = schema
		if !omit && !optional {
			*required = append(*required, name)
		}
	}
}

// withEnum restricts a string (or nullable string) schema to values.
func withEnum(schema map[string]any, values []string) map[string]any {
	out := map[string]any{}
	for k, v := range schema {
		out[k] = v
	}
	enum := make([]any, 0, len(values)+1)
	for _, v := range values {
		enum = append(enum, v)
	}
	if types, ok := schema["type"].([]string); ok && len(types) == 2 && types[1] == "null" {
		enum = append(enum, nil)
	}
	if schema["type"] == "array" {
		out["items"] = withEnum(schema["items"].(map[string]any), values)
		return out
	}
	out["enum"] = enum
	return out
}

// uniqueName is the component name of t: its Go name capitalised, without
// a View suffix (runView → Run), a list[T] as TList, request types as they
// are. A name another type already took gets the package prefixed.
func (s *schemaSet) uniqueName(t reflect.Type, mode schemaMode) string {
	name := t.Name()
	if open, args, ok := strings.Cut(name, "["); ok { // list[github.com/…/api.runView]
		arg := strings.TrimSuffix(args, "]")
		arg = arg[strings.LastIndex(arg, ".")+1:]
		name = arg + capitalise(open)
	}
	name = strings.TrimSuffix(name, "View")
	name = strings.ReplaceAll(name, "View", "")
	name = capitalise(name)
	if mode == inRequest && !strings.HasSuffix(name, "Request") {
		name += "Request"
	}
	if _, taken := s.defs[name]; taken {
		pkg := t.PkgPath()
		name = capitalise(pkg[strings.LastIndex(pkg, "/")+1:]) + name
	}
	return name
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
