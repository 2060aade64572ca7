package bench

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/api"
	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
	"github.com/dataxpipe/catalog/internal/web"
)

// Page render figures for an organization of the size: 500
// pipelines and 100,000 runs. The target is p50 under 50 ms per page;
// each sub-benchmark reports p50_ms and p95_ms beside ns/op.
const (
	benchPipelines = 500
	benchRuns      = 100_000
)

// uiServer is the UI over a store of engine seeded with one Business
// organization of benchPipelines pipelines and benchRuns runs, and the
// session cookie of its owner.
func uiServer(b *testing.B, engine sqlstore.Engine) (http.Handler, *http.Cookie) {
	b.Helper()
	ctx := context.Background()
	db := sqlstoretest.Open(b, engine)
	user := &catalog.User{Issuer: "https://idp.bench", Subject: "owner", Email: "owner@bench.test", EmailVerified: true}
	if _, err := db.SignIn(ctx, user); err != nil {
		b.Fatal(err)
	}
	org := &catalog.Org{Slug: "bench", Name: "Bench"}
	if err := db.Signup(ctx, user, org); err != nil {
		b.Fatal(err)
	}
	plan := catalog.PlanBusiness
	if _, err := db.UpdateOrg(ctx, "bench", catalog.OrgUpdate{Plan: &plan}); err != nil {
		b.Fatal(err)
	}
	authn := auth.NewAuthenticator(db, slog.New(slog.DiscardHandler))
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	ui := web.New(web.Options{Store: db, Auth: authn, Config: cfg})
	apiSrv := api.NewServer(api.Options{Store: db, Auth: authn, UI: ui})
	key := auth.GenerateKey()
	asOwner := catalog.NewContextWithPrincipal(ctx, &catalog.Principal{OrgID: org.ID, Role: catalog.RoleOwner, UserID: user.ID})
	if err := db.CreateAPIKey(asOwner, &catalog.APIKey{Name: "seed", Role: catalog.RoleAdmin, Prefix: auth.DisplayPrefix(key), Hash: auth.HashKey(key)}); err != nil {
		b.Fatal(err)
	}
	for i := range benchPipelines {
		call(b, apiSrv, "POST", "/api/v1/pipelines/", key, pipeline(fmt.Sprintf("p%04d", i)), http.StatusCreated)
	}
	seedRuns(b, db, org.ID)
	id := "bench-session-id"
	sum := sessionHash(id)
	if err := db.CreateSession(ctx, sum, &catalog.Session{UserID: user.ID, OrgID: org.ID, EmailVerified: true, ExpiresAt: time.Now().Add(24 * time.Hour)}); err != nil {
		b.Fatal(err)
	}
	return apiSrv, &http.Cookie{Name: "dxp_session", Value: id}
}

// seedRuns writes the runs in bulk: through the API it would take minutes,
// and what is measured is reading them.
func seedRuns(b *testing.B, db *sqlstore.DB, orgID string) {
	b.Helper()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const batch = 500
	for off := 0; off < benchRuns; off += batch {
		err := db.WithOrgTx(context.Background(), orgID, func(tx *sql.Tx) error {
			var q strings.Builder
			q.WriteString(`INSERT INTO runs (organization_id, run_id, pipeline_name, status, started_at, finished_at, error, checks_failed, created_at, updated_at) VALUES `)
			args := make([]any, 0, batch*10)
			for i := off; i < off+batch; i++ {
				if i > off {
					q.WriteString(",")
				}
				n := len(args)
				fmt.Fprintf(&q, "($%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10)
				at := start.Add(time.Duration(i) * time.Minute)
				status, failed := catalog.RunSuccess, false
				if i%7 == 0 {
					status, failed = catalog.RunFailed, true
				}
				t, end := at.Format("2006-01-02T15:04:05.000000Z"), at.Add(3*time.Minute).Format("2006-01-02T15:04:05.000000Z")
				args = append(args, orgID, fmt.Sprintf("run-%06d", i), fmt.Sprintf("p%04d", i%benchPipelines), status, t, end, "", failed, t, t)
			}
			_, err := tx.Exec(q.String(), args...)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWebPages(b *testing.B) {
	for _, engine := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			ui, cookie := uiServer(b, engine)
			for _, path := range []string{"/pipelines", "/pipelines?tag=pii&owner=data@acme.com", "/pipelines/p0042", "/runs/run-004242",
				"/settings/billing", "/settings/keys", "/settings/audit"} {
				b.Run(strings.TrimPrefix(path, "/"), func(b *testing.B) {
					var took []time.Duration
					for b.Loop() {
						req := httptest.NewRequest("GET", path, nil)
						req.AddCookie(cookie)
						rec := httptest.NewRecorder()
						t0 := time.Now()
						ui.ServeHTTP(rec, req)
						took = append(took, time.Since(t0))
						if rec.Code != http.StatusOK {
							b.Fatalf("GET %s = %d", path, rec.Code)
						}
					}
					slices.Sort(took)
					b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50_ms")
					b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95_ms")
				})
			}
		})
	}
}

func sessionHash(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}
