package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/notify"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
	"github.com/dataxpipe/catalog/internal/testrig"
)

var t0 = time.Date(2026, 6, 7, 6, 0, 0, 0, time.UTC)

// receiver records what it is sent, verifying each signature with verify;
// fail says how to answer the next request.
type receiver struct {
	t      *testing.T
	secret func() string
	now    func() time.Time
	mu     sync.Mutex
	fail   int // answer 500 to this many more requests
	got    []received
}

type received struct {
	id   string
	body []byte
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if err := verify(rc.secret(), r.Header, body, rc.now()); err != nil {
		rc.t.Errorf("signature: %v", err)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if rc.fail > 0 {
		rc.fail--
		http.Error(w, "down for maintenance", http.StatusInternalServerError)
		return
	}
	rc.got = append(rc.got, received{r.Header.Get("webhook-id"), body})
	w.WriteHeader(http.StatusNoContent)
}

func (rc *receiver) received() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// setup makes an organization with the pipeline orders and a webhook to
// srvURL for events; the store's clock is clock.
func setup(t *testing.T, db *sqlstore.DB, clock *testrig.Clock, url, format string, events ...string) (context.Context, *catalog.Webhook) {
	t.Helper()
	db.Now = clock.Now
	ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
	reg := catalog.PipelineRegistration{Name: "orders", Version: "1", Owner: "data@acme.com", Schedule: "@hourly", ContentHash: "x",
		Definition: func(string) json.RawMessage { return json.RawMessage(`{}`) }, NextVersion: func(string) string { return "2" }}
	if _, _, err := db.RegisterPipeline(ctx, reg); err != nil {
		t.Fatal(err)
	}
	w, err := db.CreateWebhook(ctx, catalog.WebhookInput{URL: url, Format: format, Events: events})
	if err != nil {
		t.Fatal(err)
	}
	return ctx, w
}

func worker(db *sqlstore.DB, clock *testrig.Clock) *notify.Worker {
	return &notify.Worker{Queue: db, Client: notify.Guard{AllowPrivate: true}.Client(10 * time.Second), Policy: catalog.DefaultRetryPolicy,
		AppURL: "https://dxp.example.com", Now: clock.Now, Jitter: func() float64 { return 0.999 }, Timeout: 10 * time.Second, Batch: 10}
}

func failRun(t *testing.T, db *sqlstore.DB, ctx context.Context) *catalog.Run {
	t.Helper()
	run, _, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", Status: catalog.RunFailed, Error: ptr("disk full")})
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func ptr[T any](v T) *T { return &v }

// A receiver that fails twice and then recovers gets the event once, on
// the third attempt, each attempt signed; the first retry is due within 30 s.
func TestWorker_RetriesUntilTheReceiverRecovers(t *testing.T) {
	for _, engine := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			db := sqlstoretest.OpenKeyed(t, engine)
			clock := testrig.NewClock(t0)
			var secret string
			rc := &receiver{t: t, secret: func() string { return secret }, now: clock.Now, fail: 2}
			srv := httptest.NewServer(rc)
			defer srv.Close()
			ctx, w := setup(t, db, clock, srv.URL, catalog.WebhookFormatJSON, catalog.EventRunFailed)
			secret = w.Secret
			run := failRun(t, db, ctx)
			wk := worker(db, clock)
			step := func(wantAttempts int) {
				t.Helper()
				if n, err := wk.RunOnce(context.Background()); err != nil || n != wantAttempts {
					t.Fatalf("RunOnce at %v = %d, %v; want %d attempts", clock.Now(), n, err, wantAttempts)
				}
			}
			step(1) // 500
			step(0) // not due yet
			clock.Advance(30 * time.Second)
			step(1) // 500 again: the first retry came within 30 s
			clock.Advance(30 * time.Second)
			step(0) // the second retry waits longer
			clock.Advance(time.Minute)
			step(1) // delivered
			clock.Advance(time.Hour)
			step(0)
			got := rc.received()
			if len(got) != 1 {
				t.Fatalf("received %d deliveries, want 1", len(got))
			}
			var env catalog.EventEnvelope
			if err := json.Unmarshal(got[0].body, &env); err != nil {
				t.Fatal(err)
			}
			if env.Type != catalog.EventRunFailed || env.Data.Run.ID != run.ID || env.Data.Pipeline.Owner != "data@acme.com" ||
				env.Links["run"] != "https://dxp.example.com/runs/"+run.ID {
				t.Fatalf("delivered %s", got[0].body)
			}
			ds, _, err := db.ListDeliveries(ctx, catalog.DeliveryFilter{WebhookID: w.ID})
			if err != nil || len(ds) != 1 || ds[0].Status != catalog.DeliveryDelivered || len(ds[0].History) != 3 {
				t.Fatalf("deliveries = %+v, %v", ds, err)
			}
			if h := ds[0].History; h[0].StatusCode != 204 || h[1].StatusCode != 500 || h[2].StatusCode != 500 || h[2].Error == "" {
				t.Fatalf("attempts = %+v", h)
			}
		})
	}
}

// Slack endpoints get a message with blocks naming the pipeline, the run
// (linked), the owner and the failing checks.
func TestWorker_SlackMessage(t *testing.T) {
	db := sqlstoretest.OpenKeyed(t, sqlstore.SQLite)
	clock := testrig.NewClock(t0)
	var secret string
	rc := &receiver{t: t, secret: func() string { return secret }, now: clock.Now}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	ctx, w := setup(t, db, clock, srv.URL, catalog.WebhookFormatSlack, catalog.EventRunFailed)
	secret = w.Secret
	run, _, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", Status: catalog.RunRunning})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordCheckResults(ctx, []catalog.CheckReport{{RunID: run.ID, CheckID: "row_count", Status: catalog.CheckFailed,
		Severity: catalog.SeverityError, Message: "0 < 1000"}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateRun(ctx, run.ID, catalog.RunUpdate{Status: ptr(catalog.RunFailed)}); err != nil {
		t.Fatal(err)
	}
	if _, err := worker(db, clock).RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := rc.received()
	if len(got) != 1 {
		t.Fatalf("received %d", len(got))
	}
	var msg struct {
		Text   string
		Blocks []json.RawMessage
	}
	if err := json.Unmarshal(got[0].body, &msg); err != nil {
		t.Fatal(err)
	}
	all := string(got[0].body)
	for _, want := range []string{"Run failed: orders", "*Owner*\\ndata@acme.com", "<https://dxp.example.com/runs/" + run.ID + "|" + run.ID + ">",
		"row_count", "0 &lt; 1000", "0 downstream pipelines affected", `"type":"actions"`} {
		if !contains(all, want) {
			t.Errorf("slack message lacks %s: %s", want, all)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// Two replicas on one database, claiming side by side, deliver each event
// exactly once.
func TestWorker_TwoReplicasDeliverEachEventOnce(t *testing.T) {
	for _, engine := range []sqlstore.Engine{sqlstore.Postgres, sqlstore.SQLite} {
		t.Run(string(engine), func(t *testing.T) {
			db, dsn := sqlstoretest.OpenKeyedDSN(t, engine)
			other, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{PoolMax: 10, SecretKey: sqlstoretest.TestSecretKey})
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			clock := testrig.NewClock(t0)
			other.Now = clock.Now
			var secret string
			rc := &receiver{t: t, secret: func() string { return secret }, now: clock.Now}
			srv := httptest.NewServer(rc)
			defer srv.Close()
			ctx, w := setup(t, db, clock, srv.URL, catalog.WebhookFormatJSON, catalog.EventRunFailed)
			secret = w.Secret
			const events = 40
			for range events {
				failRun(t, db, ctx)
			}
			var wg sync.WaitGroup
			for _, store := range []*sqlstore.DB{db, other} {
				wk := worker(store, clock)
				wk.Batch = 3
				wg.Add(1)
				go func() {
					defer wg.Done()
					for idle := 0; idle < 3; {
						n, err := wk.RunOnce(context.Background())
						if err != nil {
							t.Error(err)
							return
						}
						if n == 0 {
							idle++
						}
					}
				}()
			}
			wg.Wait()
			seen := map[string]int{}
			for _, r := range rc.received() {
				seen[r.id]++
			}
			if len(seen) != events {
				t.Fatalf("%d distinct events delivered, want %d", len(seen), events)
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("event %s delivered %d times", id, n)
				}
			}
		})
	}
}

// A production worker sends neither to http:// nor to an internal address,
// and records why; the receiver hears nothing.
func TestWorker_ProductionRefusesAndRecords(t *testing.T) {
	db := sqlstoretest.OpenKeyed(t, sqlstore.SQLite)
	clock := testrig.NewClock(t0)
	rc := &receiver{t: t, secret: func() string { return "" }, now: clock.Now}
	srv := httptest.NewTLSServer(rc)
	defer srv.Close()
	ctx, plain := setup(t, db, clock, "http://127.0.0.1:1/", catalog.WebhookFormatJSON, catalog.EventRunFailed)
	internal, err := db.CreateWebhook(ctx, catalog.WebhookInput{URL: srv.URL, Format: catalog.WebhookFormatJSON, Events: []string{catalog.EventRunFailed}})
	if err != nil {
		t.Fatal(err)
	}
	failRun(t, db, ctx)
	wk := worker(db, clock)
	wk.RequireHTTPS, wk.Client = true, notify.Guard{}.Client(5*time.Second)
	if n, err := wk.RunOnce(context.Background()); err != nil || n != 2 {
		t.Fatalf("RunOnce = %d, %v", n, err)
	}
	for hook, want := range map[string]string{plain.ID: "not https", internal.ID: "not a public address"} {
		ds, _, err := db.ListDeliveries(ctx, catalog.DeliveryFilter{WebhookID: hook})
		if err != nil || len(ds) != 1 || len(ds[0].History) != 1 || !contains(ds[0].History[0].Error, want) || ds[0].Status != catalog.DeliveryPending {
			t.Fatalf("%s: deliveries %+v, %v; want an attempt failing with %q", hook, ds, err, want)
		}
	}
	if got := rc.received(); len(got) != 0 {
		t.Fatalf("the internal receiver got %d requests", len(got))
	}
}
