package spec

import (
	"os"
	"path/filepath"
	"testing"
)

// readTestdata returns the bytes of a file under testdata.
func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mustDecode decodes body and fails the test on an error or any problem.
func mustDecode(t *testing.T, contentType string, body []byte) *Pipeline {
	t.Helper()
	p, problems, err := Decode(contentType, body)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if len(problems) != 0 {
		t.Fatalf("Decode problems: %+v", problems)
	}
	return p
}

// example is the orders_sync pipeline from testdata, decoded from JSON.
func example(t *testing.T) *Pipeline {
	t.Helper()
	return mustDecode(t, "application/json", readTestdata(t, "orders_sync.json"))
}

// fieldsOf lists the Field of each problem, in order.
func fieldsOf(problems []Problem) []string {
	out := []string{}
	for _, p := range problems {
		out = append(out, p.Field)
	}
	return out
}

// validFields validates p and returns the fields of its problems.
func validFields(p *Pipeline) []string {
	return fieldsOf(p.Validate())
}
