package openlineage

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
)

// FuzzParse feeds Parse and ParseBatch arbitrary bodies, seeded with every
// fixture. Whatever comes in, they must not panic, and the outcome must be
// one of three: an event, ErrNotJSON, or a *ValidationError with problems.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	broken, _ := filepath.Glob("testdata/broken/*.json")
	for _, file := range append(files, broken...) {
		for _, event := range fixtureEvents(f, file) {
			f.Add(event)
		}
	}
	f.Add([]byte(`{"run":{"facets":{"parent":{"root":{}}}},"job":{"facets":{"ownership":{"owners":[1]}}}}`))
	f.Add([]byte(`[{"eventTime":null}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := Parse(body)
		checkOutcome(t, err)
		if err == nil {
			if e.Kind == "" || len(e.Fingerprint()) != 64 {
				t.Fatalf("parsed event without kind or fingerprint: %+v", e)
			}
			if e.Kind == KindRun && !isUUID(e.RunID) {
				t.Fatalf("RunID %q is not a UUID", e.RunID)
			}
			if again := (Event{Raw: e.Raw}).Fingerprint(); again != e.Fingerprint() {
				t.Fatal("fingerprint is not stable")
			}
		}
		items, err := ParseBatch(body)
		checkOutcome(t, err)
		for _, item := range items {
			_, err := Parse(item)
			checkOutcome(t, err)
		}
	})
}

func checkOutcome(t *testing.T, err error) {
	t.Helper()
	var ve *ValidationError
	switch {
	case err == nil, errors.Is(err, ErrNotJSON):
	case errors.As(err, &ve):
		if len(ve.Problems) == 0 || len(ve.Problems) > maxProblems+1 {
			t.Fatalf("%d problems", len(ve.Problems))
		}
	default:
		t.Fatalf("unexpected error type %T: %v", err, err)
	}
}

// FuzzDecompress checks that no gzip input panics or passes the limit.
func FuzzDecompress(f *testing.F) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	json.NewEncoder(zw).Encode(map[string]string{"eventType": "START"})
	zw.Close()
	f.Add(buf.Bytes())
	f.Add([]byte("\x1f\x8b\x08\x00"))
	f.Fuzz(func(t *testing.T, body []byte) {
		const limit = 1 << 10
		data, err := Decompress(bytes.NewReader(body), "gzip", limit)
		if err == nil && len(data) > limit {
			t.Fatalf("%d bytes passed a limit of %d", len(data), limit)
		}
	})
}
