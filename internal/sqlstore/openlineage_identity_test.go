package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// olJob is a COMPLETE of an unregistered job reading ins and writing outs,
// each dataset given as "namespace|name".
func olJob(job, at string, ins, outs []string) catalog.OpenLineageEvent {
	when, err := time.Parse(time.RFC3339, at)
	if err != nil {
		panic(err)
	}
	ds := func(list []string) []catalog.OpenLineageDataset {
		var out []catalog.OpenLineageDataset
		for _, s := range list {
			ns, name, _ := strings.Cut(s, "|")
			out = append(out, catalog.OpenLineageDataset{Namespace: ns, Name: name})
		}
		return out
	}
	runID := fmt.Sprintf("0190f1e4-0000-7000-8000-%012x", len(job)*1000+when.Second())
	return catalog.OpenLineageEvent{Kind: catalog.OpenLineageRunEvent, EventType: "COMPLETE", EventTime: when,
		Fingerprint: fmt.Sprintf("%x", job+at), Raw: []byte(`{}`), RunID: runID, DAGRunID: runID, Pipeline: job, PipelineNamespace: "spark",
		Status: catalog.RunSuccess, Terminal: true, JobNamespace: "spark", JobName: job, Inputs: ds(ins), Outputs: ds(outs)}
}

func mustIngest(t *testing.T, db *sqlstore.DB, ctx context.Context, evs ...catalog.OpenLineageEvent) {
	t.Helper()
	for _, ev := range evs {
		if _, err := db.IngestOpenLineage(ctx, ev, nil); err != nil {
			t.Fatalf("ingest %s: %v", ev.JobName, err)
		}
	}
}

// The same table on two servers is two nodes; a bare name then is
// ambiguous and names its candidates; the namespace picks one; a copy
// between two buckets keeps its edge.
func TestIngestOpenLineage_IdentityIsNamespaceAndName(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		mustIngest(t, db, ctx,
			olJob("sync_a", "2024-05-01T02:00:00Z", []string{"postgres://db-a:5432|public.customers"}, []string{"s3://lake|customers_a"}),
			olJob("sync_b", "2024-05-01T02:00:01Z", []string{"postgres://db-b:5432|public.customers"}, []string{"s3://lake|customers_b"}),
			olJob("copy", "2024-05-01T02:00:02Z", []string{"s3://blob-source|x"}, []string{"s3://blob-sink|x"}),
		)
		_, err := db.ResolveDataset(ctx, catalog.DatasetRef{Key: "public.customers"})
		var e *catalog.Error
		if catalog.ErrorCode(err) != catalog.ECONFLICT || !strings.Contains(catalog.ErrorMessage(err), "postgres://db-b:5432") {
			t.Fatalf("bare ambiguous name: %v", err)
		} else if e = err.(*catalog.Error); len(e.Fields) != 2 {
			t.Errorf("candidates %v", e.Fields)
		}
		a, err := db.ResolveDataset(ctx, catalog.DatasetRef{Key: "public.customers", Namespace: "postgres://db-a:5432"})
		if err != nil || a != catalog.ObservedDatasetID("postgres://db-a:5432", "public.customers") {
			t.Fatalf("namespaced name: %q %v", a, err)
		}
		if id, err := db.ResolveDataset(ctx, catalog.DatasetRef{Key: a}); err != nil || id != a {
			t.Errorf("by id: %q %v", id, err)
		}
		if id, err := db.ResolveDataset(ctx, catalog.DatasetRef{Key: "customers_a"}); err != nil || id != catalog.ObservedDatasetID("s3://lake", "customers_a") {
			t.Errorf("a unique bare name: %q %v", id, err)
		}
		if _, err := db.ResolveDataset(ctx, catalog.DatasetRef{Key: "public.customers", Namespace: "postgres://db-c:5432"}); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Errorf("another server: %v", err)
		}
		d, err := db.FindDataset(ctx, a)
		if err != nil || len(d.Downstream) != 1 || d.Downstream[0].Name != "customers_a" {
			t.Errorf("db-a's customers: %+v %v", d, err)
		}
		sink := catalog.ObservedDatasetID("s3://blob-sink", "x")
		g, err := db.Lineage(ctx, catalog.LineageQuery{Root: sink, Direction: catalog.Upstream, Depth: 1})
		if err != nil || len(g.Edges) != 1 || g.Edges[0].From != catalog.ObservedDatasetID("s3://blob-source", "x") {
			t.Errorf("the copy's edge: %+v %v", g, err)
		}
		list, _, err := db.ListDatasets(ctx, catalog.DatasetFilter{Name: "public.customers"})
		if err != nil || len(list) != 2 {
			t.Errorf("list by name: %d %v", len(list), err)
		}
	})
}

// Names far longer than an index entry may be store and resolve on both
// engines.
func TestIngestOpenLineage_LongNames(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		long := strings.Repeat("p", catalog.MaxDatasetNameBytes-1) + "1"
		long2 := strings.Repeat("p", catalog.MaxDatasetNameBytes-1) + "2"
		mustIngest(t, db, ctx, olJob("long", "2024-05-01T02:00:00Z", []string{"s3://lake|" + long}, []string{"s3://lake|" + long2}))
		id, err := db.ResolveDataset(ctx, catalog.DatasetRef{Key: long2})
		if err != nil || id != catalog.ObservedDatasetID("s3://lake", long2) {
			t.Fatalf("long name: %q %v", id, err)
		}
		if d, err := db.FindDataset(ctx, id); err != nil || d.Name != long2 || len(d.Upstream) != 1 {
			t.Errorf("long dataset: %v", err)
		}
	})
}

// sparkRun is a Spark application run: inputs on START, outputs on COMPLETE.
func sparkRun(runID, start, end string, in, out string) []catalog.OpenLineageEvent {
	s := olJob("etl.app", start, []string{in}, nil)
	s.EventType, s.Status, s.Terminal, s.RunID, s.DAGRunID, s.Fingerprint = "START", catalog.RunRunning, false, runID, runID, runID+"s"
	c := olJob("etl.app", end, nil, []string{out})
	c.RunID, c.DAGRunID, c.Fingerprint = runID, runID, runID+"c"
	return []catalog.OpenLineageEvent{s, c}
}

// graphOf is the whole graph around root with history, as text.
func graphOf(t *testing.T, db *sqlstore.DB, ctx context.Context, root string) string {
	t.Helper()
	g, err := db.Lineage(ctx, catalog.LineageQuery{Root: root, Direction: catalog.Both, Depth: 5, History: true})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range g.Edges {
		fmt.Fprintf(&b, "%s>%s historic=%v %s..%s\n", e.From, e.To, e.Historic, e.FirstSeen.UTC().Format(time.TimeOnly), e.LastSeen.UTC().Format(time.TimeOnly))
	}
	return b.String()
}

// Inputs on START and outputs on COMPLETE make the run's edge; a job that
// read a in one run and b in the next shows b, keeps a as history, and a
// still resolves. Every delivery order gives the same graph.
func TestIngestOpenLineage_RunLineageAddsUp(t *testing.T) {
	events := append(sparkRun("0190f1e4-0000-7000-8000-0000000000r1", "2024-05-01T02:00:00Z", "2024-05-01T02:05:00Z", "hdfs://nn:8020|/a", "s3://lake|out"),
		sparkRun("0190f1e4-0000-7000-8000-0000000000r2", "2024-05-02T02:00:00Z", "2024-05-02T02:05:00Z", "hdfs://nn:8020|/b", "s3://lake|out")...)
	orders := [][]int{{0, 1, 2, 3}, {3, 2, 1, 0}, {1, 3, 0, 2}, {2, 0, 3, 1}}
	out := catalog.ObservedDatasetID("s3://lake", "out")
	a, b := catalog.ObservedDatasetID("hdfs://nn:8020", "/a"), catalog.ObservedDatasetID("hdfs://nn:8020", "/b")
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		var first string
		for _, order := range orders {
			ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
			for _, i := range order {
				mustIngest(t, db, ctx, events[i])
			}
			g, err := db.Lineage(ctx, catalog.LineageQuery{Root: out, Direction: catalog.Upstream, Depth: 1})
			if err != nil || len(g.Edges) != 1 || g.Edges[0].From != b || g.Edges[0].Historic {
				t.Fatalf("order %v: current edges %+v %v", order, g, err)
			}
			if _, err := db.FindDataset(ctx, a); err != nil {
				t.Errorf("order %v: the older run's input: %v", order, err)
			}
			got := graphOf(t, db, ctx, out)
			want := a + ">" + out + " historic=true 02:05:00..02:05:00\n" + b + ">" + out + " historic=false 02:05:00..02:05:00\n"
			if got != want {
				t.Errorf("order %v: graph\n%s\nwant\n%s", order, got, want)
			}
			if first == "" {
				first = got
			}
		}
	})
}
