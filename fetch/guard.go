package fetch

import (
	"errors"
	"fmt"
	"net/netip"
	"syscall"
)

// errForbiddenAddress reports a connection to an address Fetch refuses.
var errForbiddenAddress = errors.New("address not allowed")

// reserved lists ranges outside the standard library's predicates that are
// not public unicast destinations either.
var reserved = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, broadcast
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("100::/64"),        // discard-only
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("fec0::/10"),       // deprecated site-local
	netip.MustParsePrefix("2002::/16"),       // 6to4 can embed any IPv4
	netip.MustParsePrefix("2001::/32"),       // Teredo can embed any IPv4
	netip.MustParsePrefix("::ffff:0:0:0/96"), // SIIT
}

// nat64 is the well-known NAT64 prefix; the IPv4 address it embeds is
// checked like any other.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// publicAddr reports whether ip is a public unicast address Fetch may dial.
func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.Is6() && nat64.Contains(ip) {
		b := ip.As16()
		ip = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	// IsMulticast covers the link- and interface-local multicast ranges.
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() ||
		ip.IsLinkLocalUnicast() || ip.IsMulticast() {
		return false
	}
	for _, p := range reserved {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// dialControl is a net.Dialer Control function refusing non-public
// addresses. It sees the address actually dialled, after name resolution,
// so it also covers DNS rebinding and redirects.
func dialControl(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("dial %s %s: %w", network, address, errForbiddenAddress)
	}
	if !publicAddr(ap.Addr()) {
		return fmt.Errorf("dial %s %s: %w (private, loopback or reserved)", network, address, errForbiddenAddress)
	}
	return nil
}
