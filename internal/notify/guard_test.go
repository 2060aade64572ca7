package notify_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/notify"
	"golang.org/x/net/dns/dnsmessage"
)

func TestGuard_Addresses(t *testing.T) {
	prod := notify.Guard{}
	for addr, allowed := range map[string]bool{
		"127.0.0.1": false, "127.1.2.3": false, "::1": false, "10.0.0.1": false, "10.255.255.255": false, "172.16.0.1": false,
		"192.168.1.1": false, "169.254.169.254": false, "169.254.0.1": false, "fe80::1": false, "fc00::1": false, "fd00:ec2::254": false,
		"100.100.100.200": false, "0.0.0.0": false, "::": false, "::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false, "64:ff9b::a00:1": false,
		"224.0.0.1": false, "255.255.255.255": false, "8.8.8.8": true, "1.1.1.1": true, "2606:4700:4700::1111": true, "::ffff:8.8.8.8": true,
	} {
		if got := prod.Allowed(netip.MustParseAddr(addr)); got != allowed {
			t.Errorf("production Allowed(%s) = %v, want %v", addr, got, allowed)
		}
	}
	if !(notify.Guard{AllowPrivate: true}).Allowed(netip.MustParseAddr("127.0.0.1")) {
		t.Error("development refuses loopback")
	}
}

// fakeDNS serves A answers of ip for every name over UDP on loopback.
func fakeDNS(t *testing.T, ip string) *net.Resolver {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	a := netip.MustParseAddr(ip).As4()
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			var p dnsmessage.Parser
			h, err := p.Start(buf[:n])
			if err != nil {
				continue
			}
			q, err := p.Question()
			if err != nil {
				continue
			}
			b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true})
			b.StartQuestions()
			b.Question(q)
			b.StartAnswers()
			if q.Type == dnsmessage.TypeA {
				b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}, dnsmessage.AResource{A: a})
			}
			out, err := b.Finish()
			if err == nil {
				pc.WriteTo(out, from)
			}
		}
	}()
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", pc.LocalAddr().String())
	}}
}

// The production client refuses, at dial time, every internal target, by
// address or by a name that resolves to one; the receiver sees nothing.
func TestGuard_ProductionRefusesInternalTargets(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	client := notify.Guard{Resolver: fakeDNS(t, "127.0.0.1")}.Client(5 * time.Second)
	for _, target := range []string{
		"http://127.0.0.1:" + port + "/",                 // loopback
		"http://[::1]:" + port + "/",                     // loopback, IPv6
		"http://10.0.0.1:" + port + "/",                  // 10/8
		"http://169.254.169.254/latest/meta-data/",       // cloud metadata
		"http://internal.attacker.example:" + port + "/", // a name resolving to 127.0.0.1
	} {
		res, err := client.Post(target, "application/json", strings.NewReader("{}"))
		if err == nil {
			res.Body.Close()
			t.Errorf("%s: delivered, want refused", target)
			continue
		}
		if !errors.Is(err, notify.ErrForbiddenAddress) {
			t.Errorf("%s: %v, want the guard's refusal", target, err)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("the internal receiver was reached %d times", hits.Load())
	}
}

// No client follows a redirect: the 3xx is the answer, and the target it
// names is never asked. The receivers are on loopback, so the request goes
// through development's client; production's has the same redirect rule,
// checked directly.
func TestGuard_RedirectsNotFollowed(t *testing.T) {
	var inner atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { inner.Add(1) }))
	defer target.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/metadata", http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	prod := notify.Guard{}.Client(time.Second)
	if err := prod.CheckRedirect(httptest.NewRequest("GET", target.URL, nil), nil); !errors.Is(err, http.ErrUseLastResponse) {
		t.Fatalf("production follows redirects: %v", err)
	}
	for _, g := range []notify.Guard{{AllowPrivate: true}} {
		res, err := g.Client(5*time.Second).Post(redirect.URL, "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusTemporaryRedirect || inner.Load() != 0 {
			t.Fatalf("status %d, redirect target asked %d times", res.StatusCode, inner.Load())
		}
	}
}
