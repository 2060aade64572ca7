package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// copyExamples copies the example specs into a directory the test may edit.
func copyExamples(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"customers.yaml", "inventory.yaml", "orders.yaml"} {
		b, err := os.ReadFile(filepath.Join("../../examples", name))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, name), string(b))
	}
	return dir
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// edit replaces old with new in the file at path.
func edit(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(b), old) {
		t.Fatalf("%s does not contain %q (%v)", path, old, err)
	}
	writeFile(t, path, strings.Replace(string(b), old, new, 1))
}

func TestPipelinesApply_CreatedUnchangedNewVersion(t *testing.T) {
	tc := newTestCatalog(t, "free")
	dir := copyExamples(t)

	r := tc.dxp(t, "pipelines", "apply", "-f", dir).must(t)
	for _, want := range []string{"customers_sync      created            2.1.0", "orders_sync         created            1.4.0", "3 pipelines: 3 created"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("first apply lacks %q:\n%s", want, r.stdout)
		}
	}
	r = tc.dxp(t, "pipelines", "apply", "-f", dir).must(t)
	if !strings.Contains(r.stdout, "3 pipelines: 3 unchanged") {
		t.Errorf("second apply:\n%s", r.stdout)
	}

	// A changed spec without a version gets the next one; a new version is taken as given.
	edit(t, filepath.Join(dir, "customers.yaml"), "  version: 2.1.0\n", "")
	edit(t, filepath.Join(dir, "customers.yaml"), "Deduplicate CRM", "Dedupe CRM")
	edit(t, filepath.Join(dir, "inventory.yaml"), "version: 1.0.0", "version: 1.1.0")
	edit(t, filepath.Join(dir, "inventory.yaml"), "@hourly", "30 * * * *")
	r = tc.dxp(t, "pipelines", "apply", "-f", dir, "--dry-run").must(t)
	for _, want := range []string{"customers_sync      would add version  2.1.1", "inventory_snapshot  would add version  1.1.0",
		"orders_sync         unchanged          1.4.0", "(dry run: nothing was registered)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run lacks %q:\n%s", want, r.stdout)
		}
	}
	if p, _ := tc.client(t, tc.admin).GetPipeline(context.Background(), "customers_sync"); p.Version != "2.1.0" {
		t.Fatalf("the dry run registered something: customers_sync is at %s", p.Version)
	}
	r = tc.dxp(t, "pipelines", "apply", "-f", dir, "--output", "json").must(t)
	var got struct {
		DryRun  bool          `json:"dry_run"`
		Results []applyResult `json:"results"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	want := []applyResult{
		{File: filepath.Join(dir, "customers.yaml"), Pipeline: "customers_sync", Version: "2.1.1", Result: "new_version"},
		{File: filepath.Join(dir, "inventory.yaml"), Pipeline: "inventory_snapshot", Version: "1.1.0", Result: "new_version"},
		{File: filepath.Join(dir, "orders.yaml"), Pipeline: "orders_sync", Version: "1.4.0", Result: "unchanged"},
	}
	for i := range got.Results {
		got.Results[i].Warnings = nil // the examples name connections nobody made; TestPipelinesApply_Warnings looks at them
	}
	if got.DryRun || !reflect.DeepEqual(got.Results, want) {
		t.Fatalf("results = %+v\nwant %+v", got, want)
	}
}

func TestPipelinesApply_ConflictIsReportedAndOthersApplied(t *testing.T) {
	tc := newTestCatalog(t, "free")
	dir := copyExamples(t)
	tc.dxp(t, "pipelines", "apply", "-f", filepath.Join(dir, "orders.yaml")).must(t)
	edit(t, filepath.Join(dir, "orders.yaml"), "Sync orders", "Sync all orders") // same version 1.4.0

	r := tc.dxp(t, "pipelines", "apply", "-f", dir, "--dry-run")
	if r.err == nil || !strings.Contains(r.stdout, "orders_sync         would conflict     version 1.4.0 of pipeline orders_sync is already registered") {
		t.Fatalf("dry run: err %v\n%s", r.err, r.stdout)
	}
	r = tc.dxp(t, "pipelines", "apply", "-f", dir)
	if r.err == nil || r.err.Error() != "1 of 3 pipelines could not be applied" {
		t.Fatalf("err = %v", r.err)
	}
	if !strings.Contains(r.stdout, "orders_sync         failed             Version 1.4.0 of pipeline orders_sync is already registered with different content") ||
		!strings.Contains(r.stdout, "3 pipelines: 2 created, 1 failed") {
		t.Fatalf("apply output:\n%s", r.stdout)
	}
}

func TestPipelinesApply_BuiltPipelineJSONIsTheSameContent(t *testing.T) {
	tc := newTestCatalog(t, "free")
	tc.dxp(t, "pipelines", "apply", "-f", "../../examples").must(t)
	out := t.TempDir()
	runDXP(t, nil, "", "spec", "build", "../../examples", "-o", out).must(t)
	r := tc.dxp(t, "pipelines", "apply", "-f", filepath.Join(out, "orders_sync/metadata/pipeline.json"),
		"-f", filepath.Join(out, "customers_sync/metadata/pipeline.json")).must(t)
	if !strings.Contains(r.stdout, "2 pipelines: 2 unchanged") {
		t.Fatalf("applying the built pipeline.json changed something:\n%s", r.stdout)
	}
}

func TestPipelinesApply_InvalidSpecRegistersNothing(t *testing.T) {
	tc := newTestCatalog(t, "free")
	dir := copyExamples(t)
	edit(t, filepath.Join(dir, "orders.yaml"), "    watermark_column: updated_at\n", "")
	r := tc.dxp(t, "pipelines", "apply", "-f", dir)
	if r.err == nil || r.err.Error() != "1 problem in 1 file" || !strings.Contains(r.stderr, filepath.Join(dir, "orders.yaml")+":13: sources[0].watermark_column: ") {
		t.Fatalf("err = %v\nstderr:\n%s", r.err, r.stderr)
	}
	if r := tc.dxp(t, "pipelines", "list", "--output", "json").must(t); strings.TrimSpace(r.stdout) != "[]" {
		t.Fatalf("something was registered: %s", r.stdout)
	}
}

func TestPipelinesListAndGet(t *testing.T) {
	tc := newTestCatalog(t, "free")
	tc.dxp(t, "pipelines", "apply", "-f", "../../examples").must(t)

	r := tc.dxp(t, "pipelines", "list").must(t)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "NAME ") || !strings.HasPrefix(lines[1], "customers_sync ") {
		t.Fatalf("list:\n%s", r.stdout)
	}
	r = tc.dxp(t, "pipelines", "list", "--tag", "pii", "--tag", "tier-1", "--output", "json").must(t)
	var items []struct{ Name string }
	if err := json.Unmarshal([]byte(r.stdout), &items); err != nil || len(items) != 2 || items[0].Name != "customers_sync" || items[1].Name != "orders_sync" {
		t.Fatalf("list --tag pii --tag tier-1: %v %s", err, r.stdout)
	}
	r = tc.dxp(t, "pipelines", "list", "--owner", "supply-chain-data@acme.com").must(t)
	if !strings.Contains(r.stdout, "inventory_snapshot") || strings.Contains(r.stdout, "orders_sync") {
		t.Fatalf("list --owner:\n%s", r.stdout)
	}

	r = tc.dxp(t, "pipelines", "get", "orders_sync").must(t)
	for _, want := range []string{"Version:      1.4.0 (1 version)", "Sources:      raw_orders, raw_order_items", "Checks:       orders_pk_not_null, revenue_not_negative"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("get lacks %q:\n%s", want, r.stdout)
		}
	}
	r = tc.dxp(t, "pipelines", "get", "orders_sync", "--output", "json").must(t)
	var p struct {
		Name    string
		Targets []struct{ ID string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil || p.Name != "orders_sync" || len(p.Targets) != 2 {
		t.Fatalf("get --output json: %v %s", err, r.stdout)
	}
	r = tc.dxp(t, "pipelines", "get", "nope")
	if r.err == nil || !strings.Contains(r.err.Error(), "nope") {
		t.Fatalf("get of a missing pipeline: %v", r.err)
	}
}

func TestPipelinesApply_Warnings(t *testing.T) {
	tc := newTestCatalog(t, "free")
	tc.dxp(t, "connections", "create", "pg-prod", "--type", "postgres", "--config", "host=db.internal").must(t)

	// A dry run reads the connections and warns as the server would.
	r := tc.dxp(t, "pipelines", "apply", "-f", "../../examples/orders.yaml", "--dry-run").must(t)
	if !strings.Contains(r.stdout, "    warning: targets[0].connection_ref: connection_ref \"bq-prod\" names no connection") ||
		strings.Contains(r.stdout, `"pg-prod" names no connection`) || !strings.Contains(r.stdout, "1 would create, 2 warnings") {
		t.Fatalf("dry run:\n%s", r.stdout)
	}
	r = tc.dxp(t, "pipelines", "apply", "-f", "../../examples/orders.yaml").must(t)
	if !strings.Contains(r.stdout, "    warning: targets[1].connection_ref: connection_ref \"bq-prod\" names no connection in this organization yet") ||
		!strings.Contains(r.stdout, "1 pipeline: 1 created, 2 warnings\n") {
		t.Fatalf("apply:\n%s", r.stdout)
	}
	r = tc.dxp(t, "pipelines", "apply", "-f", "../../examples/customers.yaml", "--output", "json").must(t)
	got := decodeJSON[struct{ Results []applyResult }](t, r)
	if len(got.Results) != 1 || len(got.Results[0].Warnings) != 3 || got.Results[0].Warnings[0].Field != "sources[0].connection_ref" ||
		!strings.Contains(got.Results[0].Warnings[0].Message, `"pg-crm"`) {
		t.Fatalf("apply --output json: %+v", got)
	}
	// No warnings is an empty list, not a missing field.
	tc.dxp(t, "connections", "create", "bq-prod", "--type", "bigquery").must(t)
	r = tc.dxp(t, "pipelines", "apply", "-f", "../../examples/orders.yaml", "--output", "json").must(t)
	if !strings.Contains(r.stdout, `"warnings": []`) {
		t.Fatalf("apply without warnings:\n%s", r.stdout)
	}
}

func TestPipelinesDelete(t *testing.T) {
	tc := newTestCatalog(t, "free")
	tc.dxp(t, "pipelines", "apply", "-f", "../../examples").must(t)
	if r := tc.dxp(t, "pipelines", "delete", "inventory_snapshot").must(t); r.stdout != "Deleted pipeline inventory_snapshot.\n" {
		t.Fatalf("delete printed %q", r.stdout)
	}
	if r := tc.dxp(t, "pipelines", "get", "inventory_snapshot"); r.err == nil {
		t.Fatal("the deleted pipeline is still there")
	}
	if r := tc.dxp(t, "pipelines", "delete", "inventory_snapshot"); r.err == nil || !strings.Contains(r.err.Error(), "inventory_snapshot") {
		t.Fatalf("second delete: %v", r.err)
	}
	// A member may delete; a viewer may not.
	viewer := strings.TrimSpace(tc.dxp(t, "keys", "create", "ro", "--role", "viewer").must(t).stdout)
	if r := runDXP(t, tc.env(viewer), "", "pipelines", "delete", "orders_sync"); r.err == nil {
		t.Fatal("a viewer deleted a pipeline")
	}
}

func TestLists_StopAtLimit(t *testing.T) {
	tc := newTestCatalog(t, "free")
	tc.dxp(t, "pipelines", "apply", "-f", "../../examples").must(t)
	tc.dxp(t, "keys", "create", "ci").must(t)
	for _, args := range [][]string{{"pipelines", "list"}, {"keys", "list"}} {
		all := decodeJSON[[]any](t, tc.dxp(t, append(args, "--output", "json")...).must(t))
		one := decodeJSON[[]any](t, tc.dxp(t, append(args, "--limit", "1", "--output", "json")...).must(t))
		if len(all) < 2 || len(one) != 1 {
			t.Errorf("dxp %v gave %d items, with --limit 1 %d", args, len(all), len(one))
		}
	}
}
