package openlineage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
)

// Parse reads one OpenLineage event (RunEvent, DatasetEvent or JobEvent).
// The error wraps ErrNotJSON when body is not JSON, and is a
// *ValidationError listing every problem when it is JSON but not an event
// the catalog can take.
func Parse(body []byte) (Event, error) {
	tree, err := decodeTree(body)
	if err != nil {
		return Event{}, err
	}
	e, problems := readEvent(tree)
	if len(problems) > 0 {
		return Event{}, &ValidationError{Problems: problems}
	}
	e.Raw = slices.Clone(body)
	e.fingerprint = hashHex(canonicalJSON(tree))
	return e, nil
}

// ParseBatch splits the body of POST /lineage/batch, a JSON array of
// events, into the events' raw JSON for Parse, so that one bad event fails
// alone and the answer can list it under failed_events. The error wraps
// ErrNotJSON when body is not JSON, and is a *ValidationError when it is
// JSON but not an array.
func ParseBatch(body []byte) ([]json.RawMessage, error) {
	if !json.Valid(body) {
		_, err := decodeTree(body) // for the position of the syntax error
		return nil, err
	}
	if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != '[' {
		return nil, &ValidationError{Problems: []Problem{{Message: "A batch must be a JSON array of events."}}}
	}
	var events []json.RawMessage
	if err := json.Unmarshal(body, &events); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotJSON, err) // unreachable after json.Valid
	}
	return events, nil
}

// decodeTree decodes exactly one JSON value, keeping numbers as
// json.Number so that large integers and the canonical form keep their
// exact text.
func decodeTree(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: the body is empty", ErrNotJSON)
		}
		return nil, fmt.Errorf("%w: %w", ErrNotJSON, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: unexpected data after the JSON value at offset %d", ErrNotJSON, dec.InputOffset())
	}
	return tree, nil
}
