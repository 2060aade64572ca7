package oidc

import (
	"errors"
	"net/http"
	"sync"
	"time"
)

// Why the cooldown sits in the HTTP transport rather than in a KeySet wrapper:
//
// go-oidc's RemoteKeySet (v3) keeps a key cache and refetches the whole JWKS
// whenever verification against the cache fails: for an unknown kid, but
// also for a token without a kid or for a known kid with a bad signature. It
// deduplicates concurrent fetches, but has no rate limit, and its cache is
// private, so a wrapper around it cannot tell in advance whether a call will
// hit the network. Reimplementing the key set would duplicate go-oidc's JWKS
// parsing and caching.
//
// Instead the RemoteKeySet gets an HTTP client whose transport admits at most
// one JWKS request per cooldown and fails the others immediately. Every fetch,
// whatever triggered it, passes through this gate, so the bound holds by
// construction. A refused fetch leaves go-oidc's cache untouched (it only
// replaces keys on success) and that token is rejected.
//
// Trade-off: a token signed with a newly rotated key is rejected if it
// arrives within the cooldown of the previous fetch; it is accepted by the
// first verification after the cooldown. Identity providers publish new keys
// before signing with them, so in practice the key is usually already cached.

// errCooldown is reported (inside go-oidc's error) when a fetch is refused.
var errCooldown = errors.New("jwks fetch suppressed by refetch cooldown")

// cooldownTransport admits at most one request per cooldown.
type cooldownTransport struct {
	next     http.RoundTripper
	cooldown time.Duration
	now      func() time.Time

	mu      sync.Mutex
	fetched bool      // whether any request has been admitted yet
	last    time.Time // when the last request was admitted
}

// newJWKSClient returns a copy of base whose requests go through a
// cooldownTransport. The copy gets a timeout if base has none (see jwksTimeout).
func newJWKSClient(base *http.Client, cooldown time.Duration, now func() time.Time) *http.Client {
	next := base.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c := *base
	c.Transport = &cooldownTransport{next: next, cooldown: cooldown, now: now}
	if c.Timeout == 0 {
		c.Timeout = jwksTimeout
	}
	return &c
}

// RoundTrip forwards req if the cooldown allows it, and fails fast otherwise.
func (t *cooldownTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// req.Response is set only when the client follows a redirect: that is
	// the continuation of a fetch already admitted, not a new fetch.
	if req.Response == nil && !t.admit() {
		// The RoundTripper contract requires closing the body even on error.
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, errCooldown
	}
	return t.next.RoundTrip(req)
}

// admit reports whether a new fetch may start now, and if so records it.
// The slot is claimed before the request is sent, so failed fetches count
// too: a flood against an unreachable JWKS endpoint stays bounded.
func (t *cooldownTransport) admit() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	// A clock that moved backwards gives a negative gap and is refused, which
	// errs on the side of fewer fetches.
	if t.fetched && now.Sub(t.last) < t.cooldown {
		return false
	}
	t.fetched, t.last = true, now
	return true
}
