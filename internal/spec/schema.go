package spec

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaJSON is the JSON Schema of a definition in either shape. It is kept
// next to the code that enforces the same rules semantically, so a change
// to a field is made in both places in one commit.
//
//go:embed schema.json
var schemaJSON []byte

// SchemaJSON returns the JSON Schema of a pipeline definition (the YAML
// spec shape or the flat pipeline.json), for editors and other tools.
func SchemaJSON() []byte { return bytes.Clone(schemaJSON) }

// compiledSchema is schema.json compiled once, plus its raw form, in which
// problem messages look up titles and field names.
var compiledSchema = sync.OnceValues(func() (*jsonschema.Schema, map[string]any) {
	var raw map[string]any
	if err := json.Unmarshal(schemaJSON, &raw); err != nil {
		panic("spec: schema.json: " + err.Error()) // a build defect; the tests catch it
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		panic("spec: schema.json: " + err.Error())
	}
	c := jsonschema.NewCompiler()
	const url = "https://docs.dataxpipe.com/schemas/pipeline-spec.json"
	if err := c.AddResource(url, doc); err != nil {
		panic("spec: schema.json: " + err.Error())
	}
	return c.MustCompile(url), raw
})

// CheckSchema checks a definition against the JSON Schema and returns one
// Problem per violation, with flat paths as Validate uses them and, for YAML
// and JSON alike, lines. contentType picks the syntax as in Decode, and the
// error is the same: non-nil, wrapping ErrMalformed, only when the body is
// not a JSON/YAML object.
//
// Its values are read as Decode reads them, so both agree on what a field
// holds: YAML scalars are text (version: 1.0 is the string "1.0") and a
// null field is an absent one.
func CheckSchema(contentType string, body []byte) ([]Problem, error) {
	yamlInput := isYAML(contentType)
	parse := parseJSON
	if yamlInput {
		parse = parseYAML
	}
	root, err := parse(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrMalformed, err.Error())
	}
	if root.kind != kindObject {
		return nil, fmt.Errorf("%w: the definition must be an object of fields such as name, owner and sources, but it is %s", ErrMalformed, root.kind)
	}
	lines := root
	if !yamlInput {
		lines = IndexLines(body).root // JSON values carry no lines
	}
	sch, raw := compiledSchema()
	verr := sch.Validate(instance(root))
	var ve *jsonschema.ValidationError
	if !errors.As(verr, &ve) {
		return nil, verr
	}
	s := &schemaReport{root: root, lines: lines, raw: raw}
	s.walk(ve)
	sortProblems(s.problems)
	return s.problems, nil
}

// instance converts a value tree to what the validator takes.
func instance(v *value) any {
	switch v.kind {
	case kindObject:
		obj := make(map[string]any, len(v.members))
		for _, m := range v.members {
			if m.val.kind != kindNull {
				obj[m.key] = instance(m.val)
			}
		}
		return obj
	case kindList:
		items := make([]any, len(v.items))
		for i, item := range v.items {
			items[i] = instance(item)
		}
		return items
	case kindNull:
		return nil
	}
	if v.loose {
		return v.text
	}
	if v.kind == kindNumber {
		return json.Number(v.text)
	}
	if v.kind == kindBool {
		return v.text == "true"
	}
	return v.text
}
