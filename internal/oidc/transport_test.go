package oidc

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// A redirect followed by the client is part of one admitted fetch, not a
// second fetch, so a JWKS behind a redirect still loads.
func TestCooldownTransportAdmitsRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("GET /old", http.RedirectHandler("/new", http.StatusFound))
	mux.HandleFunc("GET /new", func(w http.ResponseWriter, _ *http.Request) {})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	now := time.Unix(1_000_000, 0)
	client := newJWKSClient(srv.Client(), time.Minute, func() time.Time { return now })
	resp, err := client.Get(srv.URL + "/old")
	if err != nil {
		t.Fatalf("first fetch through redirect: %v", err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/new" {
		t.Fatalf("ended at %q, want /new", resp.Request.URL.Path)
	}

	if _, err := client.Get(srv.URL + "/new"); !errors.Is(err, errCooldown) {
		t.Fatalf("second fetch within cooldown: error = %v, want errCooldown", err)
	}
	now = now.Add(time.Minute)
	resp, err = client.Get(srv.URL + "/new")
	if err != nil {
		t.Fatalf("fetch after cooldown: %v", err)
	}
	resp.Body.Close()
}

// The JWKS client is a copy: the caller's client must keep its transport.
func TestNewJWKSClientLeavesBaseAlone(t *testing.T) {
	base := &http.Client{}
	c := newJWKSClient(base, time.Minute, time.Now)
	if base.Transport != nil || base.Timeout != 0 {
		t.Fatalf("base client modified: %+v", base)
	}
	if _, ok := c.Transport.(*cooldownTransport); !ok || c.Timeout != jwksTimeout {
		t.Fatalf("JWKS client = %+v, want cooldown transport and timeout", c)
	}
}
