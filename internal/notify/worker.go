package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// maxResponseRead is how much of a receiver's answer is read (and then
// dropped): enough to reuse the connection, never a memory risk.
const maxResponseRead = 16 << 10

// Worker delivers the outbox: it claims due deliveries (leased, so each is
// attempted by one replica at a time), sends each with a timeout and
// records the attempt, which schedules the retry.
type Worker struct {
	Queue  catalog.DeliveryQueue
	Client *http.Client // Guard.Client in production
	// RequireHTTPS refuses to send to http:// URLs (production).
	RequireHTTPS bool
	Policy       catalog.RetryPolicy
	AppURL       string           // the UI's address, for links
	Now          func() time.Time // the attempt's time; nil: time.Now
	Jitter       func() float64   // in [0, 1); nil: random
	Timeout      time.Duration    // of one attempt
	Batch        int              // deliveries claimed at once
	Poll         time.Duration    // between claims when the queue is empty
	Logger       *slog.Logger
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Worker) jitter() float64 {
	if w.Jitter != nil {
		return w.Jitter()
	}
	return rand.Float64()
}

func (w *Worker) logger() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// lease is how long a claim holds a delivery: well past one attempt's
// timeout, so a live worker always records before the lease ends, and a
// dead one's deliveries come back soon.
func (w *Worker) lease() time.Duration { return 3*w.Timeout + 10*time.Second }

// RunOnce claims one batch of due deliveries and delivers them side by
// side; it returns how many it attempted.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	claims, err := w.Queue.ClaimDeliveries(ctx, w.lease(), max(w.Batch, 1))
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	for _, c := range claims {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.deliver(ctx, c)
		}()
	}
	wg.Wait()
	return len(claims), nil
}

// Run delivers until ctx ends: a full batch is followed by the next at
// once, otherwise it waits Poll.
func (w *Worker) Run(ctx context.Context) {
	for {
		n, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.logger().Warn("webhook deliveries: claim failed", "err", err)
		}
		if n >= max(w.Batch, 1) && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(max(w.Poll, 100*time.Millisecond)): // never a busy loop
		}
	}
}

// Start runs the worker in the background; stop ends it and waits for the
// attempts in flight.
func (w *Worker) Start() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// deliver makes one attempt of a claimed delivery and records it. Record
// failures are logged: the lease runs out and the delivery is tried again.
func (w *Worker) deliver(ctx context.Context, c catalog.DeliveryClaim) {
	at := w.attempt(ctx, c)
	if _, err := w.Queue.RecordAttempt(context.WithoutCancel(ctx), c, at, w.Policy, w.jitter()); err != nil {
		w.logger().Warn("webhook delivery: recording the attempt failed", "delivery", c.ID, "err", err)
	}
}

func (w *Worker) attempt(ctx context.Context, c catalog.DeliveryClaim) catalog.DeliveryAttempt {
	at := catalog.DeliveryAttempt{Time: w.now()}
	out, err := w.Queue.LoadDelivery(ctx, c)
	if err != nil {
		at.Error = "could not read the delivery: " + err.Error()
		return at
	}
	if w.RequireHTTPS && !strings.HasPrefix(out.Webhook.URL, "https://") {
		at.Error = "the webhook URL is not https, which production requires"
		return at
	}
	body, err := Render(out, w.AppURL)
	if err != nil {
		at.Error = err.Error()
		return at
	}
	headers, err := Sign(out.Webhook.Secret, out.Event.ID, at.Time, body)
	if err != nil {
		at.Error = "could not sign: " + err.Error()
		return at
	}
	ctx, cancel := context.WithTimeout(ctx, w.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, out.Webhook.URL, bytes.NewReader(body))
	if err != nil {
		at.Error = "bad URL: " + scrub(err)
		return at
	}
	req.Header = headers
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "DataXPipe-Webhooks/1")
	start := time.Now() // latency is measured on the real clock, whatever Now is
	res, err := w.Client.Do(req)
	at.Latency = time.Since(start)
	if err != nil {
		at.Error = scrub(err)
		return at
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, maxResponseRead))
	at.StatusCode = res.StatusCode
	if res.StatusCode >= 300 && res.StatusCode < 400 {
		at.Error = fmt.Sprintf("redirect to %q not followed; point the webhook at the final URL", redactURL(res.Header.Get("Location")))
	} else if res.StatusCode >= 300 {
		at.Error = fmt.Sprintf("the receiver answered %d", res.StatusCode)
	}
	return at
}

// scrub is an error's text without the request URL, whose path or query
// may hold the receiver's token (Slack's URLs do).
func scrub(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	return err.Error()
}

// redactURL keeps the scheme and host of a URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "elsewhere"
	}
	return u.Scheme + "://" + u.Host + "/…"
}
