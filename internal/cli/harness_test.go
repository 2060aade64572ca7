package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/client"
	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/server"
)

// dxpResult is what one in-process dxp invocation printed and returned.
type dxpResult struct {
	stdout, stderr string
	err            error
}

// runDXP runs dxp in-process with env as its whole environment.
func runDXP(t *testing.T, env map[string]string, stdin string, args ...string) dxpResult {
	t.Helper()
	var out, errOut bytes.Buffer
	err := Run(context.Background(), args, Env{Getenv: func(k string) string { return env[k] }, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut})
	return dxpResult{out.String(), errOut.String(), err}
}

// must fails the test unless the invocation succeeded.
func (r dxpResult) must(t *testing.T) dxpResult {
	t.Helper()
	if r.err != nil {
		t.Fatalf("dxp failed: %v\nstdout:\n%s\nstderr:\n%s", r.err, r.stdout, r.stderr)
	}
	return r
}

// startServer serves a catalog configured by env alone, as internal/server
// builds it, and returns its URL.
func startServer(t *testing.T, env map[string]string) string {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.New(context.Background(), cfg, server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { ts.Close(); s.Close() })
	return ts.URL
}

// testCatalog is a development server with one organization, acme-corp,
// on the plan the test asks for.
type testCatalog struct {
	url      string
	admin    string         // acme-corp's first admin key
	platform *client.Client // the platform-key scaffold key
}

func newTestCatalog(t *testing.T, plan string) *testCatalog {
	t.Helper()
	base := startServer(t, map[string]string{"DATAXPIPE_DB": t.TempDir() + "/cli.db", "DATAXPIPE_ENV": "development"})
	platform, err := client.New(base, "platform-key")
	if err != nil {
		t.Fatal(err)
	}
	org, err := platform.CreateOrg(context.Background(), client.NewOrg{Slug: "acme-corp", Name: "Acme Corp", Plan: plan})
	if err != nil {
		t.Fatalf("create organization: %v", err)
	}
	return &testCatalog{url: base, admin: org.APIKey.Key, platform: platform}
}

// env is the environment of a CI job calling the catalog with key.
func (tc *testCatalog) env(key string) map[string]string {
	return map[string]string{"DATAXPIPE_API_URL": tc.url, "DATAXPIPE_API_KEY": key}
}

// dxp runs dxp as acme-corp's admin.
func (tc *testCatalog) dxp(t *testing.T, args ...string) dxpResult {
	t.Helper()
	return runDXP(t, tc.env(tc.admin), "", args...)
}

// client returns an API client with key.
func (tc *testCatalog) client(t *testing.T, key string) *client.Client {
	t.Helper()
	c, err := client.New(tc.url, key)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// decodeJSON reads a command's --output json.
func decodeJSON[T any](t *testing.T, r dxpResult) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	return v
}

// newRun is a finished run of pipeline with the given id.
func newRun(pipeline, id string) client.NewRun {
	return client.NewRun{PipelineID: pipeline, RunID: id, Status: client.RunSuccess}
}
