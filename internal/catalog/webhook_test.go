package catalog

import (
	"testing"
	"time"
)

func TestRetryPolicy_BackoffJitterAndWindow(t *testing.T) {
	p := DefaultRetryPolicy
	created := time.Date(2026, 6, 7, 6, 0, 0, 0, time.UTC)
	for _, j := range []float64{0, 0.5, 0.999} {
		next, ok := p.Next(1, created, created, j)
		if d := next.Sub(created); !ok || d < 10*time.Second || d > 30*time.Second {
			t.Errorf("jitter %v: first retry after %v, want within 10-30 s", j, d)
		}
	}
	// Attempts keep coming for the whole window, never more than Max apart,
	// and the last one is at its end.
	now, n, last := created, 1, created
	for {
		next, ok := p.Next(n, created, now, 0.5)
		if !ok {
			break
		}
		if next.Sub(now) > p.Max {
			t.Fatalf("attempt %d waits %v, more than %v", n+1, next.Sub(now), p.Max)
		}
		now, last, n = next, next, n+1
		if n > 1000 {
			t.Fatal("never gives up")
		}
	}
	if span := last.Sub(created); span < 24*time.Hour {
		t.Fatalf("retries span %v, want at least 24 h", span)
	}
	if !p.ShouldDisable(&created, created.Add(p.DisableAfter)) || p.ShouldDisable(&created, created.Add(p.DisableAfter-time.Second)) || p.ShouldDisable(nil, now) {
		t.Fatal("ShouldDisable")
	}
}

func TestWebhookInput_Validate(t *testing.T) {
	ok := WebhookInput{URL: "https://hooks.example.com/x", Format: WebhookFormatSlack, Events: []string{EventRunFailed}}
	if p := ok.Validate(true); len(p) != 0 {
		t.Fatalf("valid input: %v", p)
	}
	bad := WebhookInput{URL: "http://hooks.example.com/x", Format: "xml", Events: []string{"run.failed", "nope"}, Description: string(make([]byte, 501))}
	fields := map[string]bool{}
	for _, p := range bad.Validate(true) {
		fields[p.Field] = true
	}
	for _, f := range []string{"url", "format", "events[1]", "description"} {
		if !fields[f] {
			t.Errorf("no problem for %s: %v", f, fields)
		}
	}
	if p := (WebhookInput{URL: "http://localhost:9000/", Format: WebhookFormatJSON, Events: []string{EventRunFailed}}).Validate(false); len(p) != 0 {
		t.Fatalf("development refuses http: %v", p)
	}
}
