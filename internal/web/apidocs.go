package web

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// The API reference page renders the OpenAPI document the API serves
// (Options.OpenAPI, api.OpenAPI), on the server and without scripts, so
// the page and /api/v1/openapi.json cannot say different things.

type apiReference struct {
	Title, Version, Description string
	Security                    []apiSecurity
	Groups                      []apiGroup
	Schemas                     []apiSchema
	Errors                      []apiErrorDoc
}

type apiSecurity struct{ Name, How, Description string }

type apiGroup struct {
	Tag string
	Ops []apiOp
}

type apiOp struct {
	Method, Path, Anchor, Summary, Access string
	Params                                []apiParam
	Body                                  []apiMedia
	Answers                               []apiAnswer
	Errors                                []string // statuses answered as problem+json
}

type apiParam struct {
	Name, In, Description string
	Type                  apiType
	Required              bool
}

type apiMedia struct {
	MediaType string
	Type      apiType
}

type apiAnswer struct {
	Status, Description string
	Media               []apiMedia
}

type apiSchema struct {
	Name, Anchor, Description string
	Type                      apiType // for a schema that is not a plain object
	Props                     []apiProp
}

type apiProp struct {
	Name, Description string
	Type              apiType
	Required          bool
}

type apiErrorDoc struct{ Status, Description string }

// apiType is a schema written for people: its parts, each linking to a
// named schema when it is one.
type apiType struct{ Parts []apiTypePart }

type apiTypePart struct{ Text, Link string }

func (u *UI) apiDocs(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	if u.openAPI == nil {
		u.renderError(w, r, s, http.StatusNotFound, "No API reference", "This server does not publish its API reference.")
		return nil
	}
	u.render(w, r, s, http.StatusOK, "apidocs", "API reference", "apidocs", u.apiRef())
	return nil
}

// apiRef is built once: the document is the same for the process's life.
func (u *UI) apiRef() apiReference {
	u.apiRefOnce.Do(func() {
		// As JSON reads it: the document's maps and lists are of many Go types.
		var doc map[string]any
		b, err := json.Marshal(u.openAPI())
		if err == nil {
			err = json.Unmarshal(b, &doc)
		}
		if err != nil {
			panic("web: the OpenAPI document is not JSON: " + err.Error())
		}
		u.apiRefDoc = buildAPIReference(doc)
	})
	return u.apiRefDoc
}

type apiRefCache struct {
	apiRefOnce sync.Once
	apiRefDoc  apiReference
}

var methodOrder = []string{"get", "post", "put", "patch", "delete"}

func buildAPIReference(doc map[string]any) apiReference {
	info := docObj(doc["info"])
	ref := apiReference{Title: docStr(info["title"]), Version: docStr(info["version"]), Description: docStr(info["description"])}
	comps := docObj(doc["components"])
	for _, name := range sortedKeys(docObj(comps["securitySchemes"])) {
		sc := docObj(docObj(comps["securitySchemes"])[name])
		how := "Header " + docStr(sc["name"])
		if docStr(sc["type"]) == "http" {
			how = "Authorization: Bearer (" + docStr(sc["bearerFormat"]) + ")"
		}
		ref.Security = append(ref.Security, apiSecurity{Name: name, How: how, Description: docStr(sc["description"])})
	}
	responses := docObj(comps["responses"])
	byTag := map[string][]apiOp{}
	errorStatus := map[string]string{} // a shared error answer by the status it stands for
	for _, path := range sortedKeys(docObj(doc["paths"])) {
		item := docObj(docObj(doc["paths"])[path])
		for _, method := range methodOrder {
			o, ok := item[method].(map[string]any)
			if !ok {
				continue
			}
			op := apiOp{Method: strings.ToUpper(method), Path: path, Anchor: "op-" + docStr(o["operationId"]),
				Summary: docStr(o["summary"]), Access: docStr(o["description"])}
			for _, p := range docList(o["parameters"]) {
				pm := docObj(p)
				op.Params = append(op.Params, apiParam{Name: docStr(pm["name"]), In: docStr(pm["in"]), Description: docStr(pm["description"]),
					Type: typeOf(docObj(pm["schema"])), Required: pm["required"] == true})
			}
			if body := docObj(o["requestBody"]); body != nil {
				op.Body = mediaOf(docObj(body["content"]))
			}
			for _, status := range sortedKeys(docObj(o["responses"])) {
				resp := docObj(docObj(o["responses"])[status])
				if r := docStr(resp["$ref"]); r != "" {
					op.Errors = append(op.Errors, status)
					if name := r[strings.LastIndex(r, "/")+1:]; errorStatus[name] == "" || status == "default" {
						errorStatus[name] = status
					}
					continue
				}
				op.Answers = append(op.Answers, apiAnswer{Status: status, Description: docStr(resp["description"]), Media: mediaOf(docObj(resp["content"]))})
			}
			tag := "other"
			if tags := docList(o["tags"]); len(tags) > 0 {
				tag = docStr(tags[0])
			}
			byTag[tag] = append(byTag[tag], op)
		}
	}
	for _, tag := range sortedKeys(byTag) {
		ref.Groups = append(ref.Groups, apiGroup{Tag: tag, Ops: byTag[tag]})
	}
	schemas := docObj(comps["schemas"])
	for _, name := range sortedKeys(schemas) {
		sc := docObj(schemas[name])
		s := apiSchema{Name: name, Anchor: "schema-" + name, Description: docStr(sc["description"])}
		props := docObj(sc["properties"])
		required := map[string]bool{}
		for _, r := range docList(sc["required"]) {
			required[docStr(r)] = true
		}
		for _, p := range sortedKeys(props) {
			pm := docObj(props[p])
			s.Props = append(s.Props, apiProp{Name: p, Description: docStr(pm["description"]), Type: typeOf(pm), Required: required[p]})
		}
		if len(s.Props) == 0 {
			s.Type = typeOf(sc)
		}
		ref.Schemas = append(ref.Schemas, s)
	}
	slices.SortFunc(ref.Schemas, func(a, b apiSchema) int { return cmp.Compare(a.Name, b.Name) })
	for _, name := range sortedKeys(responses) {
		ref.Errors = append(ref.Errors, apiErrorDoc{Status: cmp.Or(errorStatus[name], name), Description: docStr(docObj(responses[name])["description"])})
	}
	slices.SortStableFunc(ref.Errors, func(a, b apiErrorDoc) int { return cmp.Compare(a.Status, b.Status) })
	return ref
}

func mediaOf(content map[string]any) []apiMedia {
	var out []apiMedia
	for _, mt := range sortedKeys(content) {
		out = append(out, apiMedia{MediaType: mt, Type: typeOf(docObj(docObj(content[mt])["schema"]))})
	}
	return out
}

// typeOf writes a schema as a short type: a named schema, "array of X",
// "string (date-time) or null", "one of a, b", and any enum's values.
func typeOf(s map[string]any) apiType {
	var t apiType
	add := func(text, link string) { t.Parts = append(t.Parts, apiTypePart{Text: text, Link: link}) }
	join := func(alts []any, sep string) {
		for i, a := range alts {
			if i > 0 {
				add(sep, "")
			}
			t.Parts = append(t.Parts, typeOf(docObj(a)).Parts...)
		}
	}
	switch {
	case len(s) == 0:
		add("any JSON", "")
	case s["$ref"] != nil:
		name := docStr(s["$ref"])[strings.LastIndex(docStr(s["$ref"]), "/")+1:]
		add(name, "#schema-"+name)
	case s["anyOf"] != nil:
		join(docList(s["anyOf"]), " or ")
	case s["oneOf"] != nil:
		join(docList(s["oneOf"]), " or ")
	default:
		types := docList(s["type"])
		if typ, ok := s["type"].(string); ok {
			types = []any{typ}
		}
		for i, typ := range types {
			if i > 0 {
				add(" or ", "")
			}
			switch docStr(typ) {
			case "array":
				add("array of ", "")
				t.Parts = append(t.Parts, typeOf(docObj(s["items"])).Parts...)
			case "object":
				if ap := docObj(s["additionalProperties"]); ap != nil && s["properties"] == nil {
					add("map of ", "")
					t.Parts = append(t.Parts, typeOf(ap).Parts...)
				} else {
					add("object", "")
				}
			default:
				text := docStr(typ)
				if f := docStr(s["format"]); f != "" && docStr(typ) != "null" {
					text += " (" + f + ")"
				}
				add(text, "")
			}
		}
		if len(types) == 0 {
			add("any JSON", "")
		}
	}
	if enum := docList(s["enum"]); len(enum) > 0 {
		var vals []string
		for _, v := range enum {
			if v != nil {
				vals = append(vals, fmt.Sprint(v))
			}
		}
		add(": "+strings.Join(vals, " | "), "")
	}
	for _, k := range []string{"default", "minimum", "maximum"} {
		if v, ok := s[k]; ok {
			add(fmt.Sprintf(", %s %v", k, v), "")
		}
	}
	return t
}

func docObj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func docList(v any) []any {
	switch l := v.(type) {
	case []any:
		return l
	case []string:
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out
	case []map[string]any:
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out
	}
	return nil
}

func docStr(v any) string {
	s, _ := v.(string)
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
