package fetch

import (
	"errors"
	"fmt"
	"net/netip"
	"syscall"
)

// errForbiddenAddress reports a connection to an address Fetch refuses.
var errForbiddenAddress = errors.New("address not allowed")

// specialV4 is the IANA IPv4 Special-Purpose Address Registry (as updated
// 2025), with the multicast block added. Every block is refused, including
// those the registry marks globally reachable (anycast services such as
// AS112 and AMT): no article is served from them.
var specialV4 = prefixes(
	"0.0.0.0/8",          // "this network"
	"10.0.0.0/8",         // private-use
	"100.64.0.0/10",      // shared address space (carrier-grade NAT)
	"127.0.0.0/8",        // loopback
	"169.254.0.0/16",     // link local
	"172.16.0.0/12",      // private-use
	"192.0.0.0/24",       // IETF protocol assignments (DS-Lite, PCP, TURN, NAT64 discovery)
	"192.0.2.0/24",       // documentation (TEST-NET-1)
	"192.31.196.0/24",    // AS112-v4
	"192.52.193.0/24",    // AMT
	"192.88.99.0/24",     // deprecated 6to4 relay anycast
	"192.168.0.0/16",     // private-use
	"192.175.48.0/24",    // direct delegation AS112 service
	"198.18.0.0/15",      // benchmarking
	"198.51.100.0/24",    // documentation (TEST-NET-2)
	"203.0.113.0/24",     // documentation (TEST-NET-3)
	"224.0.0.0/4",        // multicast (IPv4 Multicast Address Space Registry)
	"240.0.0.0/4",        // reserved
	"255.255.255.255/32", // limited broadcast
)

// globalV6 is the only IPv6 space IANA allocates for global unicast; the
// IPv6 Address Space registry reserves all the rest (::/8 with the
// unspecified, loopback, IPv4-compatible and IPv4-translated addresses,
// 100::/8 with the discard and dummy prefixes, 5f00::/16, unique local,
// link-local, site-local, multicast).
var globalV6 = netip.MustParsePrefix("2000::/3")

// specialV6 is the part of the IANA IPv6 Special-Purpose Address Registry
// (as updated 2025) inside globalV6. Every block is refused, including
// anycast services marked globally reachable.
var specialV6 = prefixes(
	"2001::/23",         // IETF protocol assignments: Teredo, PCP/TURN/DNS-SD anycast, benchmarking, AMT, AS112, ORCHID, ORCHIDv2, drone remote ID
	"2001:db8::/32",     // documentation
	"2002::/16",         // 6to4, which can embed any IPv4 address
	"2620:4f:8000::/48", // direct delegation AS112 service
	"3fff::/20",         // documentation
)

// nat64 is the well-known NAT64 prefix (64:ff9b::/96, globally reachable);
// the IPv4 address it embeds is checked like any other. The local-use
// NAT64 prefix 64:ff9b:1::/48 lies outside globalV6 and is refused.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// publicAddr reports whether ip is a public unicast address Fetch may dial:
// outside every block of the IANA special-purpose registries. An IPv4
// address mapped into IPv6 (::ffff:0:0/96) or translated by NAT64
// (64:ff9b::/96) is judged by the IPv4 address it carries.
func publicAddr(ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	ip = ip.WithZone("").Unmap()
	if ip.Is6() && nat64.Contains(ip) {
		b := ip.As16()
		ip = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	special := specialV4
	if ip.Is6() {
		if !globalV6.Contains(ip) {
			return false
		}
		special = specialV6
	}
	for _, p := range special {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// dialControl returns a net.Dialer Control function refusing non-public
// addresses outside allow. It sees the address actually dialled, after
// name resolution, so it also covers DNS rebinding and redirects.
func dialControl(allow []netip.Prefix) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("dial %s %s: %w", network, address, errForbiddenAddress)
		}
		ip := ap.Addr().WithZone("").Unmap()
		for _, p := range allow {
			if p.Contains(ip) {
				return nil
			}
		}
		if !publicAddr(ip) {
			return fmt.Errorf("dial %s %s: %w (special-purpose address: private, loopback, reserved or similar)", network, address, errForbiddenAddress)
		}
		return nil
	}
}

// IsForbiddenAddress reports whether err is a refusal to connect to a
// non-public address.
func IsForbiddenAddress(err error) bool { return errors.Is(err, errForbiddenAddress) }
