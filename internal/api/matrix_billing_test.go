package api_test

// The billing routes join the authorization matrix. The matrix server has no
// billing configured, on purpose: it tests who gets past the guard, and a
// caller the role lets through then reaches the handler's 503
// billing_not_configured (a 403 or 401 would mean the guard stopped it).
// Billing itself, against stripe-mock, is in billing_test.go; the matrix
// stays free of that dependency and never skips. The webhook is public:
// every point of view, anonymous included, gets 400 for an unsigned body.
func init() {
	billingWant := [6]int{401, 503, 403, 403, 503, 503}
	matrix["POST /api/v1/billing/checkout"] = matrixCase{body: func(*fixture) string { return `{"plan":"team"}` }, want: billingWant}
	matrix["POST /api/v1/billing/portal"] = matrixCase{want: billingWant}
	matrix["POST /webhooks/stripe"] = matrixCase{
		body: func(*fixture) string { return `{"id":"evt_1","object":"event","type":"customer.subscription.deleted"}` },
		want: [6]int{400, 400, 400, 400, 400, 400},
	}
}
