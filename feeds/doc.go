// Package feeds keeps the corpus fresh from the sites it comes from: it
// parses RSS 2.0 (and RSS 1.0), Atom, JSON Feed and XML sitemaps (sitemap
// indexes and Google News sitemaps included), and polls subscriptions
// politely, handing each new article to the library.
//
// The parser is small and our own, over encoding/xml and encoding/json: the
// one well-known Go feed parser served here (gofeed) is flagged as no
// approved release, and none of the served modules parses sitemaps. It
// reads a feed as a stream, entry by entry, so a 10,000-entry feed costs
// the entries and not a document tree, and a feed cut short still yields
// the entries before the cut.
//
// Politeness: one request at a time per host, with a delay between them
// (longer when robots.txt asks with Crawl-delay, or a 429 or 503 with
// Retry-After does); conditional GET with ETag and Last-Modified; backoff
// on errors; robots.txt honoured for article pages; each feed polled on its
// own schedule (hourly by default) with jitter.
package feeds
