// Package fetch downloads a web article and extracts its main text, so a page
// can be added to the corpus as a Markdown file with YAML front matter.
//
// Fetching is bounded and refuses what it should not touch: only http and
// https, a timeout, a size cap, HTML content types only, at most five
// redirects, and, unless Options.AllowPrivate is set, no connection to an
// address in the IANA IPv4 or IPv6 special-purpose registries (loopback,
// private, link-local, documentation, benchmarking, 6to4, Teredo, ORCHID,
// IPv4-compatible ::/96 and the rest), to multicast, or to IPv6 outside the
// 2000::/3 global unicast space. The check runs on the resolved IP at dial
// time, so a public name that resolves (or redirects) to 127.0.0.1 is
// refused too.
//
// The article is found with readability (codeberg.org/readeck/go-readability);
// its cleaned HTML is turned here into plain text: paragraphs separated by
// blank lines, headings as Markdown "#" lines, list items as "- " lines.
package fetch
