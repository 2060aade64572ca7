package api_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/api"
	"github.com/dataxpipe/catalog/internal/billing"
	"github.com/dataxpipe/catalog/internal/billing/billingtest"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/ratelimit"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

func TestStripeWebhook_Signature(t *testing.T) {
	e := sqliteEnv(t)
	e.withBilling("http://127.0.0.1:1")
	_, admin := e.newOrg("acme", catalog.PlanFree)
	orgID := e.myOrg(admin)["id"].(string)
	payload := billingtest.Subscription{EventID: "evt_sig", Type: "updated", Created: 1700000000, ID: "sub_1",
		Customer: "cus_1", OrgID: orgID, Status: "active", Price: priceTeam}.JSON()
	post := func(body []byte, header string) response {
		return e.do("POST", "/webhooks/stripe", "", string(body), "Stripe-Signature", header)
	}
	now := time.Now()
	post(payload, "").expect(400)
	post(payload, billingtest.Sign(payload, "whsec_wrong", now)).expect(400)
	post([]byte(strings.Replace(string(payload), `"sub_1"`, `"sub_2"`, 1)), billingtest.Sign(payload, testWhsec, now)).expect(400)
	post(payload, billingtest.Sign(payload, testWhsec, now.Add(-301*time.Second))).expect(400)
	post(payload, billingtest.Sign(payload, testWhsec, now.Add(301*time.Second))).expect(400)
	if e.myOrg(admin)["plan"] != "free" {
		t.Fatal("a refused delivery changed the plan")
	}
	post(payload, billingtest.SignRolled(payload, "whsec_before_roll", testWhsec, now)).expect(200)
	if e.myOrg(admin)["plan"] != "team" {
		t.Fatal("a delivery signed with the rolled secret did not apply")
	}
}

// webhookOutcome is the webhook answer's outcome.
func webhookOutcome(r response) string { return r.expect(200).json()["outcome"].(string) }

func TestStripeWebhook_Ordering(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		e.withBilling("http://127.0.0.1:1")
		_, admin := e.newOrg("acme", catalog.PlanFree)
		orgID := e.myOrg(admin)["id"].(string)
		sub := func(id string, created int64, status, price string) []byte {
			return billingtest.Subscription{EventID: id, Type: "updated", Created: created, ID: "sub_1", Customer: "cus_acme",
				OrgID: orgID, Status: status, Price: price}.JSON()
		}
		// The subscription arrives before the checkout that created it; the
		// metadata org_id finds the organization and links the customer.
		if got := webhookOutcome(e.deliverStripe(sub("evt_10", 1700000010, "active", priceTeam))); got != billing.OutcomeApplied {
			t.Fatalf("subscription first: %s", got)
		}
		if got := webhookOutcome(e.deliverStripe(billingtest.Checkout{EventID: "evt_05", Created: 1700000005, Customer: "cus_acme", OrgID: orgID}.JSON())); got != billing.OutcomeLinked {
			t.Fatalf("checkout after: %s", got)
		}
		me := e.myOrg(admin)
		if b := me["billing"].(map[string]any); me["plan"] != "team" || b["stripe_customer_id"] != "cus_acme" || b["subscription_status"] != "active" {
			t.Fatalf("after checkout: %v", me)
		}
		// A newer upgrade, then an older cancellation that must not win.
		webhookOutcome(e.deliverStripe(sub("evt_20", 1700000020, "active", priceBusiness)))
		if got := webhookOutcome(e.deliverStripe(sub("evt_15", 1700000015, "canceled", priceTeam))); got != billing.OutcomeStale || e.myOrg(admin)["plan"] != "business" {
			t.Fatalf("older event after a newer one: %s, plan %v", got, e.myOrg(admin)["plan"])
		}
		if got := webhookOutcome(e.deliverStripe(sub("evt_20", 1700000020, "active", priceBusiness))); got != billing.OutcomeDuplicate {
			t.Fatalf("redelivery: %s", got)
		}
		// past_due keeps the plan and shows the status.
		webhookOutcome(e.deliverStripe(sub("evt_30", 1700000030, "past_due", priceBusiness)))
		if me := e.myOrg(admin); me["plan"] != "business" || me["billing"].(map[string]any)["subscription_status"] != "past_due" {
			t.Fatalf("past_due: %v", me)
		}
		items := e.do("GET", "/api/v1/audit-events/?action=organization.plan_changed", admin, "").expect(200).json()["items"].([]any)
		if len(items) != 2 {
			t.Fatalf("plan audits = %v; want free → team and team → business", items)
		}
		for _, it := range items {
			ev := it.(map[string]any)
			want := map[string]string{"free → team": "evt_10", "team → business": "evt_20"}[ev["target"].(string)]
			if actor := ev["actor"].(map[string]any); actor["type"] != "stripe" || actor["id"] != want || ev["request_id"] == "" {
				t.Fatalf("plan audit %v; want actor stripe %s with the request id", ev, want)
			}
		}
	})
}

func TestStripeWebhook_ConcurrentDuplicates(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		e.withBilling("http://127.0.0.1:1")
		_, admin := e.newOrg("acme", catalog.PlanFree)
		payload := billingtest.Subscription{EventID: "evt_twice", Type: "created", Created: 1700000000, ID: "sub_1",
			Customer: "cus_1", OrgID: e.myOrg(admin)["id"].(string), Status: "active", Price: priceTeam}.JSON()
		const n = 6
		results := make([]response, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() { defer wg.Done(); results[i] = e.deliverStripe(payload) }()
		}
		wg.Wait()
		count := map[string]int{}
		for _, r := range results {
			if r.Code != 200 {
				t.Fatalf("a concurrent delivery got %d: %s", r.Code, r.Body.String())
			}
			count[r.json()["outcome"].(string)]++
		}
		audits := e.do("GET", "/api/v1/audit-events/?action=organization.plan_changed", admin, "").expect(200).json()["items"].([]any)
		if count[billing.OutcomeApplied] != 1 || count[billing.OutcomeDuplicate] != n-1 || len(audits) != 1 {
			t.Fatalf("outcomes %v, %d plan audits; want one applied, the rest duplicates, one audit", count, len(audits))
		}
	})
}

// A downgrade deletes nothing: the pipelines stay, new ones are refused.
func TestStripeWebhook_DowngradeKeepsPipelines(t *testing.T) {
	e := sqliteEnv(t)
	e.withBilling("http://127.0.0.1:1")
	_, admin := e.newOrg("acme", catalog.PlanFree)
	sub := billingtest.Subscription{EventID: "evt_up", Type: "created", Created: 1700000000, ID: "sub_1", Customer: "cus_1",
		OrgID: e.myOrg(admin)["id"].(string), Status: "active", Price: priceTeam}
	webhookOutcome(e.deliverStripe(sub.JSON()))
	for i := range 5 {
		e.do("POST", "/api/v1/pipelines/", admin, pipelineJSON(fmt.Sprintf("p_%d", i), "1")).expect(201)
	}
	sub.EventID, sub.Type, sub.Created, sub.Status = "evt_down", "deleted", 1700000100, "canceled"
	if got := webhookOutcome(e.deliverStripe(sub.JSON())); got != billing.OutcomeApplied {
		t.Fatalf("deleted: %s", got)
	}
	me := e.myOrg(admin)
	if me["plan"] != "free" || me["usage"].(map[string]any)["pipelines"] != float64(5) {
		t.Fatalf("after downgrade: %v", me)
	}
	if n := len(e.do("GET", "/api/v1/pipelines/", admin, "").expect(200).json()["items"].([]any)); n != 5 {
		t.Fatalf("%d pipelines listed after the downgrade, want all 5", n)
	}
	if code := e.do("POST", "/api/v1/pipelines/", admin, pipelineJSON("p_new", "1")).expect(403).json()["code"]; code != "plan_limit_exceeded" {
		t.Fatalf("new pipeline on free with 5: code %v", code)
	}
}

// A plan a delivery applies reaches the organization's cached keys on their
// next request: the new plan's rate applies without waiting out the cache.
func TestStripeWebhook_PlanReachesCachedKeysAtOnce(t *testing.T) {
	e := sqliteEnv(t)
	e.withBillingLimited("http://127.0.0.1:1", &api.RateLimit{Limiter: ratelimit.NewMemory(e.clock.Now), AnonPerMinute: 60})
	_, admin := e.newOrg("acme", catalog.PlanFree)
	if got := e.do("GET", "/api/v1/pipelines/", admin, "").expect(200).Header().Get("RateLimit-Limit"); got != "100" {
		t.Fatalf("free: RateLimit-Limit %s, want 100", got)
	}
	sub := billingtest.Subscription{EventID: "evt_up", Type: "created", Created: 1700000000, ID: "sub_1", Customer: "cus_1",
		OrgID: e.myOrg(admin)["id"].(string), Status: "active", Price: priceTeam}
	if got := webhookOutcome(e.deliverStripe(sub.JSON())); got != billing.OutcomeApplied {
		t.Fatalf("upgrade: %s", got)
	}
	if got := e.do("GET", "/api/v1/pipelines/", admin, "").expect(200).Header().Get("RateLimit-Limit"); got != "500" {
		t.Fatalf("after the upgrade: RateLimit-Limit %s, want 500", got)
	}
}
