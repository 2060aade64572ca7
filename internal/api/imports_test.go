package api_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The API authenticates only through auth: it never reaches around it into
// the OIDC verifier (tests may build one to sign people in).
func TestImports_OnlyAuthAuthenticates(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				t.Fatal(err)
			}
			if path == "github.com/dataxpipe/catalog/internal/oidc" {
				t.Errorf("%s imports %s; ask internal/auth instead", name, path)
			}
		}
	}
}
