package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/spec"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// golden compares got with the file testdata/name, or rewrites it with -update.
func golden(t *testing.T, dir, name, got string) {
	t.Helper()
	path := filepath.Join(dir, name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// atRepoRoot moves the test to the repository root, so that paths in the
// output read examples/... as a user would type them, and returns the
// absolute testdata directory.
func atRepoRoot(t *testing.T) string {
	t.Helper()
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir("../..")
	return testdata
}

func TestSpecValidate_Golden(t *testing.T) {
	testdata := atRepoRoot(t)
	paths, _ := filepath.Glob("examples/invalid/*")
	paths = append(paths, "examples")
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			r := runDXP(t, nil, "", "spec", "validate", path)
			if (r.err != nil) != (path != "examples") {
				t.Fatalf("spec validate %s: err = %v", path, r.err)
			}
			golden(t, testdata, filepath.Join("validate", filepath.Base(path)+".golden"), fmt.Sprintf("%s--- error: %v\n", r.stdout, r.err))
		})
	}
}

// Unknown fields are warnings: they leave a spec valid (the server
// registers it and ignores them) unless --strict, and --output json marks
// them.
func TestSpecValidate_WarningsAndStrict(t *testing.T) {
	testdata := atRepoRoot(t)
	r := runDXP(t, nil, "", "spec", "validate", "--strict", "examples/invalid/typos.yaml")
	golden(t, testdata, "validate/typos.yaml.strict.golden", fmt.Sprintf("%s--- error: %v\n", r.stdout, r.err))

	path := filepath.Join(t.TempDir(), "warned.yaml")
	body := "pipeline:\n  name: warned\n  owner: a@b.com\n  schedule: \"@daily\"\n  descripton: x\nsources:\n  - {id: raw, type: postgres}\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runDXP(t, nil, "", "spec", "validate", path)
	want := path + `:5: warning: descripton: "descripton" is not a pipeline field and is ignored; did you mean description?` + "\n1 spec valid: warned (1 warning)\n"
	if r.err != nil || r.stdout != want {
		t.Fatalf("err %v, output\n%s\nwant\n%s", r.err, r.stdout, want)
	}
	if r = runDXP(t, nil, "", "spec", "validate", "--strict", path); r.err == nil || r.err.Error() != "1 problem in 1 file" {
		t.Fatalf("--strict: err %v", r.err)
	}
	r = runDXP(t, nil, "", "spec", "validate", "--output", "json", path)
	var got []jsonProblem
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.err != nil || len(got) != 1 || got[0].Severity != "warning" {
		t.Fatalf("json %q, err %v", r.stdout, r.err)
	}
}

func TestSpecValidate_JSONOutput(t *testing.T) {
	atRepoRoot(t)
	r := runDXP(t, nil, "", "spec", "validate", "--output", "json", "examples/invalid/missing_keys.yaml", "examples/customers.yaml")
	var got []jsonProblem
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.err == nil {
		t.Fatalf("output %q, err %v", r.stdout, r.err)
	}
	want := jsonProblem{File: "examples/invalid/missing_keys.yaml", Line: 8, Field: "sources[0].watermark_column", Severity: "error"}
	if len(got) != 2 || got[0].File != want.File || got[0].Line != want.Line || got[0].Field != want.Field || got[0].Severity != want.Severity {
		t.Fatalf("problems = %+v, want 2 starting with %+v", got, want)
	}
}

func TestSpecValidate_SamePipelineInTwoFiles(t *testing.T) {
	atRepoRoot(t)
	r := runDXP(t, nil, "", "spec", "validate", "examples/orders.yaml", "examples/invalid/missing_keys.yaml")
	want := "examples/invalid/missing_keys.yaml:3: name: pipeline orders_sync is also defined in examples/orders.yaml; give each pipeline one spec file.\n"
	if r.err == nil || !strings.HasSuffix(r.stdout, want) {
		t.Fatalf("err = %v, output:\n%s\nwant it to end with\n%s", r.err, r.stdout, want)
	}
}

func TestSpecBuild_GoldenAndDeterministic(t *testing.T) {
	testdata := atRepoRoot(t)
	out1, out2 := t.TempDir(), t.TempDir()
	runDXP(t, nil, "", "spec", "build", "examples", "-o", out1).must(t)
	runDXP(t, nil, "", "spec", "build", "-o", out2, "examples/orders.yaml", "examples/customers.yaml", "examples/inventory.yaml").must(t)
	files := readTree(t, out1)
	if again := readTree(t, out2); fmt.Sprint(again) != fmt.Sprint(files) {
		t.Fatalf("two builds of the same specs differ")
	}
	if len(files) != 6 {
		t.Fatalf("built %d files, want pipeline.json and lineage.json for 3 pipelines: %v", len(files), files)
	}
	for name, content := range files {
		golden(t, testdata, filepath.Join("build", name), content)
		// What build writes is what the API registers: it reads back to the same content.
		if filepath.Base(name) == "pipeline.json" {
			p, problems, err := spec.Decode("application/json", []byte(content))
			if err != nil || problems != nil || p.Validate() != nil {
				t.Fatalf("%s does not decode cleanly: %v %v %v", name, err, problems, p.Validate())
			}
		}
	}
}

func TestSpecBuild_RefusesInvalidSpecs(t *testing.T) {
	atRepoRoot(t)
	out := t.TempDir()
	r := runDXP(t, nil, "", "spec", "build", "examples/orders.yaml", "examples/invalid/cycle.yaml", "-o", out)
	if r.err == nil || r.err.Error() != "1 problem in 1 file" {
		t.Fatalf("err = %v, want 1 problem in 1 file", r.err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Fatalf("build wrote %d entries despite a problem", len(entries))
	}
}

// readTree maps every file under dir (by slash path) to its content.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
