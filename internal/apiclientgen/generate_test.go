package apiclientgen_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	_ "github.com/oapi-codegen/runtime" // what the generated client imports: kept in go.mod and the module cache

	"github.com/dataxpipe/catalog/internal/api"
	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// server is an API over a fresh SQLite store with the scaffold keys on.
func server(t *testing.T) *httptest.Server {
	t.Helper()
	db := sqlstoretest.Open(t, sqlstore.SQLite)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := auth.NewAuthenticator(db, logger)
	dev := &catalog.Org{Slug: "dev", Name: "Development", Plan: catalog.PlanFree}
	if err := db.CreateOrg(context.Background(), dev, nil); err != nil {
		t.Fatal(err)
	}
	a.EnableScaffold(dev)
	ts := httptest.NewServer(api.NewServer(api.Options{Store: db, Auth: a, Logger: logger}))
	t.Cleanup(ts.Close)
	return ts
}

func get(t *testing.T, url string) []byte {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", url, res.StatusCode, err)
	}
	return b
}

// TestGeneratedClient generates a Go client from the served OpenAPI 3.1
// document (oapi-codegen v2 reads 3.1 through kin-openapi), builds it in a
// temporary module and runs a program that calls the API with it. The 3.0
// rendition must pass kin-openapi's validation too, for tools that read
// only 3.0.
func TestGeneratedClient(t *testing.T) {
	ts := server(t)
	loader := openapi3.NewLoader()
	doc31, err := loader.LoadFromData(get(t, ts.URL+"/api/v1/openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc30, err := openapi3.NewLoader().LoadFromData(get(t, ts.URL+"/api/v1/openapi-3.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc30.Validate(context.Background()); err != nil {
		t.Fatalf("the 3.0 rendition is not valid OpenAPI 3.0: %v", err)
	}
	code, err := codegen.Generate(doc31, codegen.Configuration{PackageName: "main",
		Generate: codegen.GenerateOptions{Client: true, Models: true}})
	if err != nil {
		t.Fatalf("oapi-codegen: %v", err)
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "client.gen.go"), code)
	write(t, filepath.Join(dir, "main.go"), program)
	write(t, filepath.Join(dir, "go.mod"), "module dxpclient\n\ngo "+strings.TrimPrefix(runtime.Version(), "go")+"\n\nrequire "+requirement(t, "github.com/oapi-codegen/runtime")+"\n")
	sum, err := os.ReadFile(filepath.Join(moduleRoot(t), "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "go.sum"), string(sum))

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute) // a hang guard on a loaded machine
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "run", ".", ts.URL)
	cmd.Dir = dir
	// Offline: the runtime module is in the cache because go.mod requires it.
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local", "GONOSUMDB=*", "GOSUMDB=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the generated client failed: %v\n%s", err, out)
	}
	for _, want := range []string{"healthz ok", "created pg-prod", "read pg-prod postgres", "listed 1", "missing: not_found", "viewer refused: forbidden"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the client program did not print %q:\n%s", want, out)
		}
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// moduleRoot is the directory of this repository's go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// requirement is "path version" as this repository's go.mod pins it.
func requirement(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(moduleRoot(t), "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(path) + `\s+(v\S+)`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatalf("go.mod does not require %s", path)
	}
	return path + " " + m[1]
}

// program calls the API through the generated client: a probe, a write, a
// typed read, a list, and two problem+json answers read by their code.
const program = `package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
)

func key(k string) RequestEditorFn {
	return func(ctx context.Context, req *http.Request) error {
		req.Header.Set("X-API-KEY", k)
		return nil
	}
}

func must(err error) {
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
}

func main() {
	ctx := context.Background()
	c, err := NewClientWithResponses(os.Args[1])
	must(err)

	h, err := c.GetHealthzWithResponse(ctx)
	must(err)
	if h.JSON200 == nil {
		must(fmt.Errorf("healthz: %d %s", h.StatusCode(), h.Body))
	}
	fmt.Println("healthz", h.JSON200.Status)

	id, typ, desc := "pg-prod", "postgres", "orders"
	created, err := c.PostConnectionsWithResponse(ctx, ConnectionRequest{Id: &id, Type: &typ, Description: &desc,
		Config: map[string]any{"host": "db", "port": 5432, "password_secret": "vault/pg/pw"}}, key("dev-key"))
	must(err)
	if created.JSON201 == nil {
		must(fmt.Errorf("create: %d %s", created.StatusCode(), created.Body))
	}
	fmt.Println("created", created.JSON201.Id)

	got, err := c.GetConnectionsIdWithResponse(ctx, id, key("dev-key"))
	must(err)
	if got.JSON200 == nil || got.JSON200.Config["host"] != "db" {
		must(fmt.Errorf("read: %d %s", got.StatusCode(), got.Body))
	}
	fmt.Println("read", got.JSON200.Id, got.JSON200.Type)

	limit := 10
	list, err := c.GetConnectionsWithResponse(ctx, &GetConnectionsParams{Limit: &limit}, key("dev-key"))
	must(err)
	if list.JSON200 == nil {
		must(fmt.Errorf("list: %d %s", list.StatusCode(), list.Body))
	}
	fmt.Println("listed", len(list.JSON200.Items))

	missing, err := c.GetConnectionsIdWithResponse(ctx, "nope", key("dev-key"))
	must(err)
	if missing.ApplicationproblemJSON404 == nil {
		must(fmt.Errorf("missing: %d %s", missing.StatusCode(), missing.Body))
	}
	fmt.Println("missing:", missing.ApplicationproblemJSON404.Code)

	refused, err := c.GetApiKeysWithResponse(ctx, &GetApiKeysParams{}, key("dev-key"))
	must(err)
	if refused.ApplicationproblemJSON403 == nil {
		must(fmt.Errorf("viewer: %d %s", refused.StatusCode(), refused.Body))
	}
	fmt.Println("viewer refused:", refused.ApplicationproblemJSON403.Code)
}
`
