// Package archtest holds tests of the code's shape rather than its
// behaviour: which package may import which. The rules are those of
// docs/ARCHITECTURE.md; a change that breaks one fails here, not in review.
package archtest

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/dataxpipe/catalog"

type pkg struct {
	ImportPath  string
	Standard    bool
	Imports     []string
	TestImports []string
	Deps        []string
}

// listPackages runs `go list` over the module once; the go command is on
// hand wherever the tests run.
func listPackages(t *testing.T) map[string]pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Standard,Imports,TestImports,Deps", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs[p.ImportPath] = p
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found %d packages; the module has more", len(pkgs))
	}
	return pkgs
}

// isStandard tells a standard-library import path from a module one: only
// the latter have a dot in their first element.
func isStandard(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

func TestDomainImportsOnlyTheStandardLibrary(t *testing.T) {
	p, ok := listPackages(t)[module+"/internal/catalog"]
	if !ok {
		t.Fatal("internal/catalog not found")
	}
	for _, imp := range append(p.Imports, p.TestImports...) {
		if !isStandard(imp) {
			t.Errorf("internal/catalog imports %s; the domain uses the standard library only", imp)
		}
	}
}

// rule says that a package must not depend on another: at all (transitive)
// or only not by importing it itself.
type rule struct {
	from, to   string
	transitive bool
	why        string
}

var rules = []rule{
	{"/internal/sqlstore", "/internal/spec", true, "the store persists what the domain decided; the caller decodes specs"},
	{"/internal/sqlstore", "/internal/openlineage", true, "the caller maps OpenLineage events; the store persists the result"},
	{"/internal/api", "/internal/oidc", false, "people are authenticated through auth, which owns the OIDC verifier"},
}

func TestLayerRules(t *testing.T) {
	pkgs := listPackages(t)
	for _, r := range rules {
		p, ok := pkgs[module+r.from]
		if !ok {
			t.Errorf("%s not found", r.from)
			continue
		}
		deps := p.Imports
		if r.transitive {
			deps = p.Deps
		}
		for _, dep := range deps {
			if dep == module+r.to {
				t.Errorf("%s depends on %s: %s", r.from, r.to, r.why)
			}
		}
	}
}

func TestNothingImportsCmd(t *testing.T) {
	for path, p := range listPackages(t) {
		for _, imp := range append(p.Imports, p.TestImports...) {
			if strings.HasPrefix(imp, module+"/cmd/") && !strings.HasPrefix(path, module+"/cmd/") {
				t.Errorf("%s imports %s; cmd/ only wires packages together", path, imp)
			}
		}
	}
}
