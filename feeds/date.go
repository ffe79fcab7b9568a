package feeds

import (
	"strings"
	"time"
)

// dateLayouts are the date forms feeds use: RFC 822/1123 with their many
// variants (RSS), RFC 3339 (Atom, JSON Feed), W3C datetime (sitemaps).
var dateLayouts = []string{
	time.RFC3339Nano,
	time.RFC3339,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 -0700",
	"Mon, 2 Jan 2006 15:04 MST",
	"Mon, 02 Jan 2006 15:04:05 Z",
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"Mon, 2 Jan 06 15:04:05 MST",
	time.RFC822Z,
	time.RFC822,
	"Mon, 2 January 2006 15:04:05 -0700",
	"January 2, 2006",
}

// parseDate reads a feed date; the zero time when it is empty or in no
// known form. Days of the week are not checked: feeds get them wrong.
func parseDate(s string) time.Time {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return time.Time{}
	}
	// "Mon, " is optional in RFC 822 and often wrong: drop it.
	if i := strings.Index(s, ", "); i > 0 && i <= 9 && isLetters(s[:i]) {
		s = s[i+2:]
	}
	for _, l := range dateLayouts {
		l = strings.TrimPrefix(l, "Mon, ")
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

func isLetters(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}
