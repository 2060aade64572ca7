package openlineage

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedDir returns ../shared/openlineage beside the repository root: the
// OpenLineage spec and producer events, which are not ours to copy into the
// repository. Without it the test skips, except under CI=true, where a
// missing folder would silently drop the conformance tests.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "..", "shared", "openlineage")
	if _, err := os.Stat(filepath.Join(dir, "spec", "OpenLineage.json")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but the OpenLineage spec is missing: %v", err)
		}
		t.Skipf("skipped: %s is absent (the OpenLineage spec and events live in ../shared)", dir)
	}
	return dir
}

// repoRoot walks up from the package directory to the folder with go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the package directory")
		}
		dir = parent
	}
}

// readFile reads a file or fails the test.
func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
