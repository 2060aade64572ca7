package bench

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/spec"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
	"github.com/jackc/pgx/v5"
)

// The impact benchmark's organization: impactLayers layers of impactWidth
// datasets, each dataset feeding impactFanout of the next layer, written by
// pipelines of impactPerPipeline datasets each (9,900 pipelines, each with
// a run). From the first dataset, depth 10 reaches 1, 2, 4, ... 1,024
// datasets per layer (the tenth wraps round to 1,000): 2,022 datasets
// downstream over 2,046 edges, written by 207 pipelines of 40 owners, with
// an error check failing at depth 3 that blocks 29 of them. The other 999
// organizations hold chains of 100 datasets named like the big one's first,
// so every index is shared and every name collides.
const (
	impactOrgs        = 1000
	impactLayers      = 100
	impactWidth       = 1000
	impactFanout      = 2
	impactPerPipeline = 10
	impactOtherSize   = 100
)

// impactSeed fills a migrated Postgres schema in a few statements, each a
// generate_series: the store's own writes would take minutes.
var impactSeed = []string{
	`INSERT INTO organizations (id, slug, name, plan, created_at, updated_at)
	 SELECT 'org_' || g, 'bench-' || g, 'Bench ' || g, 'business', now(), now() FROM generate_series(1, $1::int) g`,
	// The big organization, org_1.
	`INSERT INTO datasets (organization_id, id, namespace, object, connection_ref, created_at, updated_at)
	 SELECT 'org_1', 'ds_' || l || '_' || i, '', 'warehouse.t_' || l || '_' || i, '', now(), now()
	 FROM generate_series(0, $1::int - 1) l, generate_series(0, $2::int - 1) i`,
	`INSERT INTO pipelines (organization_id, name, current_version, description, owner, environment, schedule, tags, versions_count, created_at, updated_at)
	 SELECT 'org_1', 'p_' || l || '_' || b, '1', '', 'team-' || (b % 40) || '@acme.com', 'production', '0 ' || (b % 24) || ' * * *',
	        CASE WHEN b % 7 = 0 THEN '["tier-1","pii"]' ELSE '[]' END, 1, now(), now()
	 FROM generate_series(1, $1::int - 1) l, generate_series(0, $2::int / $3::int - 1) b`,
	`INSERT INTO pipeline_versions (organization_id, pipeline_name, version, seq, content_hash, definition, created_at, created_by)
	 SELECT 'org_1', name, '1', 1, 'v1:x', '{"name":"' || name || '","checks":[{"id":"not_empty","target":"ds_' ||
	        split_part(name, '_', 2) || '_' || (split_part(name, '_', 3)::int * $1::int) || '","severity":"error"}]}', now(), 'bench'
	 FROM pipelines WHERE organization_id = 'org_1'`,
	`INSERT INTO lineage_edges (organization_id, from_id, to_id, source_kind, source_name, created_at)
	 SELECT DISTINCT 'org_1', 'ds_' || l || '_' || i, 'ds_' || (l + 1) || '_' || ((i * $3::int + k) % $2::int), 'pipeline',
	        'p_' || (l + 1) || '_' || (((i * $3::int + k) % $2::int) / $4::int), now()
	 FROM generate_series(0, $1::int - 2) l, generate_series(0, $2::int - 1) i, generate_series(0, $3::int - 1) k`,
	`INSERT INTO runs (organization_id, run_id, pipeline_name, status, started_at, finished_at, error, checks_failed, created_at, updated_at)
	 SELECT 'org_1', 'run_' || name, name, 'success', now() - interval '1 hour', now(), '', name LIKE 'p\_3\_%', now(), now()
	 FROM pipelines WHERE organization_id = 'org_1'`,
	`INSERT INTO check_results (organization_id, id, run_id, pipeline_name, check_id, status, severity, message, executed_at, created_at)
	 SELECT 'org_1', 'chk_' || name, 'run_' || name, name, 'not_empty', CASE WHEN name LIKE 'p\_3\_%' THEN 'failed' ELSE 'passed' END,
	        'error', '', now(), now()
	 FROM pipelines WHERE organization_id = 'org_1'`,
	// The other organizations: chains of the same names.
	`INSERT INTO datasets (organization_id, id, namespace, object, connection_ref, created_at, updated_at)
	 SELECT 'org_' || o, 'ds_' || (i / 10) || '_' || (i % 10), '', '', '', now(), now()
	 FROM generate_series(2, $1::int) o, generate_series(0, $2::int - 1) i`,
	`INSERT INTO lineage_edges (organization_id, from_id, to_id, source_kind, source_name, created_at)
	 SELECT 'org_' || o, 'ds_' || (i / 10) || '_' || (i % 10), 'ds_' || (i / 10 + 1) || '_' || (i % 10), 'pipeline', 'p_other', now()
	 FROM generate_series(2, $1::int) o, generate_series(0, $2::int - 11) i`,
	`ANALYZE`,
}

func impactSeedArgs() [][]any {
	return [][]any{{impactOrgs}, {impactLayers, impactWidth}, {impactLayers, impactWidth, impactPerPipeline}, {impactPerPipeline},
		{impactLayers, impactWidth, impactFanout, impactPerPipeline}, nil, nil, {impactOrgs, impactOtherSize}, {impactOrgs, impactOtherSize}, nil}
}

// BenchmarkImpact is the impact of org_1's first dataset at depth 10 on
// Postgres: through the store (ours: the statement, row-level security,
// the analysis in Go) and as the bare statement through pgx (raw). Each
// reports its median as p50-ms; the target is ≤ 50 ms.
func BenchmarkImpact(b *testing.B) {
	ctx := context.Background()
	dsn := sqlstoretest.DSN(b, sqlstore.Postgres)
	owner, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer owner.Close()
	if _, err := owner.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if err := owner.GrantAppRole(ctx, sqlstoretest.AppRole); err != nil {
		b.Fatal(err)
	}
	seed, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	// The rows are consistent by construction: skip the foreign key
	// triggers, which would otherwise be most of the seeding time (the test
	// server's postgres role may do this).
	if _, err := seed.Exec(ctx, `SET session_replication_role = replica`); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for i, q := range impactSeed {
		if _, err := seed.Exec(ctx, q, impactSeedArgs()[i]...); err != nil {
			b.Fatalf("seed %d: %v", i, err)
		}
	}
	seed.Close(ctx)
	b.Logf("seeded %d organizations, %d datasets in org_1, in %s", impactOrgs, impactLayers*impactWidth, time.Since(start).Round(time.Millisecond))

	appDSN := sqlstoretest.AsRole(dsn, sqlstoretest.AppRole)
	app, err := sqlstore.Open(ctx, appDSN, sqlstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer app.Close()
	org := &catalog.Org{ID: "org_1", Slug: "bench-1", Plan: catalog.PlanBusiness}
	q := catalog.ImpactQuery{Root: "ds_0_0", Depth: 10, Page: catalog.Page{Limit: catalog.MaxPageSize}}

	b.Run("ours", func(b *testing.B) {
		actx := sqlstoretest.AsOrg(org, catalog.RoleViewer)
		im, err := app.Impact(actx, q, spec.CheckTargets)
		if err != nil {
			b.Fatal(err)
		}
		blocked := 0
		for _, o := range im.Owners {
			blocked += o.Blocked
		}
		b.Logf("impact: %d datasets, %d pipelines, %d owners, %d blocked, %d failing checks", im.Datasets, im.Pipelines, len(im.Owners), blocked, len(im.Failing))
		if im.Datasets != 2022 || blocked == 0 {
			b.Fatalf("the generated graph is not the one described: %d datasets, %d blocked", im.Datasets, blocked)
		}
		timed(b, func() error { _, err := app.Impact(actx, q, spec.CheckTargets); return err })
	})
	b.Run("raw", func(b *testing.B) {
		conn, err := pgx.Connect(ctx, appDSN)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close(ctx)
		stmt, args := sqlstore.ImpactStatement(q.Root, org.ID, q.Depth)
		timed(b, func() error {
			tx, err := conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
			if err != nil {
				return err
			}
			defer tx.Rollback(ctx)
			if _, err := tx.Exec(ctx, `SELECT set_config('app.org_id', $1, true)`, org.ID); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, stmt, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
			}
			rows.Close()
			return rows.Err()
		})
	})
}

// timed runs fn b.N times and reports the median as p50-ms beside the mean.
func timed(b *testing.B, fn func() error) {
	b.Helper()
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
}
