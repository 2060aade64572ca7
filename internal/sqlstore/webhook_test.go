package sqlstore_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// eachKeyed is sqlstoretest.Each over stores with a secret key, which
// webhook signing secrets need.
func eachKeyed(t *testing.T, fn func(t *testing.T, db *sqlstore.DB)) {
	for _, e := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(e), func(t *testing.T) { fn(t, sqlstoretest.OpenKeyed(t, e)) })
	}
}

func mustWebhook(t *testing.T, db *sqlstore.DB, ctx context.Context, events ...string) *catalog.Webhook {
	t.Helper()
	w, err := db.CreateWebhook(ctx, catalog.WebhookInput{URL: "https://hooks.example.com/x", Format: catalog.WebhookFormatJSON, Events: events})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// claimAll claims every due delivery and returns them with their events.
func claimAll(t *testing.T, db *sqlstore.DB) []*catalog.OutgoingDelivery {
	t.Helper()
	refs, err := db.ClaimDeliveries(context.Background(), time.Minute, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []*catalog.OutgoingDelivery
	for _, r := range refs {
		o, err := db.LoadDelivery(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	return out
}

func TestWebhooks_OutboxInTheChangesTransaction(t *testing.T) {
	eachKeyed(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := runOrg(t, db, &now)
		w := mustWebhook(t, db, ctx, catalog.EventRunFailed, catalog.EventCheckFailed, catalog.EventPipelineRegistered, catalog.EventAPIKeyCreated)
		if len(w.Secret) < 40 || w.Secret[:6] != "whsec_" {
			t.Fatalf("secret %q is not a whsec_ secret", w.Secret)
		}
		other, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		if _, err := db.FindWebhook(other, w.ID); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("another organization found the webhook: %v", err)
		}
		// A run that fails, then is updated again: one run.failed.
		run, _, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", Status: catalog.RunRunning})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecordCheckResults(ctx, []catalog.CheckReport{{RunID: run.ID, CheckID: "rows", Status: catalog.CheckFailed, Severity: catalog.SeverityError, Message: "0 rows"}}, nil); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := db.UpdateRun(ctx, run.ID, catalog.RunUpdate{Status: ptr(catalog.RunFailed), Error: ptr("boom")}); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := db.RegisterPipeline(ctx, reg("billing", "1", "b")); err != nil {
			t.Fatal(err)
		}
		got := claimAll(t, db)
		types := map[string]int{}
		for _, o := range got {
			types[o.Event.Type]++
			if o.Webhook.Secret != w.Secret {
				t.Fatal("the worker does not get the signing secret")
			}
		}
		want := map[string]int{catalog.EventCheckFailed: 1, catalog.EventRunFailed: 1, catalog.EventPipelineRegistered: 1}
		if len(types) != len(want) || types[catalog.EventCheckFailed] != 1 || types[catalog.EventRunFailed] != 1 || types[catalog.EventPipelineRegistered] != 1 {
			t.Fatalf("events %v, want %v", types, want)
		}
		for _, o := range got {
			if o.Event.Type != catalog.EventRunFailed {
				continue
			}
			var d catalog.EventData
			if err := json.Unmarshal(o.Event.Data, &d); err != nil {
				t.Fatal(err)
			}
			if d.Run.ID != run.ID || d.Pipeline.Owner != "team@acme.com" || len(d.FailingChecks) != 1 || d.FailingChecks[0].CheckID != "rows" || d.DownstreamPipelines == nil {
				t.Fatalf("run.failed data %s", o.Event.Data)
			}
		}
		// Claimed deliveries are leased: a second claim gets none of them.
		if again := claimAll(t, db); len(again) != 0 {
			t.Fatalf("claimed %d leased deliveries again", len(again))
		}
	})
}

func TestWebhooks_AttemptsRetriesAndDisable(t *testing.T) {
	eachKeyed(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := runOrg(t, db, &now)
		w := mustWebhook(t, db, ctx, catalog.EventRunSucceeded)
		if _, _, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", Status: catalog.RunSuccess}); err != nil {
			t.Fatal(err)
		}
		policy := catalog.RetryPolicy{First: 20 * time.Second, Max: time.Hour, Window: 2 * time.Hour, DisableAfter: 90 * time.Minute}
		fail := func() catalog.DeliveryClaim {
			t.Helper()
			refs, err := db.ClaimDeliveries(context.Background(), time.Minute, 10)
			if err != nil || len(refs) != 1 {
				t.Fatalf("claim = %v, %v at %v", refs, err, now)
			}
			ok, err := db.RecordAttempt(context.Background(), refs[0], catalog.DeliveryAttempt{Time: now, StatusCode: 500, Latency: 12 * time.Millisecond}, policy, 0.99)
			if err != nil || !ok {
				t.Fatalf("record = %v, %v", ok, err)
			}
			return refs[0]
		}
		fail()
		// Not due before its retry; due within 30 s.
		if refs, _ := db.ClaimDeliveries(context.Background(), time.Minute, 10); len(refs) != 0 {
			t.Fatal("claimed before the retry was due")
		}
		now = now.Add(30 * time.Second)
		ref := fail()
		// A stale claimant (its lease taken over) records nothing.
		if ok, err := db.RecordAttempt(context.Background(), ref, catalog.DeliveryAttempt{Time: now, StatusCode: 200}, policy, 0); err != nil || ok {
			t.Fatalf("stale record = %v, %v", ok, err)
		}
		for i := 0; i < 20; i++ {
			now = now.Add(time.Hour)
			got, err := db.FindWebhook(ctx, w.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Enabled {
				break
			}
			refs, err := db.ClaimDeliveries(context.Background(), time.Minute, 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range refs {
				if _, err := db.RecordAttempt(context.Background(), r, catalog.DeliveryAttempt{Time: now, Error: "connection refused"}, policy, 0.5); err != nil {
					t.Fatal(err)
				}
			}
		}
		got, _ := db.FindWebhook(ctx, w.ID)
		if got.Enabled || got.DisabledReason == "" {
			t.Fatalf("an endpoint failing past DisableAfter is %+v", got)
		}
		evs, _, err := db.ListAuditEvents(ctx, catalog.AuditFilter{Action: catalog.AuditWebhookDisabled})
		if err != nil || len(evs) != 1 || evs[0].Actor.Type != "system" {
			t.Fatalf("disable audit = %+v, %v", evs, err)
		}
		ds, _, err := db.ListDeliveries(ctx, catalog.DeliveryFilter{WebhookID: w.ID})
		if err != nil || len(ds) != 1 || len(ds[0].History) < 3 || ds[0].History[0].N != ds[0].Attempts {
			t.Fatalf("deliveries = %+v, %v", ds, err)
		}
		if h := ds[len(ds)-1].History; h[len(h)-1].StatusCode != 500 || h[len(h)-1].Latency != 12*time.Millisecond {
			t.Fatalf("first attempt recorded as %+v", h[len(h)-1])
		}
		// Enabled again, a redelivery is due at once.
		if _, err := db.UpdateWebhook(ctx, w.ID, catalog.WebhookPatch{Enabled: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Redeliver(ctx, w.ID, ds[0].ID); err != nil {
			t.Fatal(err)
		}
		refs, err := db.ClaimDeliveries(context.Background(), time.Minute, 10)
		if err != nil || len(refs) != 1 {
			t.Fatalf("redelivery claim = %v, %v", refs, err)
		}
		if ok, err := db.RecordAttempt(context.Background(), refs[0], catalog.DeliveryAttempt{Time: now, StatusCode: 204}, policy, 0); err != nil || !ok {
			t.Fatalf("record = %v, %v", ok, err)
		}
		if got, _ := db.FindWebhook(ctx, w.ID); got.FailingSince != nil {
			t.Fatal("a success does not end the failing streak")
		}
	})
}

func TestWebhooks_RotateAndDelete(t *testing.T) {
	eachKeyed(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := runOrg(t, db, &now)
		w := mustWebhook(t, db, ctx, catalog.EventAPIKeyCreated, catalog.EventAPIKeyRevoked)
		r, err := db.RotateWebhookSecret(ctx, w.ID)
		if err != nil || r.Secret == w.Secret || r.Secret == "" {
			t.Fatalf("rotate = %+v, %v", r, err)
		}
		if err := db.CreateAPIKey(ctx, &catalog.APIKey{Name: "ci", Role: catalog.RoleMember, Prefix: "dxp_abc", Hash: "00ff"}); err != nil {
			t.Fatal(err)
		}
		got := claimAll(t, db)
		if len(got) != 1 || got[0].Webhook.Secret != r.Secret {
			t.Fatalf("after rotation the worker signs with %v", got)
		}
		if strings.Contains(string(got[0].Event.Data), "00ff") || !strings.Contains(string(got[0].Event.Data), "dxp_abc") {
			t.Fatalf("api_key.created data carries the key hash: %s", got[0].Event.Data)
		}
		keys, _, _ := db.ListAPIKeys(ctx, catalog.Page{})
		if _, err := db.RevokeAPIKey(ctx, keys[0].ID); err != nil {
			t.Fatal(err)
		}
		if got := claimAll(t, db); len(got) != 1 || got[0].Event.Type != catalog.EventAPIKeyRevoked {
			t.Fatalf("after revoke: %v", got)
		}
		if err := db.DeleteWebhook(ctx, w.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteWebhook(ctx, w.ID); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("second delete = %v", err)
		}
	})
}

// An OpenLineage DAG run that completes raises run.succeeded once, however
// often its events arrive.
func TestWebhooks_OpenLineageRunSucceeded(t *testing.T) {
	eachKeyed(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := runOrg(t, db, &now)
		if _, _, err := db.RegisterPipeline(ctx, reg("orders_sync", "1", "a")); err != nil {
			t.Fatal(err)
		}
		mustWebhook(t, db, ctx, catalog.EventRunSucceeded)
		for range 2 {
			for _, ev := range airflowEvents() {
				if _, err := db.IngestOpenLineage(ctx, ev, nil); err != nil {
					t.Fatal(err)
				}
			}
		}
		got := claimAll(t, db)
		if len(got) != 1 || got[0].Event.Type != catalog.EventRunSucceeded || !strings.Contains(string(got[0].Event.Data), dagRun) {
			t.Fatalf("deliveries %v", got)
		}
	})
}

// The delivery log keeps a window: settled deliveries older than it go,
// pending ones stay.
func TestWebhooks_PurgeHistory(t *testing.T) {
	eachKeyed(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := runOrg(t, db, &now)
		w := mustWebhook(t, db, ctx, catalog.EventRunSucceeded, catalog.EventRunFailed)
		if _, _, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", Status: catalog.RunSuccess}); err != nil {
			t.Fatal(err)
		}
		refs, err := db.ClaimDeliveries(context.Background(), time.Minute, 10)
		if err != nil || len(refs) != 1 {
			t.Fatalf("claim = %v, %v", refs, err)
		}
		if _, err := db.RecordAttempt(context.Background(), refs[0], catalog.DeliveryAttempt{Time: now, StatusCode: 200}, catalog.DefaultRetryPolicy, 0); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", Status: catalog.RunFailed}); err != nil {
			t.Fatal(err)
		}
		n, err := db.PurgeWebhookHistory(context.Background(), now.Add(time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("purge = %d, %v; want the delivered event only", n, err)
		}
		ds, _, err := db.ListDeliveries(ctx, catalog.DeliveryFilter{WebhookID: w.ID})
		if err != nil || len(ds) != 1 || ds[0].Status != catalog.DeliveryPending || ds[0].EventType != catalog.EventRunFailed {
			t.Fatalf("left = %+v, %v", ds, err)
		}
	})
}
