package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	readability "codeberg.org/readeck/go-readability/v2"
)

// Defaults applied by Fetch to zero Options fields.
const (
	// DefaultTimeout bounds a whole fetch, body included.
	DefaultTimeout = 15 * time.Second
	// DefaultMaxBytes is the largest body accepted: 5 MiB.
	DefaultMaxBytes = 5 << 20
	// DefaultUserAgent identifies Chokepoint to the sites it fetches.
	DefaultUserAgent = "chokepoint-fetch/1.0 (+article import)"
	// MaxRedirects is the most redirects Fetch follows.
	MaxRedirects = 5
	// MinTextLen is the least extracted text, in bytes, that counts as an
	// article; shorter extractions are usually cookie walls or index pages.
	MinTextLen = 200
)

// Failures Fetch reports, each wrapped with the URL and details.
var (
	errScheme       = errors.New("unsupported URL scheme")
	errNoHost       = errors.New("URL has no host")
	errRedirects    = errors.New("too many redirects")
	errStatus       = errors.New("unexpected HTTP status")
	errContentType  = errors.New("not an HTML page")
	errTooLarge     = errors.New("page too large")
	errNoArticle    = errors.New("no article found")
	errTimeout      = errors.New("timed out")
	errBadURLSyntax = errors.New("malformed URL")
)

// Options bound and identify a fetch. The zero value is usable.
type Options struct {
	Timeout      time.Duration // whole fetch, body included; default 15s
	MaxBytes     int64         // largest body accepted; default 5 MiB
	AllowPrivate bool          // allow loopback/private/link-local targets (tests, intranets)
	// AllowNetworks are special-purpose networks allowed despite the guard
	// (an intranet's wiki, a test server on 127.0.0.1) while every other
	// one stays refused.
	AllowNetworks []netip.Prefix
	UserAgent     string // default DefaultUserAgent
	// Client, when set, is used instead of the guarded client Fetch builds.
	// Fetch still limits its redirects (unless it has its own CheckRedirect)
	// but cannot check the addresses it dials: the caller owns that.
	Client *http.Client
	// Now is the clock used to reject published dates in the future;
	// default time.Now.
	Now func() time.Time
}

// Article is a fetched page's main content and metadata.
type Article struct {
	Title string
	URL   string // the final URL, after redirects, without fragment
	Site  string // the site's name, or its host when the page names none
	// Author is the byline as the page gives it; "" when unknown.
	Author string
	// Published is the publication date as "2006-01-02"; "" when unknown.
	Published string
	// Text is the main text: paragraphs separated by blank lines, headings
	// on their own lines as Markdown "#" headings, list items as "- " lines
	// (indented two spaces per nesting level).
	Text string
}

// Fetch downloads rawURL and extracts its article. It returns an error,
// naming the URL, when the URL is not http(s) or has no host, when the
// target address is not public (unless opts.AllowPrivate), on more than
// MaxRedirects redirects, a non-2xx status, a content type other than
// text/html or application/xhtml+xml, a body over opts.MaxBytes, a timeout,
// when the page holds no article of at least MinTextLen bytes, or when the
// article's text is not readable prose (control characters, too few words,
// no sentence).
func Fetch(ctx context.Context, rawURL string, opts Options) (Article, error) {
	a, err := fetch(ctx, rawURL, opts.withDefaults())
	if err != nil {
		shown := rawURL
		if u, perr := url.Parse(rawURL); perr == nil {
			shown = u.Redacted() // keep passwords out of logs
		}
		return Article{}, fmt.Errorf("fetch %s: %w", shown, err)
	}
	return a, nil
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

func fetch(ctx context.Context, rawURL string, opts Options) (Article, error) {
	u, err := checkURL(rawURL)
	if err != nil {
		return Article{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()

	client := opts.Client
	if client == nil {
		client = newClient(opts)
		defer client.CloseIdleConnections()
	} else if client.CheckRedirect == nil {
		c := *client
		c.CheckRedirect = checkRedirect
		client = &c
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Article{}, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("User-Agent", opts.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1")

	resp, err := client.Do(req)
	if err != nil {
		return Article{}, requestError(ctx, err, opts.Timeout)
	}
	defer resp.Body.Close()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return Article{}, &statusError{code: resp.StatusCode, status: resp.Status}
	}
	if err := checkContentType(resp.Header.Get("Content-Type")); err != nil {
		return Article{}, err
	}
	if resp.ContentLength > opts.MaxBytes {
		return Article{}, fmt.Errorf("%w: %d bytes exceeds the %d-byte cap", errTooLarge, resp.ContentLength, opts.MaxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, opts.MaxBytes+1))
	if err != nil {
		return Article{}, requestError(ctx, fmt.Errorf("read body: %w", err), opts.Timeout)
	}
	if int64(len(body)) > opts.MaxBytes {
		return Article{}, fmt.Errorf("%w: body exceeds the %d-byte cap", errTooLarge, opts.MaxBytes)
	}

	final := *resp.Request.URL
	final.Fragment = ""
	final.RawFragment = ""
	return extract(body, &final, opts.Now())
}

// statusError is a non-2xx response; it matches errStatus.
type statusError struct {
	code   int
	status string
}

func (e *statusError) Error() string        { return errStatus.Error() + " " + e.status }
func (e *statusError) Is(target error) bool { return target == errStatus }

// Permanent reports whether a Fetch error will recur on the next try of
// the same URL: a refused address or scheme, too many redirects, a page
// that is not HTML, too large, not an article or not prose, or a 4xx
// status other than 408 and 429. Timeouts, network errors and 5xx
// statuses may pass.
func Permanent(err error) bool {
	var se *statusError
	if errors.As(err, &se) {
		return se.code >= 400 && se.code < 500 && se.code != http.StatusRequestTimeout && se.code != http.StatusTooManyRequests
	}
	for _, p := range []error{errScheme, errNoHost, errBadURLSyntax, errForbiddenAddress, errRedirects,
		errContentType, errTooLarge, errNoArticle, errNotProse} {
		if errors.Is(err, p) {
			return true
		}
	}
	return false
}

// checkURL parses rawURL and accepts only absolute http(s) URLs with a host.
func checkURL(rawURL string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errBadURLSyntax, err)
	}
	if err := checkScheme(u); err != nil {
		return nil, err
	}
	return u, nil
}

func checkScheme(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return fmt.Errorf("%w: missing scheme, want http or https", errScheme)
	default:
		return fmt.Errorf("%w %q, want http or https", errScheme, u.Scheme)
	}
	if u.Hostname() == "" {
		return errNoHost
	}
	return nil
}

// checkRedirect limits redirects and applies the URL checks to each hop;
// the dialer checks each hop's address.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > MaxRedirects {
		return fmt.Errorf("%w: stopped after %d", errRedirects, MaxRedirects)
	}
	if err := checkScheme(req.URL); err != nil {
		return fmt.Errorf("redirect to %s: %w", req.URL.Redacted(), err)
	}
	return nil
}

func checkContentType(ct string) error {
	if ct == "" {
		return fmt.Errorf("%w: no Content-Type", errContentType)
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("%w: Content-Type %q: %w", errContentType, ct, err)
	}
	if mt != "text/html" && mt != "application/xhtml+xml" {
		return fmt.Errorf("%w: Content-Type is %s, want text/html or application/xhtml+xml", errContentType, mt)
	}
	return nil
}

// requestError turns a deadline hit (ours or the dialer's) into errTimeout, so the caller reads
// "timed out after 15s" rather than a transport message.
func requestError(ctx context.Context, err error, timeout time.Duration) error {
	var ne net.Error
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("%w after %v: %w", errTimeout, timeout, err)
	}
	return err
}

// NewClient returns the client Fetch uses when Options.Client is nil, for
// callers that fetch other things than articles (feeds, robots.txt) under
// the same rules: its dialer refuses every non-public address (unless
// opts.AllowPrivate, or the address is in opts.AllowNetworks), it never
// goes through a proxy, and it follows at most MaxRedirects redirects, to
// http(s) only. It sets no overall timeout: bound each request with its
// context. Close its idle connections when done with it.
func NewClient(opts Options) *http.Client {
	return newClient(opts.withDefaults())
}

// newClient builds a client whose dialer refuses non-public addresses
// unless opts.AllowPrivate, and that never goes through a proxy, since a
// proxy would dial the target out of our sight.
func newClient(opts Options) *http.Client {
	d := &net.Dialer{Timeout: opts.Timeout, KeepAlive: 30 * time.Second}
	if !opts.AllowPrivate {
		d.Control = dialControl(opts.AllowNetworks)
	}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:             nil,
			DialContext:       d.DialContext,
			ForceAttemptHTTP2: true,
			MaxIdleConns:      4,
			IdleConnTimeout:   30 * time.Second,
			// No separate header or handshake timeouts: the context's
			// deadline bounds the whole fetch, and a second timer racing it
			// would only blur which limit fired.
		},
		CheckRedirect: checkRedirect,
	}
}

// extract finds the article in body with readability and converts it.
func extract(body []byte, pageURL *url.URL, now time.Time) (Article, error) {
	ra, err := readability.FromReader(bytes.NewReader(body), pageURL)
	if err != nil {
		return Article{}, fmt.Errorf("%w: %w", errNoArticle, err)
	}
	if ra.Node == nil {
		return Article{}, fmt.Errorf("%w: readability found no main content", errNoArticle)
	}
	text := toText(ra.Node)
	if len(text) < MinTextLen {
		return Article{}, fmt.Errorf("%w: main text is %d bytes, want at least %d", errNoArticle, len(text), MinTextLen)
	}
	if err := checkProse(text); err != nil {
		return Article{}, err
	}
	a := Article{
		Title:  fold(ra.Title()),
		URL:    pageURL.String(),
		Site:   fold(ra.SiteName()),
		Author: fold(ra.Byline()),
		Text:   text,
	}
	a.Text = dropByline(a.Text, a.Author)
	if a.Site == "" {
		a.Site = strings.TrimPrefix(pageURL.Hostname(), "www.")
	}
	if a.Title == "" {
		a.Title = a.Site
	}
	if t, err := ra.PublishedTime(); err == nil && !t.IsZero() && !t.After(now.Add(24*time.Hour)) {
		a.Published = t.Format("2006-01-02")
	}
	return a, nil
}

// dropByline removes a leading "By AUTHOR" paragraph, which readability
// leaves in when the byline sits inside the article body; the author is
// already in the metadata.
func dropByline(text, author string) string {
	if author == "" {
		return text
	}
	first, rest, ok := strings.Cut(text, "\n\n")
	if !ok {
		return text
	}
	f := strings.ToLower(first)
	au := strings.ToLower(author)
	if f == au || f == "by "+au {
		return rest
	}
	return text
}
