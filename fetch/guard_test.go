package fetch

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestPublicAddrSpecialPurpose walks the IANA IPv4 and IPv6
// Special-Purpose Address Registries (and the multicast and reserved
// blocks of the address-space registries): the first and last address of
// every block must be refused, and public neighbours just outside a block
// allowed, so a block drawn too wide fails too.
func TestPublicAddrSpecialPurpose(t *testing.T) {
	refused := []struct{ block, first, last string }{
		// IPv4 Special-Purpose Address Registry.
		{"0.0.0.0/8 this network", "0.0.0.0", "0.255.255.255"},
		{"10.0.0.0/8 private-use", "10.0.0.0", "10.255.255.255"},
		{"100.64.0.0/10 shared address space", "100.64.0.0", "100.127.255.255"},
		{"127.0.0.0/8 loopback", "127.0.0.0", "127.255.255.255"},
		{"169.254.0.0/16 link local", "169.254.0.0", "169.254.255.255"},
		{"172.16.0.0/12 private-use", "172.16.0.0", "172.31.255.255"},
		{"192.0.0.0/24 IETF protocol assignments", "192.0.0.0", "192.0.0.255"},
		{"192.0.0.9/32 PCP anycast", "192.0.0.9", "192.0.0.9"},
		{"192.0.0.170/32 NAT64/DNS64 discovery", "192.0.0.170", "192.0.0.171"},
		{"192.0.2.0/24 documentation TEST-NET-1", "192.0.2.0", "192.0.2.255"},
		{"192.31.196.0/24 AS112-v4", "192.31.196.0", "192.31.196.255"},
		{"192.52.193.0/24 AMT", "192.52.193.0", "192.52.193.255"},
		{"192.88.99.0/24 deprecated 6to4 relay anycast", "192.88.99.0", "192.88.99.255"},
		{"192.168.0.0/16 private-use", "192.168.0.0", "192.168.255.255"},
		{"192.175.48.0/24 AS112 direct delegation", "192.175.48.0", "192.175.48.255"},
		{"198.18.0.0/15 benchmarking", "198.18.0.0", "198.19.255.255"},
		{"198.51.100.0/24 documentation TEST-NET-2", "198.51.100.0", "198.51.100.255"},
		{"203.0.113.0/24 documentation TEST-NET-3", "203.0.113.0", "203.0.113.255"},
		{"224.0.0.0/4 multicast", "224.0.0.0", "239.255.255.255"},
		{"240.0.0.0/4 reserved", "240.0.0.0", "255.255.255.254"},
		{"255.255.255.255/32 limited broadcast", "255.255.255.255", "255.255.255.255"},

		// IPv6 Special-Purpose Address Registry.
		{"::1/128 loopback", "::1", "::1"},
		{"::/128 unspecified", "::", "::"},
		{"::ffff:0:0/96 IPv4-mapped, of a refused IPv4", "::ffff:127.0.0.1", "::ffff:192.88.99.1"},
		{"::/96 IPv4-compatible (deprecated)", "::127.0.0.1", "::93.184.216.34"},
		{"::ffff:0:0:0/96 IPv4-translated", "::ffff:0:7f00:1", "::ffff:0:5db8:d822"},
		{"64:ff9b::/96 NAT64, of a refused IPv4", "64:ff9b::7f00:1", "64:ff9b::c058:63ff"},
		{"64:ff9b:1::/48 local-use NAT64", "64:ff9b:1::", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff"},
		{"100::/64 discard-only", "100::", "100::ffff:ffff:ffff:ffff"},
		{"100:0:0:1::/64 dummy prefix", "100:0:0:1::", "100:0:0:1:ffff:ffff:ffff:ffff"},
		{"2001::/23 IETF protocol assignments", "2001::", "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"2001::/32 Teredo", "2001::1", "2001:0:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"2001:1::1/128 PCP anycast", "2001:1::1", "2001:1::3"},
		{"2001:2::/48 benchmarking", "2001:2::", "2001:2:0:ffff:ffff:ffff:ffff:ffff"},
		{"2001:3::/32 AMT", "2001:3::", "2001:3:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"2001:4:112::/48 AS112-v6", "2001:4:112::", "2001:4:112:ffff:ffff:ffff:ffff:ffff"},
		{"2001:10::/28 deprecated ORCHID", "2001:10::", "2001:1f:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"2001:20::/28 ORCHIDv2", "2001:20::", "2001:2f:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"2001:30::/28 drone remote ID", "2001:30::", "2001:3f:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"2001:db8::/32 documentation", "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"2002::/16 6to4", "2002::", "2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"2620:4f:8000::/48 AS112 direct delegation", "2620:4f:8000::", "2620:4f:8000:ffff:ffff:ffff:ffff:ffff"},
		{"3fff::/20 documentation", "3fff::", "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"5f00::/16 segment routing SIDs", "5f00::", "5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"fc00::/7 unique local", "fc00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"fe80::/10 link-local", "fe80::", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"fec0::/10 deprecated site-local", "fec0::", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"ff00::/8 multicast", "ff00::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
		// IPv6 Address Space: everything outside 2000::/3 is reserved.
		{"4000::/3 reserved by IETF", "4000::", "5eff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"e000::/4 reserved by IETF", "e000::", "efff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
	}
	for _, tc := range refused {
		for _, ip := range []string{tc.first, tc.last} {
			if publicAddr(netip.MustParseAddr(ip)) {
				t.Errorf("publicAddr(%s) = true, want false (%s)", ip, tc.block)
			}
		}
	}

	allowed := []struct{ ip, why string }{
		{"93.184.216.34", "public IPv4"},
		{"8.8.8.8", "public IPv4"},
		{"1.1.1.1", "public IPv4"},
		{"9.255.255.255", "just below 10.0.0.0/8"},
		{"11.0.0.0", "just above 10.0.0.0/8"},
		{"100.63.255.255", "just below 100.64.0.0/10"},
		{"100.128.0.0", "just above 100.64.0.0/10"},
		{"172.15.255.255", "just below 172.16.0.0/12"},
		{"172.32.0.0", "just above 172.16.0.0/12"},
		{"192.0.1.1", "between 192.0.0.0/24 and 192.0.2.0/24"},
		{"192.88.98.255", "just below 192.88.99.0/24"},
		{"192.88.100.0", "just above 192.88.99.0/24"},
		{"198.17.255.255", "just below 198.18.0.0/15"},
		{"198.20.0.0", "just above 198.18.0.0/15"},
		{"223.255.255.255", "just below multicast"},
		{"::ffff:93.184.216.34", "IPv4-mapped public IPv4"},
		{"64:ff9b::5db8:d822", "NAT64 of a public IPv4"},
		{"2606:2800:220:1:248:1893:25c8:1946", "public IPv6"},
		{"2a00:1450:4001::1", "public IPv6"},
		{"2001:200::1", "just above 2001::/23"},
		{"2001:db7:ffff::1", "just below 2001:db8::/32"},
		{"2001:db9::1", "just above 2001:db8::/32"},
		{"2003::1", "just above 2002::/16"},
		{"2620:4f:7fff::1", "just below 2620:4f:8000::/48"},
		{"3ffe:ffff::1", "just below 3fff::/20"},
	}
	for _, tc := range allowed {
		if !publicAddr(netip.MustParseAddr(tc.ip)) {
			t.Errorf("publicAddr(%s) = false, want true (%s)", tc.ip, tc.why)
		}
	}
}

// TestFetchRefusesIPv4CompatibleLoopback is the report's reproduction: a
// literal IPv4-compatible IPv6 address of loopback in the URL.
func TestFetchRefusesIPv4CompatibleLoopback(t *testing.T) {
	opts := testOpts()
	opts.AllowPrivate = false
	for _, u := range []string{"http://[::127.0.0.1]/", "http://[::ffff:0:7f00:1]/", "http://[2001:10::1]/", "http://192.88.99.1/"} {
		_, err := Fetch(context.Background(), u, opts)
		if !errors.Is(err, errForbiddenAddress) {
			t.Errorf("Fetch(%q) = %v, want %v", u, err, errForbiddenAddress)
		}
	}
}

func TestAllowNetworksOpensOnlyThoseNetworks(t *testing.T) {
	srv := httptest.NewServer(servePage("text/html", readFixture(t, "article.html")))
	defer srv.Close()
	opts := testOpts()
	opts.AllowPrivate = false
	opts.AllowNetworks = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	if _, err := Fetch(context.Background(), srv.URL, opts); err != nil {
		t.Errorf("Fetch(%s) with 127.0.0.1/32 allowed = %v, want nil", srv.URL, err)
	}
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	// 127.0.0.2 is loopback too, but outside the allowed network: refused
	// before any packet leaves.
	other := "http://127.0.0.2:" + port + "/"
	if _, err := Fetch(context.Background(), other, opts); !errors.Is(err, errForbiddenAddress) || !IsForbiddenAddress(err) || !Permanent(err) {
		t.Errorf("Fetch(%s) = %v, want a permanent forbidden-address error", other, err)
	}
	c := NewClient(opts)
	defer c.CloseIdleConnections()
	if _, err := c.Get(other); !IsForbiddenAddress(err) {
		t.Errorf("NewClient().Get(%s) = %v, want a forbidden-address error", other, err)
	}
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatalf("NewClient().Get(%s) = %v", srv.URL, err)
	}
	resp.Body.Close()
}

func TestPermanent(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusGone) })
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "busy", http.StatusTooManyRequests) })
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", http.StatusBadGateway) })
	mux.HandleFunc("/pdf", servePage("application/pdf", []byte("%PDF")))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, tc := range []struct {
		path string
		want bool
	}{{"/gone", true}, {"/busy", false}, {"/broken", false}, {"/pdf", true}} {
		_, err := Fetch(context.Background(), srv.URL+tc.path, testOpts())
		if err == nil || Permanent(err) != tc.want {
			t.Errorf("Permanent(Fetch(%s) = %v) = %v, want %v", tc.path, err, Permanent(err), tc.want)
		}
	}
}
