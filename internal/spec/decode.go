package spec

import (
	"errors"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strings"
)

// ErrMalformed is wrapped by the error Decode returns when the body is not
// a JSON or YAML object at all. Anything less severe is a Problem instead.
var ErrMalformed = errors.New("malformed pipeline definition")

// Decode reads a definition in any of the accepted shapes: the flat,
// generated pipeline.json, or the spec shape with pipeline-level fields
// under "pipeline", each as JSON or YAML. contentType picks the syntax
// (application/yaml, application/x-yaml, text/yaml and text/x-yaml mean
// YAML; anything else, including "", means JSON); parameters such as
// charset are ignored.
//
// It returns the normalised pipeline plus the problems found while
// decoding (values of the wrong type, organization fields, conflicting
// shorthands). The error is non-nil, wrapping ErrMalformed, only when the
// body is not syntactically a JSON/YAML object.
func Decode(contentType string, body []byte) (*Pipeline, []Problem, error) {
	var (
		root *value
		err  error
	)
	yamlInput := isYAML(contentType)
	if yamlInput {
		root, err = parseYAML(body)
	} else {
		root, err = parseJSON(body)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s", ErrMalformed, err.Error())
	}
	if root.kind != kindObject {
		return nil, nil, fmt.Errorf("%w: the definition must be an object of fields such as name, owner and sources, but it is %s", ErrMalformed, root.kind)
	}
	p, problems := bind(root, yamlInput)
	return p, problems, nil
}

// DecodeFile is Decode for a spec file on disk. Files ending in .json are
// read as JSON; everything else as YAML, so problems carry Line.
func DecodeFile(path string) (*Pipeline, []Problem, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	ct := "application/yaml"
	if strings.EqualFold(filepath.Ext(path), ".json") {
		ct = "application/json"
	}
	p, problems, err := Decode(ct, body)
	if err != nil {
		// Keep ErrMalformed matchable while telling the user which file.
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, problems, nil
}

// isYAML reports whether a Content-Type names YAML.
func isYAML(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		// A sloppy header ("application/yaml;") should still pick the
		// right syntax; fall back to the part before any parameter.
		mt, _, _ = strings.Cut(contentType, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	switch mt {
	case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml":
		return true
	}
	return false
}
