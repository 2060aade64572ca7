package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

func TestBilling_LinkStripeCustomer(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		bg := context.Background()
		_, a := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		_, b := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		if got, err := db.LinkStripeCustomer(bg, a.ID, "cus_a"); err != nil || got != "cus_a" {
			t.Fatalf("first link = %q, %v", got, err)
		}
		if got, err := db.LinkStripeCustomer(bg, a.ID, "cus_other"); err != nil || got != "cus_a" {
			t.Fatalf("second link = %q, %v; want the first customer kept", got, err)
		}
		if _, err := db.LinkStripeCustomer(bg, b.ID, "cus_a"); catalog.ErrorCode(err) != catalog.ECONFLICT {
			t.Fatalf("another org's customer: %v, want %s", err, catalog.ECONFLICT)
		}
		if _, err := db.LinkStripeCustomer(bg, "org_nope", "cus_x"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("no such org: %v, want %s", err, catalog.ENOTFOUND)
		}
	})
}

func TestBilling_ApplyStripeSubscription(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		bg := context.Background()
		ctx, org := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		t0 := time.Unix(1700000000, 0).UTC()
		apply := func(id string, at time.Time, customer, orgID, status, plan string) (*catalog.Org, bool, error) {
			return db.ApplyStripeSubscription(bg, catalog.SubscriptionEvent{EventID: id, Created: at, CustomerID: customer,
				OrgID: orgID, SubscriptionID: "sub_1", Status: status, Plan: plan})
		}
		// Found through metadata before the customer is known, which links it.
		if o, wrote, err := apply("evt_1", t0.Add(2*time.Second), "cus_1", org.ID, "active", catalog.PlanTeam); err != nil || !wrote || o.Plan != catalog.PlanTeam {
			t.Fatalf("by metadata = %+v, %v, %v", o, wrote, err)
		}
		// Then through the customer alone.
		if o, wrote, err := apply("evt_2", t0.Add(2*time.Second), "cus_1", "", "past_due", ""); err != nil || !wrote || o.Plan != catalog.PlanTeam {
			t.Fatalf("by customer, same second = %+v, %v, %v", o, wrote, err)
		}
		if _, _, err := apply("evt_1", t0.Add(2*time.Second), "cus_1", org.ID, "active", catalog.PlanTeam); catalog.ErrorCode(err) != catalog.ECONFLICT {
			t.Fatalf("redelivery: %v, want %s", err, catalog.ECONFLICT)
		}
		// Older than the last applied event: recorded, nothing changed.
		if o, wrote, err := apply("evt_0", t0, "cus_1", "", "canceled", catalog.PlanFree); err != nil || wrote || o.ID != org.ID {
			t.Fatalf("stale = %+v, %v, %v; want the org, nothing written", o, wrote, err)
		}
		if _, _, err := apply("evt_0", t0, "cus_1", "", "canceled", catalog.PlanFree); catalog.ErrorCode(err) != catalog.ECONFLICT {
			t.Fatalf("stale redelivery: %v, want %s", err, catalog.ECONFLICT)
		}
		got, _ := db.FindOrgByID(bg, org.ID)
		if got.Plan != catalog.PlanTeam || got.SubscriptionStatus != "past_due" || got.StripeCustomerID != "cus_1" {
			t.Fatalf("org = %+v; want team, past_due, cus_1", got)
		}
		events, _, err := db.ListAuditEvents(ctx, catalog.AuditFilter{Action: catalog.AuditOrgPlanChanged})
		if err != nil || len(events) != 1 || events[0].Actor != (catalog.Actor{Type: "stripe", ID: "evt_1"}) || events[0].Target != "free → team" {
			t.Fatalf("plan audit = %+v, %v; want one by stripe evt_1", events, err)
		}
		// Metadata cannot reach an org that pays through another customer.
		if _, _, err := apply("evt_3", t0.Add(3*time.Second), "cus_stray", org.ID, "canceled", catalog.PlanFree); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("stray customer with our org id: %v, want %s", err, catalog.ENOTFOUND)
		}
		if _, _, err := apply("evt_4", t0, "", "", "active", catalog.PlanTeam); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("no customer, no org: %v, want %s", err, catalog.ENOTFOUND)
		}
	})
}

// An organization that upgrades through a second subscription keeps the
// larger plan when the first one ends, whatever order the events come in.
func TestBilling_PlanFollowsAllSubscriptions(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		bg := context.Background()
		_, org := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		t0 := time.Unix(1700000000, 0).UTC()
		step := func(evt string, sec int, sub, status, plan, wantPlan, wantStatus string) {
			t.Helper()
			o, wrote, err := db.ApplyStripeSubscription(bg, catalog.SubscriptionEvent{EventID: evt, Created: t0.Add(time.Duration(sec) * time.Second),
				CustomerID: "cus_1", OrgID: org.ID, SubscriptionID: sub, Status: status, Plan: plan})
			if err != nil || !wrote || o.Plan != wantPlan || o.SubscriptionStatus != wantStatus {
				t.Fatalf("%s: org = %+v, wrote %v, err %v; want %s/%s", evt, o, wrote, err, wantPlan, wantStatus)
			}
			if got, _ := db.FindOrgByID(bg, org.ID); got.Plan != wantPlan || got.SubscriptionStatus != wantStatus {
				t.Fatalf("%s: stored org = %s/%s; want %s/%s", evt, got.Plan, got.SubscriptionStatus, wantPlan, wantStatus)
			}
		}
		step("evt_1", 1, "sub_1", "active", catalog.PlanTeam, catalog.PlanTeam, "active")
		step("evt_2", 2, "sub_2", "active", catalog.PlanBusiness, catalog.PlanBusiness, "active")
		step("evt_3", 3, "sub_1", "canceled", catalog.PlanFree, catalog.PlanBusiness, "active") // sub_2 still pays
		step("evt_4", 4, "sub_2", "past_due", "", catalog.PlanBusiness, "past_due")             // kept while Stripe retries
		step("evt_5", 5, "sub_2", "canceled", catalog.PlanFree, catalog.PlanFree, "canceled")
		// An event of sub_1 older than its last one changes nothing, even
		// though it is newer than nothing else about the organization.
		if o, wrote, err := db.ApplyStripeSubscription(bg, catalog.SubscriptionEvent{EventID: "evt_old", Created: t0.Add(2 * time.Second),
			CustomerID: "cus_1", SubscriptionID: "sub_1", Status: "active", Plan: catalog.PlanTeam}); err != nil || wrote || o.Plan != catalog.PlanFree {
			t.Fatalf("stale event of sub_1 = %+v, %v, %v; want nothing written", o, wrote, err)
		}
	})
}

// Stripe may deliver one event to several replicas at once: exactly one
// applies it, and the others see ECONFLICT.
func TestBilling_ConcurrentDuplicates(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, org := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, errs[i] = db.ApplyStripeSubscription(context.Background(), catalog.SubscriptionEvent{EventID: "evt_dup",
					Created: time.Unix(1700000000, 0), CustomerID: "cus_dup", OrgID: org.ID, SubscriptionID: "sub_dup",
					Status: "active", Plan: catalog.PlanBusiness})
			}()
		}
		wg.Wait()
		applied := 0
		for _, err := range errs {
			switch catalog.ErrorCode(err) {
			case "":
				applied++
			case catalog.ECONFLICT:
			default:
				t.Fatalf("unexpected error: %v", err)
			}
		}
		events, _, _ := db.ListAuditEvents(ctx, catalog.AuditFilter{Action: catalog.AuditOrgPlanChanged})
		if applied != 1 || len(events) != 1 {
			t.Fatalf("%d deliveries applied, %d plan audits; want 1 and 1", applied, len(events))
		}
	})
}
