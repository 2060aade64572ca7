package sqlstore_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// The hot queries of registration, ingestion and walks read a large
// organization's graph by an index condition leading with organization_id
// while the tables have no statistics yet (a fresh database's first big
// load, before autovacuum's ANALYZE): Postgres then plans from default
// estimates, and a query an index cannot serve scans every row.
func TestPostgresPlans_HotQueriesUseAnIndexWithoutStatistics(t *testing.T) {
	app, owner := sqlstoretest.OpenWithOwner(t, sqlstore.Postgres)
	ctx := context.Background()
	_, org := sqlstoretest.MustCreateOrg(t, app, catalog.PlanBusiness)
	_, other := sqlstoretest.MustCreateOrg(t, app, catalog.PlanBusiness)
	hot := []struct{ table, col, query string }{
		{"dataset_declarations", "dataset_id", `SELECT dataset_id, object, connection_ref FROM dataset_declarations
			WHERE organization_id = $1 AND dataset_id IN ('d_1', 'd_2', 'd_3') ORDER BY dataset_id, declared_at DESC, source_kind, source_name`},
		{"datasets", "id", `SELECT id, object, connection_ref FROM datasets WHERE organization_id = $1 AND id IN ('d_1', 'd_2', 'd_3')`},
		{"dataset_declarations", "source_name", `SELECT dataset_id FROM dataset_declarations WHERE organization_id = $1 AND source_kind = 'pipeline' AND source_name = 'p_1'`},
		{"lineage_edges", "source_name", `DELETE FROM lineage_edges WHERE organization_id = $1 AND source_kind = 'pipeline' AND source_name = 'p_1'`},
		{"lineage_edges", "to_id", `SELECT from_id FROM lineage_edges WHERE organization_id = $1 AND to_id = 'd_5'`},
		{"datasets", "object", `SELECT id FROM datasets WHERE organization_id = $1 AND object = 'db.t_7' AND namespace = '' ORDER BY id LIMIT 2`},
		{"openlineage_run_datasets", "run_key", `SELECT side, dataset_id FROM openlineage_run_datasets WHERE organization_id = $1 AND run_key = 'r_1'`},
		{"runs", "pipeline_name", `SELECT run_id FROM runs WHERE organization_id = $1 AND pipeline_name = 'p_1' ORDER BY started_at DESC, run_id DESC LIMIT 1`},
	}
	err := owner.WithOrgTx(ctx, "", func(tx *sql.Tx) error {
		for _, table := range []string{"datasets", "dataset_declarations", "lineage_edges", "openlineage_run_datasets", "runs"} {
			if _, err := tx.Exec(`ALTER TABLE ` + table + ` SET (autovacuum_enabled = false)`); err != nil {
				return err
			}
		}
		for _, id := range []string{org.ID, other.ID} {
			for _, q := range []string{
				`INSERT INTO datasets (organization_id, id, object, created_at, updated_at)
					SELECT $1, 'd_' || i, 'db.t_' || i, now(), now() FROM generate_series(1, 20000) i`,
				`INSERT INTO dataset_declarations (organization_id, source_kind, source_name, dataset_id, object, connection_ref, declared_at)
					SELECT $1, 'pipeline', 'p_' || (i / 10), 'd_' || i, '', '', now() FROM generate_series(1, 20000) i`,
				`INSERT INTO lineage_edges (organization_id, from_id, to_id, source_kind, source_name, created_at)
					SELECT $1, 'd_' || i, 'd_' || (i + 1), 'pipeline', 'p_' || (i / 10), now() FROM generate_series(1, 19999) i`,
				`INSERT INTO openlineage_run_datasets (organization_id, run_key, side, dataset_id, first_seen_at, last_seen_at)
					SELECT $1, 'r_' || (i / 2), 'in', 'd_' || i, now(), now() FROM generate_series(1, 20000) i`,
			} {
				if _, err := tx.Exec(q, id); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = owner.WithOrgTx(ctx, "", func(tx *sql.Tx) error {
		for _, h := range hot {
			var plan string
			if err := tx.QueryRow(`EXPLAIN (FORMAT JSON) `+h.query, org.ID).Scan(&plan); err != nil {
				return err
			}
			if problem := indexProblem(t, plan, h.table, h.col); problem != "" {
				t.Errorf("%s\n%s", strings.Join(strings.Fields(h.query), " "), problem)
				t.Logf("plan: %s", plan)
			}
		}
		// The check can fail: no index has connection_ref.
		var plan string
		if err := tx.QueryRow(`EXPLAIN (FORMAT JSON) SELECT id FROM datasets WHERE organization_id = $1 AND connection_ref = 'c'`, org.ID).Scan(&plan); err != nil {
			return err
		}
		if indexProblem(t, plan, "datasets", "connection_ref") == "" {
			t.Errorf("a query no index serves passed the check: %s", plan)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// indexProblem says what is wrong with a JSON plan's access to table: a
// sequential scan, or an index scan whose condition does not include
// organization_id and col (an index on organization_id alone reads all of
// the organization's rows); "" when every access is by such a condition.
func indexProblem(t *testing.T, plan, table, col string) string {
	var root []struct{ Plan planNode }
	if err := json.Unmarshal([]byte(plan), &root); err != nil {
		t.Fatal(err)
	}
	var problems []string
	var visit func(n planNode)
	visit = func(n planNode) {
		if n.Relation == table && n.Type != "ModifyTable" {
			cond := n.IndexCond
			if n.Type == "Bitmap Heap Scan" { // its Bitmap Index Scans carry the condition
				for _, c := range n.Plans {
					cond += c.IndexCond
				}
			}
			switch {
			case strings.Contains(n.Type, "Seq Scan"):
				problems = append(problems, "a sequential scan of "+table)
			case !strings.Contains(cond, "(organization_id = ") || !strings.Contains(cond, "("+col+" "):
				problems = append(problems, n.Type+" of "+table+" without organization_id and "+col+" in its index condition")
			}
		}
		for _, c := range n.Plans {
			visit(c)
		}
	}
	visit(root[0].Plan)
	return strings.Join(problems, "; ")
}

type planNode struct {
	Type      string     `json:"Node Type"`
	Relation  string     `json:"Relation Name"`
	IndexCond string     `json:"Index Cond"`
	Plans     []planNode `json:"Plans"`
}
