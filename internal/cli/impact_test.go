package cli

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// post sends a JSON body to the catalog with the admin key.
func (tc *testCatalog) post(t *testing.T, path, body string) {
	t.Helper()
	req, _ := http.NewRequest("POST", tc.url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-KEY", tc.admin)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 201 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("POST %s: %d %s", path, res.StatusCode, b)
	}
}

func TestLineageImpact(t *testing.T) {
	tc := newTestCatalog(t, "free")
	tc.dxp(t, "pipelines", "apply", "-f", "../../examples").must(t)
	tc.post(t, "/api/v1/runs/", `{"pipeline_id":"orders_sync","run_id":"r1","status":"success"}`)
	tc.post(t, "/api/v1/checks/results/", `{"run_id":"r1","check_id":"orders_pk_not_null","status":"failed","message":"3 null keys"}`)

	r := tc.dxp(t, "lineage", "impact", "raw_orders").must(t)
	for _, want := range []string{
		"Impact of raw_orders (depth 10): ",
		"; 1 blocked by a failing error check.",
		"PIPELINE ", "inventory_snapshot  supply-chain-data@acme.com",
		"orders_pk_not_null", "stock_available, fct_inventory",
		"OWNER ", "supply-chain-data@acme.com  1  ",
		"Failing error checks:\n  orders_sync/orders_pk_not_null on clean_orders (run r1): 3 null keys\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, r.stdout)
		}
	}
	im := decodeJSON[struct {
		Root  string
		Items []struct {
			Pipeline string
			Blocked  bool
		}
	}](t, tc.dxp(t, "lineage", "impact", "raw_orders", "-o", "json", "--depth", "3").must(t))
	if im.Root != "raw_orders" || len(im.Items) != 2 || im.Items[0].Pipeline != "inventory_snapshot" || !im.Items[0].Blocked || im.Items[1].Blocked {
		t.Errorf("json = %+v", im)
	}

	// The CLI's CSV is the API's, whatever the page size.
	csvOut := tc.dxp(t, "lineage", "impact", "raw_orders", "-o", "csv").must(t).stdout
	req, _ := http.NewRequest("GET", tc.url+"/api/v1/lineage/raw_orders/impact?limit=500", nil)
	req.Header.Set("X-API-KEY", tc.admin)
	req.Header.Set("Accept", "text/csv")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	api, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if csvOut != string(api) || !strings.HasPrefix(csvOut, "pipeline,job,owner,") {
		t.Errorf("CLI csv:\n%s\nAPI csv:\n%s", csvOut, api)
	}

	for _, bad := range [][]string{{"lineage", "impact", "raw_orders", "-o", "xml"}, {"lineage", "impact", "raw_orders", "--depth", "0"}, {"lineage", "impact"}} {
		if r := tc.dxp(t, bad...); r.err == nil {
			t.Errorf("dxp %s succeeded", strings.Join(bad, " "))
		}
	}
	if r := tc.dxp(t, "lineage", "impact", "nope"); r.err == nil || !strings.Contains(r.stderr+r.err.Error(), "nope") {
		t.Errorf("unknown dataset: %v %s", r.err, r.stderr)
	}
}
