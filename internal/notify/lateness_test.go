package notify_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/notify"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
	"github.com/dataxpipe/catalog/internal/testrig"
)

func TestPreviousRun(t *testing.T) {
	at := time.Date(2026, 6, 7, 6, 59, 30, 0, time.UTC)
	for schedule, want := range map[string]string{
		"@hourly":     "2026-06-07T06:00:00Z",
		"@daily":      "2026-06-07T00:00:00Z",
		"*/5 * * * *": "2026-06-07T06:55:00Z",
		"0 7 * * *":   "2026-06-06T07:00:00Z",
		"0 0 1 * *":   "2026-06-01T00:00:00Z",
		"@yearly":     "2026-01-01T00:00:00Z",
		"59 6 7 6 *":  "2026-06-07T06:59:00Z",
	} {
		got, ok := notify.PreviousRun(schedule, at)
		if !ok || got.Format(time.RFC3339) != want {
			t.Errorf("PreviousRun(%q) = %v, %v; want %s", schedule, got, ok, want)
		}
	}
	if _, ok := notify.PreviousRun("not a schedule", at); ok {
		t.Error("a bad schedule has a previous run")
	}
}

// lateEvents claims the due deliveries, records them delivered and returns
// their pipeline.late data.
func lateEvents(t *testing.T, db *sqlstore.DB) []catalog.EventData {
	t.Helper()
	claims, err := db.ClaimDeliveries(context.Background(), time.Minute, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []catalog.EventData
	for _, c := range claims {
		o, err := db.LoadDelivery(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecordAttempt(context.Background(), c, catalog.DeliveryAttempt{Time: db.Now(), StatusCode: 200}, catalog.DefaultRetryPolicy, 0); err != nil {
			t.Fatal(err)
		}
		if o.Event.Type != catalog.EventPipelineLate {
			continue
		}
		var d catalog.EventData
		if err := json.Unmarshal(o.Event.Data, &d); err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

// An hourly pipeline with a 30 m grace: late once per missed run, shown as
// late until a run starts, on an injected clock.
func TestLateness_OncePerMissedRun(t *testing.T) {
	for _, engine := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			db := sqlstoretest.OpenKeyed(t, engine)
			clock := testrig.NewClock(time.Date(2026, 6, 7, 6, 5, 0, 0, time.UTC))
			db.Now = clock.Now
			ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
			reg := catalog.PipelineRegistration{Name: "orders", Version: "1", Owner: "data@acme.com", Schedule: "@hourly", ContentHash: "x",
				Definition:  func(string) json.RawMessage { return json.RawMessage(`{"freshness":{"grace":"30m"}}`) },
				NextVersion: func(string) string { return "2" }}
			if _, _, err := db.RegisterPipeline(ctx, reg); err != nil {
				t.Fatal(err)
			}
			if _, err := db.CreateWebhook(ctx, catalog.WebhookInput{URL: "https://hooks.example.com/", Format: catalog.WebhookFormatJSON,
				Events: []string{catalog.EventPipelineLate}}); err != nil {
				t.Fatal(err)
			}
			scan := &notify.LatenessScanner{Store: db, Now: clock.Now}
			late := func(wantLate int, wantSince string) {
				t.Helper()
				n, err := scan.ScanOnce(context.Background())
				if err != nil || n != wantLate {
					t.Fatalf("scan at %v = %d, %v; want %d late", clock.Now(), n, err, wantLate)
				}
				got, err := db.LatePipelines(ctx, []string{"orders"})
				if err != nil {
					t.Fatal(err)
				}
				if since, ok := got["orders"]; ok != (wantSince != "") || ok && since.Format(time.RFC3339) != wantSince {
					t.Fatalf("at %v LatePipelines = %v, want since %q", clock.Now(), got, wantSince)
				}
			}
			clock.Advance(50 * time.Minute) // 06:55: the 06:00 run was before the pipeline existed
			late(0, "")
			clock.Advance(36 * time.Minute) // 07:31: the 07:00 run is 31 minutes overdue
			late(1, "2026-06-07T07:00:00Z")
			if evs := lateEvents(t, db); len(evs) != 1 || evs[0].Late.ExpectedAt.Format(time.RFC3339) != "2026-06-07T07:00:00Z" ||
				evs[0].Late.GraceSeconds != 1800 || evs[0].Pipeline.Owner != "data@acme.com" {
				t.Fatalf("pipeline.late events %+v", evs)
			}
			clock.Advance(9 * time.Minute) // 07:40: still late, no second event
			late(1, "2026-06-07T07:00:00Z")
			if evs := lateEvents(t, db); len(evs) != 0 {
				t.Fatalf("the same missed run raised again: %+v", evs)
			}
			clock.Advance(5 * time.Minute) // 07:45: the run starts late
			if _, _, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", Status: catalog.RunRunning}); err != nil {
				t.Fatal(err)
			}
			clock.Advance(5 * time.Minute)
			late(0, "")
			clock.Advance(41 * time.Minute) // 08:31: the 08:00 run is missed
			late(1, "2026-06-07T08:00:00Z")
			if evs := lateEvents(t, db); len(evs) != 1 || evs[0].Late.LastRunStartedAt == nil {
				t.Fatalf("second missed run: %+v", evs)
			}
		})
	}
}
