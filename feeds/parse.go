package feeds

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html/charset"
)

// Kind names a feed format.
type Kind string

// The formats Parse reads.
const (
	RSS          Kind = "rss"          // RSS 2.0, and RSS 1.0 (RDF)
	Atom         Kind = "atom"         // Atom 1.0
	JSONFeed     Kind = "json"         // JSON Feed 1.0 and 1.1
	Sitemap      Kind = "sitemap"      // a urlset, Google News extension included
	SitemapIndex Kind = "sitemapindex" // a list of sitemaps
)

// ErrNotFeed is returned by Parse for a document in none of the formats.
var ErrNotFeed = errors.New("not a feed")

// Feed is a parsed feed.
type Feed struct {
	Kind  Kind
	Title string // "" for sitemaps
	// Entries are the entries with a usable http(s) link, in document
	// order, each URL once.
	Entries []Entry
	// Sitemaps are the sitemaps a sitemap index lists, in document order.
	Sitemaps []Entry
	// Skipped counts entries left out: no link, a link that is not http(s),
	// or a repeat of an earlier entry's link.
	Skipped int
}

// Entry is one item of a feed: an article to fetch.
type Entry struct {
	URL       string // absolute, resolved against the feed's URL
	Title     string
	Author    string
	Source    string    // a news sitemap's publication name
	Published time.Time // zero when the feed gives no readable date
}

// Parse reads a feed of any supported kind from body, detected from its
// content (the Content-Type is not trusted: servers send feeds as
// text/html, text/plain or application/octet-stream). Relative links are
// resolved against base. A document that is none of the formats yields an
// error wrapping ErrNotFeed. Malformed XML or JSON yields the entries read
// before the fault together with an error saying where it is.
func Parse(body []byte, base *url.URL) (*Feed, error) {
	trimmed := bytes.TrimLeft(body, " \t\r\n\ufeff")
	trimmed = bytes.TrimPrefix(trimmed, []byte("\xef\xbb\xbf"))
	b := builder{base: base, seen: map[string]bool{}}
	var err error
	switch {
	case len(trimmed) == 0:
		return nil, fmt.Errorf("%w: empty document", ErrNotFeed)
	case trimmed[0] == '{':
		err = b.json(trimmed)
	case trimmed[0] == '<':
		err = b.xml(trimmed)
	default:
		return nil, fmt.Errorf("%w: neither XML nor JSON", ErrNotFeed)
	}
	if b.feed.Kind == "" {
		if err == nil {
			err = ErrNotFeed
		}
		return nil, err
	}
	return &b.feed, err
}

// builder collects a feed's entries, resolving and deduplicating links.
type builder struct {
	base *url.URL
	feed Feed
	seen map[string]bool
}

// add appends an entry whose link is usable.
func (b *builder) add(list *[]Entry, e Entry) {
	u, ok := b.resolve(e.URL)
	if !ok || b.seen[u] {
		b.feed.Skipped++
		return
	}
	b.seen[u] = true
	e.URL = u
	e.Title = fold(e.Title)
	e.Author = fold(e.Author)
	e.Source = fold(e.Source)
	*list = append(*list, e)
}

// resolve makes link absolute against the feed's URL and keeps it only
// when it is http(s) with a host.
func (b *builder) resolve(link string) (string, bool) {
	link = strings.TrimSpace(link)
	if link == "" {
		return "", false
	}
	u, err := url.Parse(link)
	if err != nil {
		return "", false
	}
	if b.base != nil {
		u = b.base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	return u.String(), true
}

// fold collapses white space, as titles in feeds come wrapped and indented.
func fold(s string) string { return strings.Join(strings.Fields(s), " ") }

// jsonFeed is the part of JSON Feed 1.0 and 1.1 read here.
type jsonFeed struct {
	Version string     `json:"version"`
	Title   string     `json:"title"`
	Items   []jsonItem `json:"items"`
}

type jsonItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url"`
	ExternalURL   string       `json:"external_url"`
	Title         string       `json:"title"`
	DatePublished string       `json:"date_published"`
	DateModified  string       `json:"date_modified"`
	Author        *jsonAuthor  `json:"author"`  // 1.0
	Authors       []jsonAuthor `json:"authors"` // 1.1
}

type jsonAuthor struct {
	Name string `json:"name"`
}

func (b *builder) json(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	// Read the object key by key so that items are decoded one at a time
	// and a fault in item 9,000 keeps the 8,999 before it.
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("%w: JSON: %w", ErrNotFeed, err)
	}
	var version string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return b.jsonError(version, dec, err)
		}
		key, _ := tok.(string)
		switch key {
		case "version":
			if err := dec.Decode(&version); err != nil {
				return b.jsonError(version, dec, err)
			}
			if !strings.HasPrefix(version, "https://jsonfeed.org/version/") {
				return fmt.Errorf("%w: JSON with version %q, not a JSON Feed", ErrNotFeed, version)
			}
			b.feed.Kind = JSONFeed
		case "title":
			if err := dec.Decode(&b.feed.Title); err != nil {
				return b.jsonError(version, dec, err)
			}
		case "items":
			if _, err := dec.Token(); err != nil { // [
				return b.jsonError(version, dec, err)
			}
			for dec.More() {
				var it jsonItem
				if err := dec.Decode(&it); err != nil {
					return b.jsonError(version, dec, err)
				}
				b.jsonItem(it)
			}
			if _, err := dec.Token(); err != nil { // ]
				return b.jsonError(version, dec, err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return b.jsonError(version, dec, err)
			}
		}
	}
	if b.feed.Kind == "" {
		return fmt.Errorf("%w: JSON without a JSON Feed version", ErrNotFeed)
	}
	return nil
}

func (b *builder) jsonItem(it jsonItem) {
	e := Entry{URL: it.URL, Title: it.Title}
	if e.URL == "" {
		e.URL = it.ExternalURL
	}
	if e.URL == "" && looksLikeURL(it.ID) {
		e.URL = it.ID
	}
	switch {
	case len(it.Authors) > 0:
		names := make([]string, 0, len(it.Authors))
		for _, a := range it.Authors {
			if a.Name != "" {
				names = append(names, a.Name)
			}
		}
		e.Author = strings.Join(names, ", ")
	case it.Author != nil:
		e.Author = it.Author.Name
	}
	e.Published = parseDate(it.DatePublished)
	if e.Published.IsZero() {
		e.Published = parseDate(it.DateModified)
	}
	b.add(&b.feed.Entries, e)
}

func (b *builder) jsonError(version string, dec *json.Decoder, err error) error {
	if b.feed.Kind == "" && version == "" {
		return fmt.Errorf("%w: JSON: %w", ErrNotFeed, err)
	}
	return fmt.Errorf("malformed JSON Feed at byte %d: %w", dec.InputOffset(), err)
}

func looksLikeURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// Item shapes of the XML formats. Element names match in any namespace:
// dc:creator is "creator", news:title is inside "news".
type rssItem struct {
	Title   string `xml:"title"`
	Link    string `xml:"link"`
	GUID    rssGUID
	PubDate string   `xml:"pubDate"`
	Date    string   `xml:"date"` // dc:date (RSS 1.0)
	Author  string   `xml:"author"`
	Creator []string `xml:"creator"`
}

type rssGUID struct {
	XMLName     xml.Name `xml:"guid"`
	IsPermaLink string   `xml:"isPermaLink,attr"`
	Value       string   `xml:",chardata"`
}

type atomEntry struct {
	Title     string     `xml:"title"`
	Links     []atomLink `xml:"link"`
	ID        string     `xml:"id"`
	Published string     `xml:"published"`
	Updated   string     `xml:"updated"`
	Authors   []struct {
		Name string `xml:"name"`
	} `xml:"author"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
	Href string `xml:"href,attr"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod"`
	News    struct {
		Title       string `xml:"title"`
		Published   string `xml:"publication_date"`
		Publication struct {
			Name string `xml:"name"`
		} `xml:"publication"`
	} `xml:"news"`
}

const atomNS = "http://www.w3.org/2005/Atom"

func (b *builder) xml(body []byte) error {
	d := xml.NewDecoder(bytes.NewReader(body))
	// Feeds in the wild use HTML entities and other charsets.
	d.Strict = false
	d.Entity = xml.HTMLEntity
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		return charset.NewReaderLabel(label, r)
	}
	depth := 0
	var root string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if root == "" {
				return fmt.Errorf("%w: XML without a root element", ErrNotFeed)
			}
			return nil
		}
		if err != nil {
			if b.feed.Kind == "" {
				return fmt.Errorf("%w: malformed XML: %w", ErrNotFeed, err)
			}
			line, col := d.InputPos()
			return fmt.Errorf("malformed XML at line %d, column %d: %w", line, col, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 {
				root = t.Name.Local
				switch root {
				case "rss", "RDF":
					b.feed.Kind = RSS
				case "feed":
					if t.Name.Space != atomNS && t.Name.Space != "" {
						return fmt.Errorf("%w: <feed> in namespace %q, not Atom", ErrNotFeed, t.Name.Space)
					}
					b.feed.Kind = Atom
				case "urlset":
					b.feed.Kind = Sitemap
				case "sitemapindex":
					b.feed.Kind = SitemapIndex
				case "html":
					return fmt.Errorf("%w: an HTML page; subscribe to its RSS, Atom or JSON feed, or its sitemap", ErrNotFeed)
				default:
					return fmt.Errorf("%w: XML with root element <%s>", ErrNotFeed, root)
				}
				continue
			}
			whole, err := b.element(d, t, depth)
			if err != nil {
				line, col := d.InputPos()
				return fmt.Errorf("malformed XML at line %d, column %d: %w", line, col, err)
			}
			if whole {
				depth-- // its end element is read too
			}
		case xml.EndElement:
			depth--
		}
	}
}

// element handles a start element below the root: entries and the feed's
// title are decoded whole (and it reports so), everything else is walked
// through.
func (b *builder) element(d *xml.Decoder, t xml.StartElement, depth int) (whole bool, err error) {
	name := t.Name.Local
	switch {
	case b.feed.Kind == RSS && name == "item":
		var it rssItem
		if err := d.DecodeElement(&it, &t); err != nil {
			return true, err
		}
		e := Entry{URL: it.Link, Title: it.Title, Author: it.Author}
		if e.URL == "" && !strings.EqualFold(strings.TrimSpace(it.GUID.IsPermaLink), "false") && looksLikeURL(strings.TrimSpace(it.GUID.Value)) {
			e.URL = it.GUID.Value
		}
		if len(it.Creator) > 0 {
			e.Author = strings.Join(it.Creator, ", ")
		}
		e.Published = parseDate(it.PubDate)
		if e.Published.IsZero() {
			e.Published = parseDate(it.Date)
		}
		b.add(&b.feed.Entries, e)
	case b.feed.Kind == Atom && name == "entry":
		var it atomEntry
		if err := d.DecodeElement(&it, &t); err != nil {
			return true, err
		}
		e := Entry{URL: atomAlternate(it.Links), Title: it.Title}
		if e.URL == "" && looksLikeURL(strings.TrimSpace(it.ID)) {
			e.URL = it.ID
		}
		names := make([]string, 0, len(it.Authors))
		for _, a := range it.Authors {
			if n := fold(a.Name); n != "" {
				names = append(names, n)
			}
		}
		e.Author = strings.Join(names, ", ")
		e.Published = parseDate(it.Published)
		if e.Published.IsZero() {
			e.Published = parseDate(it.Updated)
		}
		b.add(&b.feed.Entries, e)
	case (b.feed.Kind == Sitemap && name == "url") || (b.feed.Kind == SitemapIndex && name == "sitemap"):
		var it sitemapURL
		if err := d.DecodeElement(&it, &t); err != nil {
			return true, err
		}
		e := Entry{URL: it.Loc, Title: it.News.Title, Source: it.News.Publication.Name}
		e.Published = parseDate(it.News.Published)
		if e.Published.IsZero() {
			e.Published = parseDate(it.LastMod)
		}
		if b.feed.Kind == SitemapIndex {
			b.add(&b.feed.Sitemaps, e)
		} else {
			b.add(&b.feed.Entries, e)
		}
	case name == "title" && b.feed.Title == "" && (depth == 2 && b.feed.Kind == Atom || depth == 3 && b.feed.Kind == RSS):
		// <feed><title> or <rss><channel><title>; RSS 1.0's channel
		// title sits at the same depth.
		var s string
		if err := d.DecodeElement(&s, &t); err != nil {
			return true, err
		}
		b.feed.Title = fold(s)
		return true, nil
	default:
		return false, nil
	}
	return true, nil
}

// atomAlternate picks an Atom entry's link to its page: rel="alternate"
// (the default) with an HTML type first.
func atomAlternate(links []atomLink) string {
	best, bestScore := "", -1
	for _, l := range links {
		rel := strings.TrimSpace(l.Rel)
		if rel != "" && rel != "alternate" {
			continue
		}
		score := 1
		if l.Type == "" || strings.Contains(l.Type, "html") {
			score = 2
		}
		if score > bestScore && strings.TrimSpace(l.Href) != "" {
			best, bestScore = l.Href, score
		}
	}
	return best
}
