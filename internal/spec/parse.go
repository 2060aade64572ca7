package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"
)

var utf8BOM = []byte("\xef\xbb\xbf")

// parseJSON parses body into a value tree. Errors are phrased for people
// and carry the line and column of a syntax error.
func parseJSON(body []byte) (*value, error) {
	// Editors on some platforms save a BOM; it is not a syntax error worth
	// rejecting a definition for.
	body = bytes.TrimPrefix(body, utf8BOM)
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errors.New("the body is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil, jsonSyntaxError(body, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON: unexpected data after the top-level object")
	}
	return fromJSON(x), nil
}

// jsonSyntaxError turns a decoder error into "invalid JSON at line L,
// column C: ...", because a byte offset means nothing to a person.
func jsonSyntaxError(body []byte, err error) error {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return errors.New("invalid JSON: the body ends before the object is complete")
		}
		return fmt.Errorf("invalid JSON: %v", err)
	}
	// Offset counts the offending byte itself, so it sits at Offset-1.
	pos := max(0, min(int(se.Offset), len(body))-1)
	line := 1 + bytes.Count(body[:pos], []byte("\n"))
	col := pos - bytes.LastIndexByte(body[:pos], '\n')
	return fmt.Errorf("invalid JSON at line %d, column %d: %v", line, col, err)
}

// parseYAML parses the single YAML document in body into a value tree.
func parseYAML(body []byte) (v *value, err error) {
	defer func() {
		// yaml.v3 has panicked on hostile input before; a request body
		// must never take the server down.
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("invalid YAML: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(body))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, errors.New("the body is empty")
		}
		return nil, yamlError(err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return nil, errors.New("invalid YAML: the body holds more than one document; a definition is a single document")
	case err != io.EOF:
		return nil, yamlError(err)
	}
	c := &yamlConverter{budget: yamlNodeBudget}
	return c.convert(&doc, 0)
}

// yamlError drops yaml.v3's "yaml: " prefix, which reads oddly after ours.
func yamlError(err error) error {
	return fmt.Errorf("invalid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
}
