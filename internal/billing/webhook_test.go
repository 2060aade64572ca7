package billing_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/billing"
	"github.com/dataxpipe/catalog/internal/billing/billingtest"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

func TestService_ParseEvent(t *testing.T) {
	// A fixed clock: the 299 s and 301 s edges hold however slow the machine.
	now := time.Unix(1800000000, 0)
	svc, _ := newServiceAt(t, "http://127.0.0.1:1", nil, func() time.Time { return now }) // parsing never calls Stripe
	payload := billingtest.Subscription{EventID: "evt_1", Type: "updated", Created: 1700000000, ID: "sub_1",
		Customer: "cus_1", OrgID: "org_1", Status: "active", Price: priceTeam}.JSON()
	changed := []byte(strings.Replace(string(payload), "active", "activf", 1))
	// An endpoint set to another API release would send objects of another shape.
	basil := regexp.MustCompile(`"api_version":"[^"]*"`).ReplaceAll(payload, []byte(`"api_version":"2025-03-31.basil"`))
	for _, c := range []struct {
		name, header string
		body         []byte
		ok           bool
	}{
		{"Valid", billingtest.Sign(payload, whsec, now), payload, true},
		{"RolledSecret", billingtest.SignRolled(payload, "whsec_old", whsec, now), payload, true},
		{"Tolerated299sOld", billingtest.Sign(payload, whsec, now.Add(-299*time.Second)), payload, true},
		{"Tolerated299sAhead", billingtest.Sign(payload, whsec, now.Add(299*time.Second)), payload, true},
		{"ErrMissingHeader", "", payload, false},
		{"ErrWrongSecret", billingtest.Sign(payload, "whsec_other", now), payload, false},
		{"ErrOneByteChanged", billingtest.Sign(payload, whsec, now), changed, false},
		{"ErrTooOld", billingtest.Sign(payload, whsec, now.Add(-301*time.Second)), payload, false},
		{"ErrFuture", billingtest.Sign(payload, whsec, now.Add(301*time.Second)), payload, false},
		{"ErrGarbageHeader", "t=abc,v1", payload, false},
		{"ErrOtherAPIRelease", billingtest.Sign(basil, whsec, now), basil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ev, err := svc.ParseEvent(c.body, c.header)
			if !c.ok {
				if catalog.ErrorCode(err) != catalog.EMALFORMED {
					t.Fatalf("err = %v, want %s", err, catalog.EMALFORMED)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sub := ev.Subscription
			if ev.ID != "evt_1" || !ev.Created.Equal(time.Unix(1700000000, 0)) || sub == nil || sub.CustomerID != "cus_1" ||
				sub.OrgID != "org_1" || sub.Status != "active" || len(sub.PriceIDs) != 1 || sub.PriceIDs[0] != priceTeam || sub.Deleted {
				t.Fatalf("event = %+v, subscription %+v", ev, sub)
			}
		})
	}
}

// TestService_HandleWebhook follows one organization through the statuses
// of API.md, each event one second after the last.
func TestService_HandleWebhook(t *testing.T) {
	db := sqlstoretest.Open(t, sqlstore.SQLite)
	_, org := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
	svc, _ := newService(t, "http://127.0.0.1:1", db)
	created := int64(1700000000)
	deliver := func(payload []byte) billing.WebhookResult {
		t.Helper()
		res, err := svc.HandleWebhook(context.Background(), payload, billingtest.Sign(payload, whsec, time.Time{}))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for i, step := range []struct{ typ, status, price, plan string }{
		{"created", "incomplete", priceTeam, catalog.PlanFree}, // not paid yet
		{"updated", "trialing", priceTeam, catalog.PlanTeam},
		{"updated", "active", priceBusiness, catalog.PlanBusiness},
		{"updated", "past_due", priceBusiness, catalog.PlanBusiness}, // kept while Stripe retries
		{"updated", "active", "price_unknown", catalog.PlanBusiness}, // a price we do not sell changes nothing
		{"updated", "unpaid", priceBusiness, catalog.PlanFree},
		{"updated", "active", priceTeam, catalog.PlanTeam},
		{"updated", "incomplete_expired", priceTeam, catalog.PlanFree},
		{"updated", "active", priceTeam, catalog.PlanTeam},
		{"updated", "paused", priceTeam, catalog.PlanFree},
		{"updated", "active", priceTeam, catalog.PlanTeam},
		{"updated", "canceled", priceTeam, catalog.PlanFree},
		{"updated", "active", priceTeam, catalog.PlanTeam},
		{"deleted", "active", priceTeam, catalog.PlanFree}, // deletion is free whatever the status says
	} {
		created++
		res := deliver(billingtest.Subscription{EventID: "evt_" + string(rune('a'+i)), Type: step.typ, Created: created, ID: "sub_1",
			Customer: "cus_1", OrgID: org.ID, Status: step.status, Price: step.price}.JSON())
		got, _ := db.FindOrgByID(context.Background(), org.ID)
		if res.Outcome != billing.OutcomeApplied || res.OrgID != org.ID || got.Plan != step.plan || got.SubscriptionStatus != step.status {
			t.Fatalf("step %d (%s %s): outcome %s, plan %s, status %s; want plan %s", i, step.typ, step.status, res.Outcome, got.Plan, got.SubscriptionStatus, step.plan)
		}
	}
	if res := deliver(billingtest.Event("evt_inv", "invoice.paid", created, map[string]any{"id": "in_1", "object": "invoice"})); res.Outcome != billing.OutcomeIgnored {
		t.Fatalf("invoice.paid outcome %s, want ignored", res.Outcome)
	}
	if res := deliver(billingtest.Subscription{EventID: "evt_stranger", Type: "updated", Created: created, ID: "sub_9",
		Customer: "cus_9", Status: "active", Price: priceTeam}.JSON()); res.Outcome != billing.OutcomeUnknownOrg {
		t.Fatalf("a stranger's subscription: outcome %s, want unknown_org", res.Outcome)
	}
}

// The defect this guards: deleting an old subscription downgraded an
// organization that paid through a newer one. Both engines.
func TestService_HandleWebhook_SecondSubscription(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		_, org := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		svc, _ := newService(t, "http://127.0.0.1:1", db)
		deliver := func(payload []byte) {
			t.Helper()
			if _, err := svc.HandleWebhook(context.Background(), payload, billingtest.Sign(payload, whsec, time.Time{})); err != nil {
				t.Fatal(err)
			}
		}
		deliver(billingtest.Checkout{EventID: "evt_co", Created: 1700000000, Customer: "cus_1", OrgID: org.ID}.JSON())
		deliver(billingtest.Subscription{EventID: "evt_1", Type: "created", Created: 1700000001, ID: "sub_1",
			Customer: "cus_1", OrgID: org.ID, Status: "active", Price: priceTeam}.JSON())
		deliver(billingtest.Subscription{EventID: "evt_2", Type: "created", Created: 1700000002, ID: "sub_2",
			Customer: "cus_1", OrgID: org.ID, Status: "active", Price: priceBusiness}.JSON())
		deliver(billingtest.Subscription{EventID: "evt_3", Type: "deleted", Created: 1700000003, ID: "sub_1",
			Customer: "cus_1", OrgID: org.ID, Status: "canceled", Price: priceTeam}.JSON())
		got, err := db.FindOrgByID(context.Background(), org.ID)
		if err != nil || got.Plan != catalog.PlanBusiness || got.SubscriptionStatus != "active" {
			t.Fatalf("after sub_1 deleted: %+v, %v; want business/active from sub_2", got, err)
		}
	})
}
