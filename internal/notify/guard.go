package notify

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// Guard is what a delivery may connect to. In production (the zero Guard)
// only public unicast addresses: never loopback, private, link-local (which
// holds the cloud metadata address 169.254.169.254), shared, multicast or
// reserved ones. The address is checked where it is dialled, after DNS,
// through net.Dialer's Control hook, so a name that resolves (or re-resolves)
// to an internal address is refused too.
type Guard struct {
	// AllowPrivate admits every address (development: receivers on
	// localhost).
	AllowPrivate bool
	// Resolver resolves names; nil is the system's. Tests give one that
	// answers what they need.
	Resolver *net.Resolver
}

// ErrForbiddenAddress is returned for a connection the guard refuses.
var ErrForbiddenAddress = errors.New("address not allowed for webhooks")

// blocked lists the ranges that are not public, beyond what netip's
// predicates cover.
var blocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT (and some clouds' metadata)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, broadcast
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64: an IPv4 address inside
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
}

// Allowed reports whether the guard lets a delivery connect to addr.
func (g Guard) Allowed(addr netip.Addr) bool {
	if g.AllowPrivate {
		return true
	}
	addr = addr.Unmap()
	if !addr.IsValid() || addr.IsLoopback() || addr.IsPrivate() || addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast() ||
		addr.IsInterfaceLocalMulticast() || addr.IsMulticast() || addr.IsUnspecified() {
		return false
	}
	for _, p := range blocked {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}

// control is net.Dialer's Control: it runs for every address dialled, after
// resolution, before the connection is made.
func (g Guard) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, address)
	}
	if !g.Allowed(ap.Addr()) {
		return fmt.Errorf("%w: %s is not a public address", ErrForbiddenAddress, ap.Addr())
	}
	return nil
}

// Client returns an HTTP client for deliveries: the guard on every dial, no
// proxy from the environment, no redirects followed (a 3xx is the answer),
// and timeout on the whole attempt.
func (g Guard) Client(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: timeout, Control: g.control, Resolver: g.Resolver}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   timeout,
			ResponseHeaderTimeout: timeout,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       90 * time.Second,
			ForceAttemptHTTP2:     true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
