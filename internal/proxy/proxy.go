// Package proxy tells who a request came from when rungs runs behind reverse proxies (load
// balancers, TLS terminators) that say so in X-Forwarded-For, X-Forwarded-Proto and
// X-Forwarded-Host. Those headers are only believed from the proxies an operator names:
// anyone else could write them, and pick the address that throttling and the audit log see.
package proxy

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Trust is the set of addresses whose forwarding headers are believed. The zero Trust
// believes no one: the client is the peer of the connection.
type Trust struct {
	prefixes []netip.Prefix
}

// Parse reads a comma-separated list of CIDR ranges or single addresses, such as
// "10.0.0.0/8, 192.168.1.5, fd00::/8". An empty list trusts no one.
func Parse(list string) (Trust, error) {
	var t Trust
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		var p netip.Prefix
		var err error
		if strings.Contains(part, "/") {
			p, err = netip.ParsePrefix(part)
		} else {
			var a netip.Addr
			if a, err = netip.ParseAddr(part); err == nil {
				p = netip.PrefixFrom(a, a.BitLen())
			}
		}
		if err != nil {
			return Trust{}, fmt.Errorf("trusted proxies: %q is not an address or a CIDR range such as 10.0.0.0/8", part)
		}
		t.prefixes = append(t.prefixes, p.Masked())
	}
	return t, nil
}

// Private trusts the loopback and private ranges (RFC 1918, RFC 4193 and link-local): what
// the deprecated --trust-proxy stands for.
func Private() Trust {
	t, _ := Parse("127.0.0.0/8, ::1/128, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 169.254.0.0/16, fc00::/7, fe80::/10")
	return t
}

// Any reports whether any proxy is trusted.
func (t Trust) Any() bool { return len(t.prefixes) > 0 }

// String lists the trusted ranges as Parse reads them.
func (t Trust) String() string {
	var parts []string
	for _, p := range t.prefixes {
		parts = append(parts, p.String())
	}
	return strings.Join(parts, ",")
}

// trusts reports whether a is one of the trusted proxies.
func (t Trust) trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range t.prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Client is the address of the client that sent r. Each proxy appends the address it was
// reached from to X-Forwarded-For (in the header's last line, or a line of its own), so the
// list is read from the right, starting from the connection's peer: while the hop at hand is
// a trusted proxy, the one before it is who it was talking to; the first untrusted hop is the
// client. Everything left of it was written by the client and is ignored.
func (t Trust) Client(r *http.Request) netip.Addr {
	peer := peerAddr(r)
	if !peer.IsValid() || !t.trusts(peer) {
		return peer
	}
	hops := forwardedFor(r.Header.Values("X-Forwarded-For"))
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		hop := parseHop(hops[i])
		if !hop.IsValid() {
			// A trusted proxy would not write this: stop at the last hop we could read.
			return client
		}
		client = hop
		if !t.trusts(hop) {
			return client
		}
	}
	return client
}

// FromTrusted reports whether r came straight from a trusted proxy, whose X-Forwarded-Proto
// and X-Forwarded-Host headers are then believed.
func (t Trust) FromTrusted(r *http.Request) bool {
	peer := peerAddr(r)
	return peer.IsValid() && t.trusts(peer)
}

// Secure reports whether the client reached us over TLS: the connection is TLS, or a
// trusted proxy says in X-Forwarded-Proto that it was.
func (t Trust) Secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return t.FromTrusted(r) && strings.EqualFold(nearest(r.Header.Values("X-Forwarded-Proto")), "https")
}

// Host is the host the client asked for: from X-Forwarded-Host when a trusted proxy sent
// it, else the request's Host.
func (t Trust) Host(r *http.Request) string {
	if t.FromTrusted(r) {
		if h := nearest(r.Header.Values("X-Forwarded-Host")); h != "" {
			return h
		}
	}
	return r.Host
}

// nearest is the last value of a header that may hold a list, over all its lines: the one
// the proxy nearest to us wrote.
func nearest(lines []string) string {
	hops := forwardedFor(lines)
	if len(hops) == 0 {
		return ""
	}
	return hops[len(hops)-1]
}

// forwardedFor joins every line of a list header, in order, and splits it into its values.
func forwardedFor(lines []string) []string {
	var hops []string
	for _, line := range lines {
		for _, h := range strings.Split(line, ",") {
			if h = strings.TrimSpace(h); h != "" {
				hops = append(hops, h)
			}
		}
	}
	return hops
}

// parseHop reads one X-Forwarded-For value: an address, possibly with a port, IPv6
// possibly in brackets.
func parseHop(s string) netip.Addr {
	if a, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		return a.Unmap()
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.Addr{}
}

// peerAddr is the address of the connection's other end.
func peerAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}
