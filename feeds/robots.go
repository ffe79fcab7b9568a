package feeds

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"time"
)

// robots is the part of a robots.txt (RFC 9309) that applies to us.
type robots struct {
	rules []robotsRule
	// delay is the group's Crawl-delay (not in the RFC, but common), 0 when
	// none.
	delay time.Duration
}

type robotsRule struct {
	allow   bool
	pattern string
}

// maxCrawlDelay caps a Crawl-delay: a site asking for more than a minute
// between requests still gets one request a minute.
const maxCrawlDelay = time.Minute

// parseRobots reads robots.txt for the crawler named agent (its product
// token, matched case-insensitively): the rules of the groups naming it,
// else those of the "*" groups, else none (everything allowed).
func parseRobots(data []byte, agent string) robots {
	agent = strings.ToLower(agent)
	type group struct {
		agents []string
		robots
	}
	var groups []*group
	var cur *group
	inAgents := false // the last line was a user-agent line
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		val = strings.TrimSpace(val)
		switch key {
		case "user-agent":
			if !inAgents || cur == nil {
				cur = &group{}
				groups = append(groups, cur)
			}
			cur.agents = append(cur.agents, strings.ToLower(val))
			inAgents = true
			continue
		case "allow", "disallow":
			if cur != nil && (val != "" || key == "allow") {
				cur.rules = append(cur.rules, robotsRule{allow: key == "allow", pattern: val})
			}
		case "crawl-delay":
			if cur != nil {
				if secs, err := strconv.ParseFloat(val, 64); err == nil && secs > 0 {
					cur.delay = min(time.Duration(secs*float64(time.Second)), maxCrawlDelay)
				}
			}
		}
		inAgents = false
	}
	var mine, star robots
	var haveMine bool
	for _, g := range groups {
		for _, a := range g.agents {
			switch {
			case a == "*":
				star.rules = append(star.rules, g.rules...)
				star.delay = max(star.delay, g.delay)
			case a != "" && (a == agent || strings.HasPrefix(agent, a)):
				haveMine = true
				mine.rules = append(mine.rules, g.rules...)
				mine.delay = max(mine.delay, g.delay)
			}
		}
	}
	if haveMine {
		return mine
	}
	return star
}

// allowed reports whether path (with its query) may be fetched: the
// longest matching rule decides, allow winning a tie; no match allows.
func (r robots) allowed(path string) bool {
	if path == "" {
		path = "/"
	}
	if path == "/robots.txt" {
		return true
	}
	best, allow := -1, true
	for _, rule := range r.rules {
		if !matchRobots(rule.pattern, path) {
			continue
		}
		n := len(rule.pattern)
		if n > best || (n == best && rule.allow) {
			best, allow = n, rule.allow
		}
	}
	return allow
}

// matchRobots matches a robots.txt path pattern: a prefix match where "*"
// stands for any characters and a final "$" anchors the end.
func matchRobots(pattern, path string) bool {
	anchored := strings.HasSuffix(pattern, "$")
	pattern = strings.TrimSuffix(pattern, "$")
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(path, parts[0]) {
		return false
	}
	rest := path[len(parts[0]):]
	for i, p := range parts[1:] {
		last := i == len(parts)-2
		if last && anchored {
			return strings.HasSuffix(rest, p)
		}
		j := strings.Index(rest, p)
		if j < 0 {
			return false
		}
		rest = rest[j+len(p):]
	}
	if anchored && len(parts) == 1 {
		return rest == ""
	}
	return true
}
