package billing_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/billing"
	"github.com/dataxpipe/catalog/internal/billing/stripemocktest"
)

// recorder keeps the form body of every request to Stripe. stripe-mock keeps
// no state and echoes fixtures, so what was sent is asserted here.
type recorder struct {
	mu    sync.Mutex
	calls []call
	next  http.RoundTripper
}

type call struct {
	path           string
	form           url.Values
	idempotencyKey string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	form, _ := url.ParseQuery(string(body))
	r.mu.Lock()
	r.calls = append(r.calls, call{req.URL.Path, form, req.Header.Get("Idempotency-Key")})
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

// take returns the calls so far and forgets them.
func (r *recorder) take() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.calls
	r.calls = nil
	return c
}

const (
	priceTeam     = "price_team_test"
	priceBusiness = "price_business_test"
	whsec         = "whsec_test_secret"
)

// newService is a billing service over store whose Stripe calls go to base
// through a recorder.
func newService(t *testing.T, base string, store billing.Store) (*billing.Service, *recorder) {
	t.Helper()
	return newServiceAt(t, base, store, nil)
}

// newServiceAt is newService with webhook timestamps judged against clock.
func newServiceAt(t *testing.T, base string, store billing.Store, clock func() time.Time) (*billing.Service, *recorder) {
	t.Helper()
	rec := &recorder{next: http.DefaultTransport}
	svc, err := billing.New(billing.Config{SecretKey: stripemocktest.SecretKey, WebhookSecret: whsec, PriceTeam: priceTeam,
		PriceBusiness: priceBusiness, APIBase: base, AppURL: "https://app.example.com/", HTTPClient: &http.Client{Transport: rec}, Now: clock}, store)
	if err != nil {
		t.Fatal(err)
	}
	return svc, rec
}
