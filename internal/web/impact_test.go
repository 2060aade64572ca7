package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// seedImpact is seed with revenue, owned by bi@acme.com and tagged tier-1,
// reading orders_sync_clean, which the failed not_empty check guards.
func (e *env) seedImpact() {
	e.t.Helper()
	plan := catalog.PlanTeam // a fourth pipeline is over the free plan
	if _, err := e.db.UpdateOrg(context.Background(), e.dev.Slug, catalog.OrgUpdate{Plan: &plan}); err != nil {
		e.t.Fatal(err)
	}
	key := e.seed()
	e.pipeline(key, map[string]any{"name": "revenue", "version": "1", "owner": "bi@acme.com", "schedule": "@daily", "tags": []string{"tier-1", "finance"},
		"transforms": []any{map[string]any{"id": "rev", "type": "sql", "code_ref": "r.sql", "inputs": []string{"orders_sync_clean"}, "outputs": []string{"daily_revenue"}}},
		"targets":    []any{map[string]any{"id": "revenue_mart", "type": "bigquery", "inputs": []string{"daily_revenue"}}}})
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// each is the text of every element of sel, squashed, joined by " ".
func each(sel *goquerySelection) string {
	var out []string
	sel.Each(func(_ int, s *goquerySelection) { out = append(out, squash(s.Text())) })
	return strings.Join(out, " ")
}

func TestBlastRadius_FromTheRunPage(t *testing.T) {
	e := newEnv(t)
	e.seedImpact()
	b := e.signIn("viewer")

	run := b.get("/runs/orders-2")
	links := run.Find("a.blast-link")
	if links.Length() != 1 { // the failed check has one; the passed one none
		t.Fatalf("run page has %d blast radius links", links.Length())
	}
	href, _ := links.Attr("href")
	if href2, _ := b.get("/pipelines/orders_sync").Find("a.blast-link").Attr("href"); href2 != href {
		t.Errorf("the pipeline page's failed check links to %q, the run page to %q", href2, href)
	}

	p := b.get(href)
	if p.status != 200 {
		t.Fatalf("blast radius = %d\n%s", p.status, p.body)
	}
	if got := p.text("h1"); got != "not_empty" {
		t.Errorf("h1 = %q", got)
	}
	if sub := squash(p.Find(".page-head .sub").Text()); !strings.Contains(sub, "Guards orders_sync_clean") {
		t.Errorf("sub = %q", sub)
	}
	summary := p.Find("pre#incident-summary").Text()
	for _, want := range []string{
		"Check not_empty (error) failed in orders_sync, run orders-2, at ",
		"Message: 0 rows\n",
		"It guards orders_sync_clean. Downstream (depth 10): 2 datasets in 1 pipeline, 1 blocked by failing error checks.\n",
		"- bi@acme.com: revenue [tier-1, blocked, next run ",
		"→ daily_revenue, revenue_mart\n",
		"Blast radius: " + e.srv.URL + href,
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	if btn := p.Find(`button[data-copy="incident-summary"]`); btn.Length() != 1 {
		t.Error("no copy button for the summary")
	}
	row := p.Find("#groups-h").Closest("section").Find("tbody tr")
	if row.Length() != 1 || !strings.Contains(squash(row.Text()), "revenue ✕ blocked bi@acme.com") || row.Find(".tag-hot").Text() != "tier-1" {
		t.Errorf("pipelines at risk = %q", squash(row.Text()))
	}
	if owners := each(p.Find("#owners-h").Closest("section").Find("tbody td")); owners != "bi@acme.com 1 2 1" {
		t.Errorf("owners = %q", owners)
	}

	// A result of another run, or none, is not found.
	for _, path := range []string{strings.Replace(href, "orders-2", "orders-1", 1), "/runs/orders-2/checks/chk_nope/blast-radius"} {
		if p := b.get(path); p.status != http.StatusNotFound {
			t.Errorf("GET %s = %d", path, p.status)
		}
	}
}

func TestImpactPage(t *testing.T) {
	e := newEnv(t)
	e.seedImpact()
	b := e.signIn("viewer")
	if href, _ := b.get("/datasets/orders_sync_raw").Find(`a:contains("Downstream impact")`).Attr("href"); href != "/lineage/orders_sync_raw/impact" {
		t.Errorf("dataset page links to %q", href)
	}
	p := b.get("/lineage/orders_sync_raw/impact")
	if p.status != 200 || p.text("h1") != "orders_sync_raw" {
		t.Fatalf("impact = %d %q", p.status, p.text("h1"))
	}
	var groups []string
	p.Find("#groups-h").Closest("section").Find("tbody td.name").Each(func(_ int, s *goquerySelection) { groups = append(groups, squash(s.Text())) })
	if got := strings.Join(groups, " | "); got != "orders_sync | revenue ✕ blocked" {
		t.Errorf("groups = %q", got)
	}
	if got := each(p.Find(".stat .value")); got != "3 2 2 1" {
		t.Errorf("stats = %q", got)
	}
	if failing := squash(p.Find("#failing-h").Closest("section").Text()); !strings.Contains(failing, "orders_sync/not_empty on orders_sync_clean") {
		t.Errorf("failing checks = %q", failing)
	}
	if p := b.get("/lineage/orders_sync_raw/impact?depth=1"); squash(p.Find(".stat .value").First().Text()) != "1" || !strings.Contains(p.Text(), "More lies beyond depth 1") {
		t.Errorf("depth 1: %q", each(p.Find(".stat .value")))
	}
	if p := b.get("/lineage/orders_sync_raw/impact?depth=99"); !strings.Contains(p.Text(), "Depth must be a whole number from 1 to 50.") {
		t.Error("a bad depth is not explained")
	}

	other := &catalog.Org{Slug: "other", Name: "Other", Plan: catalog.PlanFree}
	if err := e.db.CreateOrg(context.Background(), other, nil); err != nil {
		t.Fatal(err)
	}
	e.pipeline(e.apiKey(other, catalog.RoleAdmin), pipelineDef("secret_pipeline", "x@other.com"))
	for _, path := range []string{"/lineage/secret_pipeline_raw/impact", "/lineage/nope/impact"} {
		if p := b.get(path); p.status != http.StatusNotFound {
			t.Errorf("GET %s = %d", path, p.status)
		}
	}
}
