package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// impactTargets stands for the spec's reading of a definition: each test
// pipeline's definition content names its checks as "check:target".
func impactTargets(def json.RawMessage) map[string]string {
	out := map[string]string{}
	for _, w := range strings.Fields(string(def)) {
		if check, target, ok := strings.Cut(strings.Trim(w, `"{},`), ":"); ok && strings.HasPrefix(check, "chk-") {
			out[check] = target
		}
	}
	return out
}

// impactRender renders a page compactly, one group a line, then the owners.
func impactRender(im *catalog.Impact) string {
	var b strings.Builder
	for _, g := range im.Groups {
		fmt.Fprintf(&b, "%s:%s owner=%s tags=%v", g.Source.Kind, g.Source.Name, g.Owner, g.Tags)
		if g.LastRun != nil {
			fmt.Fprintf(&b, " last=%s/%s/failed=%v", g.LastRun.ID, g.LastRun.Status, g.LastRun.ChecksFailed)
		}
		if g.NextRun != nil {
			fmt.Fprintf(&b, " next=%s", g.NextRun.Format(time.RFC3339))
		}
		b.WriteString(" [")
		for i, d := range g.Datasets {
			if i > 0 {
				b.WriteString(" ")
			}
			fmt.Fprintf(&b, "%s:%d", d.ID, d.Depth)
		}
		b.WriteString("]")
		for _, f := range g.BlockedBy {
			fmt.Fprintf(&b, " blocked-by=%s/%s@%s", f.Pipeline, f.CheckID, f.Dataset)
		}
		b.WriteString("\n")
	}
	for _, o := range im.Owners {
		fmt.Fprintf(&b, "owner %s: %d/%d/%d\n", o.Owner, o.Pipelines, o.Datasets, o.Blocked)
	}
	fmt.Fprintf(&b, "datasets=%d failing=%d truncated=%v", im.Datasets, len(im.Failing), im.Truncated)
	return b.String()
}

func TestImpactService_Impact(t *testing.T) {
	answers := map[string]string{}
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		db.Now = func() time.Time { return time.Date(2026, 12, 1, 11, 30, 0, 0, time.UTC) }
		ctxA, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		ctxB, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		register := func(ctx context.Context, r catalog.PipelineRegistration, owner, schedule string, tags ...string) {
			t.Helper()
			r.Owner, r.Schedule, r.Tags = owner, schedule, tags
			if _, _, err := db.RegisterPipeline(ctx, r); err != nil {
				t.Fatalf("register %s: %v", r.Name, err)
			}
		}
		orders := lineageReg("orders_sync", "1", []string{"raw_orders", "orders_enriched", "clean_orders"},
			"raw_orders>orders_enriched", "orders_enriched>clean_orders")
		orders.Definition = func(v string) json.RawMessage {
			return json.RawMessage(fmt.Sprintf(`{"name":"orders_sync","version":%q, "checks": "chk-pk:clean_orders chk-rows:orders_enriched" }`, v))
		}
		register(ctxA, orders, "ecommerce@acme.com", "0 6 * * *", "tier-1", "pii")
		register(ctxA, lineageReg("reporting", "1", []string{"clean_orders", "daily_revenue", "weekly_revenue"},
			"clean_orders>daily_revenue", "daily_revenue>weekly_revenue"), "bi@acme.com", "@hourly")
		register(ctxA, lineageReg("finance", "1", []string{"daily_revenue", "ledger"}, "daily_revenue>ledger"), "", "")

		// Organization B has the same dataset names, other pipelines and
		// owners, and a failing check on clean_orders: none of it may show.
		register(ctxB, orders, "intruder@b.com", "@daily")
		register(ctxB, lineageReg("b_only", "1", []string{"clean_orders", "b_mart"}, "clean_orders>b_mart"), "intruder@b.com", "@daily")
		for _, ctx := range []context.Context{ctxA, ctxB} {
			if _, _, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders_sync", RunID: "r1", Status: catalog.RunSuccess}); err != nil {
				t.Fatal(err)
			}
		}
		at := func(m int) *time.Time { v := time.Date(2026, 12, 1, 10, m, 0, 0, time.UTC); return &v }
		if _, err := db.RecordCheckResults(ctxB, []catalog.CheckReport{{RunID: "r1", CheckID: "chk-pk", Status: catalog.CheckFailed, Severity: catalog.SeverityError}}, nil); err != nil {
			t.Fatal(err)
		}

		impact := func(ctx context.Context, q catalog.ImpactQuery) string {
			t.Helper()
			im, err := db.Impact(ctx, q, impactTargets)
			if err != nil {
				t.Fatalf("Impact(%+v): %v", q, err)
			}
			return impactRender(im)
		}
		check := func(name, got, want string) {
			t.Helper()
			if got != want {
				t.Errorf("%s:\n%s\nwant:\n%s", name, got, want)
			}
			answers[name+"/"+string(db.Engine())] = got
		}

		clean := `pipeline:finance owner= tags=[] [ledger:4]
pipeline:orders_sync owner=ecommerce@acme.com tags=[tier-1 pii] last=r1/success/failed=false next=2026-12-02T06:00:00Z [orders_enriched:1 clean_orders:2]
pipeline:reporting owner=bi@acme.com tags=[] next=2026-12-01T12:00:00Z [daily_revenue:3 weekly_revenue:4]
owner : 1/1/0
owner bi@acme.com: 1/2/0
owner ecommerce@acme.com: 1/2/0
datasets=5 failing=0 truncated=false`
		check("clean", impact(ctxA, catalog.ImpactQuery{Root: "raw_orders", Depth: 10}), clean)

		// A failed error check on clean_orders (a warn and a passed retry of
		// another check do not count) blocks what reads it and beyond.
		if _, err := db.RecordCheckResults(ctxA, []catalog.CheckReport{
			{RunID: "r1", CheckID: "chk-pk", Status: catalog.CheckFailed, Severity: catalog.SeverityError, Message: "3 null keys", ExecutedAt: at(1)},
			{RunID: "r1", CheckID: "chk-rows", Status: catalog.CheckFailed, Severity: catalog.SeverityError, ExecutedAt: at(1)},
			{RunID: "r1", CheckID: "chk-rows", Status: catalog.CheckPassed, Severity: catalog.SeverityError, ExecutedAt: at(2)},
			{RunID: "r1", CheckID: "chk-warn", Status: catalog.CheckFailed, Severity: catalog.SeverityWarn, ExecutedAt: at(1)},
		}, nil); err != nil {
			t.Fatal(err)
		}
		blocked := `pipeline:finance owner= tags=[] [ledger:4] blocked-by=orders_sync/chk-pk@clean_orders
pipeline:orders_sync owner=ecommerce@acme.com tags=[tier-1 pii] last=r1/success/failed=true next=2026-12-02T06:00:00Z [orders_enriched:1 clean_orders:2]
pipeline:reporting owner=bi@acme.com tags=[] next=2026-12-01T12:00:00Z [daily_revenue:3 weekly_revenue:4] blocked-by=orders_sync/chk-pk@clean_orders
owner : 1/1/1
owner bi@acme.com: 1/2/1
owner ecommerce@acme.com: 1/2/0
datasets=5 failing=1 truncated=false`
		check("blocked", impact(ctxA, catalog.ImpactQuery{Root: "raw_orders", Depth: 10}), blocked)

		// From the guarded dataset itself (the blast radius of the check):
		// its writer's failing check is found through the root's producers.
		check("from clean_orders", impact(ctxA, catalog.ImpactQuery{Root: "clean_orders", Depth: 1}),
			`pipeline:reporting owner=bi@acme.com tags=[] next=2026-12-01T12:00:00Z [daily_revenue:1] blocked-by=orders_sync/chk-pk@clean_orders
owner bi@acme.com: 1/1/1
datasets=1 failing=1 truncated=true`)

		// Pages of one group; the totals are the whole answer's on each.
		var pages []string
		q := catalog.ImpactQuery{Root: "raw_orders", Depth: 10, Page: catalog.Page{Limit: 1}}
		for i := 0; i < 5; i++ {
			im, err := db.Impact(ctxA, q, impactTargets)
			if err != nil {
				t.Fatal(err)
			}
			if len(im.Owners) != 3 || im.Datasets != 5 {
				t.Errorf("page %d totals = %+v, %d", i, im.Owners, im.Datasets)
			}
			for _, g := range im.Groups {
				pages = append(pages, g.Source.Name)
			}
			if q.Cursor = im.NextCursor; q.Cursor == "" {
				break
			}
		}
		if got := strings.Join(pages, ","); got != "finance,orders_sync,reporting" {
			t.Errorf("pages = %s", got)
		}

		// Organization B sees its own graph only.
		if got := impact(ctxB, catalog.ImpactQuery{Root: "clean_orders", Depth: 10}); strings.Contains(got, "acme") || strings.Contains(got, "reporting") || !strings.Contains(got, "b_only") {
			t.Errorf("organization B's impact shows another organization's:\n%s", got)
		}
		if got := impact(ctxB, catalog.ImpactQuery{Root: "raw_orders", Depth: 10}); strings.Contains(got, "acme") || strings.Contains(got, "finance") {
			t.Errorf("organization B's impact shows another organization's:\n%s", got)
		}

		for _, c := range []struct {
			q    catalog.ImpactQuery
			code string
		}{
			{catalog.ImpactQuery{Root: "nope", Depth: 10}, catalog.ENOTFOUND},
			{catalog.ImpactQuery{Root: "raw_orders", Depth: 0}, catalog.EINVALID},
			{catalog.ImpactQuery{Root: "raw_orders", Depth: 51}, catalog.EINVALID},
			{catalog.ImpactQuery{Root: "raw_orders", Depth: 3, Page: catalog.Page{Cursor: "garbage"}}, catalog.EINVALID},
		} {
			if _, err := db.Impact(ctxA, c.q, impactTargets); catalog.ErrorCode(err) != c.code {
				t.Errorf("Impact(%+v) = %v, want %s", c.q, err, c.code)
			}
		}
		if _, err := db.Impact(ctxB, catalog.ImpactQuery{Root: "ledger", Depth: 10}, impactTargets); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Errorf("another organization's dataset: %v, want not found", err)
		}
	})
	for name, got := range answers {
		if other, ok := answers[strings.Replace(name, "/sqlite", "/postgres", 1)]; ok && other != got {
			t.Errorf("%s: engines disagree:\n%s\n%s", name, got, other)
		}
	}
}

// An OpenLineage job's edges belong to the pipeline that is the job: its
// spec names the job (in a namespace with a slash), or it is called as the
// job and names none. A job no pipeline is stays a job.
func TestImpactService_JobsOfPipelines(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		db.Now = func() time.Time { return time.Date(2026, 12, 1, 11, 30, 0, 0, time.UTC) }
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		named := reg("nightly_dbt", "1", "x")
		named.Owner, named.OpenLineageJobs = "analytics@acme.com", []catalog.OpenLineageJob{{Namespace: "dbt://prod", Name: "run"}}
		called := reg("spark_app", "1", "y")
		called.Owner = "platform@acme.com"
		for _, r := range []catalog.PipelineRegistration{named, called} {
			if _, _, err := db.RegisterPipeline(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		ev := func(ns, job, in, out string) catalog.OpenLineageEvent {
			e := olJob(job, "2024-05-01T02:00:00Z", []string{in}, []string{out})
			e.JobNamespace, e.PipelineNamespace = ns, ns
			return e
		}
		mustIngest(t, db, ctx, ev("dbt://prod", "run", "s3://lake|raw", "s3://lake|mart"), ev("spark", "spark_app", "s3://lake|mart", "s3://lake|report"),
			ev("spark", "orphan", "s3://lake|report", "s3://lake|extract"))
		raw := catalog.ObservedDatasetID("s3://lake", "raw")
		im, err := db.Impact(ctx, catalog.ImpactQuery{Root: raw, Depth: 10}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, g := range im.Groups {
			got = append(got, fmt.Sprintf("%s:%s owner=%s registered=%v last=%v datasets=%d", g.Source.Kind, g.Source.Name, g.Owner, g.Registered, g.LastRun != nil, len(g.Datasets)))
		}
		want := "pipeline:nightly_dbt owner=analytics@acme.com registered=true last=true datasets=1 | " +
			"pipeline:spark_app owner=platform@acme.com registered=true last=true datasets=1 | " +
			"job:spark/orphan owner= registered=false last=false datasets=1"
		if strings.Join(got, " | ") != want {
			t.Errorf("groups:\n%s\nwant:\n%s", strings.Join(got, " | "), want)
		}
	})
}
