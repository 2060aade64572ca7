package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
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
		return nil, yamlError(body, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return nil, errors.New("invalid YAML: the body holds more than one document; a definition is a single document")
	case err != io.EOF:
		return nil, yamlError(body, err)
	}
	c := &yamlConverter{budget: yamlNodeBudget}
	return c.convert(&doc, 0)
}

// yamlError drops yaml.v3's "yaml: " prefix, which reads oddly after ours,
// and names the line that broke the document rather than the one yaml.v3
// names: for a misindented key it reports where the enclosing list or
// mapping starts ("line 5: did not find expected '-' indicator" for a key
// on line 10), which sends the user to the wrong place.
func yamlError(body []byte, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	// Only a block list or mapping is reported at its start; a flow one
	// ([a, b) is best reported where it opens, as yaml.v3 does.
	if m := yamlLine.FindStringSubmatch(msg); m != nil && blockContext[m[2]] {
		reported, _ := strconv.Atoi(m[1])
		if line := firstBrokenLine(body, reported, m[2]); line > 0 {
			msg = fmt.Sprintf("line %d: %s; check the indentation of this line", line, m[2])
		}
	}
	return fmt.Errorf("invalid YAML: %s", msg)
}

var blockContext = map[string]bool{"did not find expected key": true, "did not find expected '-' indicator": true}

var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)

// firstBrokenLine is the smallest n >= from such that the first n lines of
// body fail to parse with the same message, i.e. the line whose text made
// the parser give up; 0 when there is none. A prefix of a document that is
// valid up to some line parses, so the search can bisect: O(log n) parses,
// which keeps a 1 MiB body cheap.
func firstBrokenLine(body []byte, from int, message string) int {
	lines := bytes.SplitAfter(body, []byte("\n"))
	fails := func(n int) bool {
		var node yaml.Node
		err := yaml.Unmarshal(bytes.Join(lines[:n], nil), &node)
		return err != nil && strings.HasSuffix(err.Error(), message)
	}
	lo, hi := from-1, len(lines) // the first n in (lo, hi] that fails; the whole body does
	if lo < 0 || lo >= hi || !fails(hi) {
		return 0
	}
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}
