package scaletest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
)

// TestPgBouncer_TransactionPoolingKeepsTenantsApart runs the API's store
// through PgBouncer 1.18 in transaction pooling, with fewer server
// connections than clients, while two organizations write and read at once
// and raw probes read the tables without any filter. Row-level security
// must hold on every shared server connection: set_config is
// transaction-local, so no organization outlives its transaction. Every
// statement runs in the documented exec mode (PgBouncerExecMode), which
// needs no prepared statement to survive between transactions, and in
// cache_describe, which the README names as the alternative.
func TestPgBouncer_TransactionPoolingKeepsTenantsApart(t *testing.T) {
	for _, mode := range []string{PgBouncerExecMode, "cache_describe"} {
		t.Run(mode, func(t *testing.T) { transactionPooling(t, mode) })
	}
}

func transactionPooling(t *testing.T, mode string) {
	d := NewDatabase(t)
	bouncer := StartPgBouncer(t, d, 3)
	db, err := sqlstore.Open(context.Background(), bouncer.DSNWithMode(d, mode), sqlstore.Options{PoolMax: 12})
	if err != nil {
		t.Fatalf("open through pgbouncer: %v\n%s", err, bouncer.Output())
	}
	defer db.Close()
	h := API(db)
	type tenant struct {
		org *catalog.Org
		key string
	}
	tenants := map[string]*tenant{}
	for _, slug := range []string{"alpha", "beta"} {
		org, key := NewOrg(t, db, slug, catalog.PlanBusiness)
		tenants[slug] = &tenant{org, key}
		for i := range 3 {
			if code, body := Do(h, "POST", "/api/v1/pipelines/", key, Pipeline(fmt.Sprintf("%s-p%d", slug, i))); code != 201 {
				t.Fatalf("register: %d %s", code, body)
			}
		}
	}
	other := map[string]string{"alpha": "beta", "beta": "alpha"}

	const workers, rounds = 4, 25
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	report := func(format string, args ...any) {
		select {
		case errs <- fmt.Sprintf(format, args...):
		default:
		}
	}
	for slug, tn := range tenants {
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := range rounds {
					pipeline := fmt.Sprintf("%s-p%d", slug, (w+r)%3)
					run := fmt.Sprintf(`{"pipeline_id":%q,"status":"running","run_id":"%s-%d-%d"}`, pipeline, slug, w, r)
					if code, body := Do(h, "POST", "/api/v1/runs/", tn.key, run); code != 201 {
						report("%s: POST run: %d %s", slug, code, body)
						return
					}
					for _, path := range []string{"/api/v1/pipelines/", "/api/v1/runs/?limit=100", "/api/v1/pipelines/" + pipeline} {
						code, body := Do(h, "GET", path, tn.key, "")
						if code != 200 {
							report("%s: GET %s: %d %s", slug, path, code, body)
							return
						}
						if strings.Contains(body, other[slug]+"-") {
							report("%s: GET %s shows %s's rows: %.300s", slug, path, other[slug], body)
						}
					}
					if code, body := Do(h, "GET", "/api/v1/pipelines/"+other[slug]+"-p0", tn.key, ""); code != 404 {
						report("%s: another tenant's pipeline answered %d %.200s", slug, code, body)
					}
				}
			}()
		}
	}
	// Raw probes, as the application role through the same PgBouncer: in a
	// transaction acting in one organization they see only its rows, and
	// outside one (on server connections other transactions just used)
	// they see none.
	probe, err := sql.Open("pgx", bouncer.DSNWithMode(d, mode))
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()
	probes := 0
	var probeMu sync.Mutex
	for slug, tn := range tenants {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds * 2 {
				orgs, err := probeOrgs(probe, tn.org.ID)
				if err != nil {
					report("probe %s: %v", slug, err)
					return
				}
				for _, o := range orgs {
					if o != tn.org.ID {
						report("probe acting in %s saw a row of %s", tn.org.ID, o)
					}
				}
				var leaked int
				var setting sql.NullString
				if err := probe.QueryRow(`SELECT (SELECT count(*) FROM runs) + (SELECT count(*) FROM pipelines),
					current_setting('app.org_id', true)`).Scan(&leaked, &setting); err != nil {
					report("probe outside a transaction: %v", err)
					return
				}
				if leaked != 0 || setting.String != "" {
					report("outside a transaction a server connection still acts in %q and shows %d rows", setting.String, leaked)
				}
				probeMu.Lock()
				probes++
				probeMu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if t.Failed() {
		t.Logf("pgbouncer:\n%s", bouncer.Output())
		return
	}

	// Nothing acknowledged was lost, and every run lies in its own tenant.
	owner, err := sql.Open("pgx", d.Owner)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	for slug, tn := range tenants {
		var n, foreign int
		if err := owner.QueryRow(`SELECT count(*), count(*) FILTER (WHERE pipeline_name NOT LIKE $2 || '-%')
			FROM runs WHERE organization_id = $1`, tn.org.ID, slug).Scan(&n, &foreign); err != nil {
			t.Fatal(err)
		}
		if n != workers*rounds || foreign != 0 {
			t.Errorf("%s: %d runs stored (%d of another tenant's pipelines), want %d", slug, n, foreign, workers*rounds)
		}
	}
	var servers int
	if err := owner.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND usename = 'dataxpipe_app'`, d.Name).Scan(&servers); err != nil {
		t.Fatal(err)
	}
	if servers > 3 {
		t.Errorf("%d server connections of the application role: the traffic did not go through PgBouncer's pool of 3", servers)
	}
	t.Logf("%d probes, %d server connections shared by both tenants", probes, servers)
}

// probeOrgs reads the organization of every pipeline and run row a
// transaction acting in orgID can see.
func probeOrgs(db *sql.DB, orgID string) ([]string, error) {
	tx, err := db.Begin()
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`SELECT set_config('app.org_id', $1, true)`, orgID); err != nil {
		return nil, err
	}
	rows, err := tx.Query(`SELECT DISTINCT organization_id FROM runs UNION SELECT DISTINCT organization_id FROM pipelines`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, tx.Commit()
}
