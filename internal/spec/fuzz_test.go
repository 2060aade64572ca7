package spec

import (
	"errors"
	"testing"
)

// FuzzDecode checks that no body, in either syntax, makes Decode or
// anything run on its result panic, and that errors are always
// ErrMalformed.
func FuzzDecode(f *testing.F) {
	seeds := []string{
		`{"name": "x", "sources": [{"id": "a"}]}`,
		`{"pipeline": {"name": "x"}, "transforms": [{"sql": "a.sql", "inputs": ["a"], "outputs": ["a"]}]}`,
		`{"tags": "pii", "sources": {}, "lineage": {"edges": [{"from": 1}]}}`,
		"pipeline:\n  name: x\nsources:\n  - <<: *a\n",
		"a: &a [*a]\n",
		"schedule: 'TZ=UTC\t0\t6\t*\t*'\n",
		"[1, 2]",
		"",
	}
	for _, s := range seeds {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, body string, yamlInput bool) {
		ct := "application/json"
		if yamlInput {
			ct = "application/yaml"
		}
		p, _, err := Decode(ct, []byte(body))
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error is not ErrMalformed: %v", err)
			}
			return
		}
		p.Validate()
		p.Edges()
		p.Datasets()
		p.ConnectionRefs()
		p.ContentHash()
		NextVersion(p.Version)
	})
}
