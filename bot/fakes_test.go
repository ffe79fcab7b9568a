package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"chokepoint"
)

// Canned answers in the shape the root Answerer produces.
var (
	answerRussia = chokepoint.Answer{
		Question: "Why can't Russia replace China?",
		Citations: []chokepoint.Citation{
			{N: 1, DocID: "russia/000_0524fadb7a41a105", PassageID: "russia/000_0524fadb7a41a105#4",
				Title: "Russia Cannot Replace China as a Rare-Earth Supplier", Section: "Processing capacity",
				URL:        "https://example.org/critiques/russia-rare-earths",
				Excerpt:    "Russia mines rare earths but lacks the separation plants that turn concentrate into usable oxides. China controls roughly 90 percent of global processing.",
				TrimmedEnd: true, Score: 7.1},
			{N: 2, DocID: "russia/001_9f1c", PassageID: "russia/001_9f1c#2",
				Title: "The Myth of the Arctic Alternative", Section: "",
				URL:          "https://example.org/critiques/arctic-myth",
				Excerpt:      "Lovozero's output is shipped to Estonia and, increasingly, to China for refining.",
				TrimmedStart: true, Score: 5.3},
		},
		More: []chokepoint.Citation{
			{N: 3, DocID: "sanctions/004_aa", PassageID: "sanctions/004_aa#7",
				Title: "Sanctions and Supply Chains", Section: "Western buyers",
				URL:     "https://example.org/critiques/sanctions",
				Excerpt: "Western buyers cannot source from Russian plants under current sanctions.", Score: 3.2},
		},
	}
	// answerMentions quotes corpus text that would ping everyone if it were
	// not escaped.
	answerMentions = chokepoint.Answer{
		Question: "Who warned about gallium export controls?",
		Citations: []chokepoint.Citation{
			{N: 1, DocID: "gallium/002_b7", PassageID: "gallium/002_b7#1",
				Title: "Gallium <@&123> and the @everyone Problem", Section: "Export controls",
				URL:     "https://example.org/critiques/gallium",
				Excerpt: "A trader posted \"@everyone the licences are frozen\" and tagged <@&123> and <@456> before the ministry confirmed it. @here was used too.",
				Score:   4.4},
		},
	}
	answerClosest = chokepoint.Answer{
		Question:  "Will Russia build a rare earth refinery in Crimea?",
		Abstained: true,
		Closest: []chokepoint.Citation{{N: 1, DocID: "russia/001", PassageID: "russia/001#6",
			Title: "Putin Allies Woo Trump", Section: "Critical Flaws", URL: "https://example.org/critiques/putin",
			Excerpt: "Both Russia and Ukraine lack significant midstream and downstream rare earth processing capacity.", TrimmedStart: true}},
		Suggestions: []chokepoint.DocRef{{ID: "russia/001", Title: "Putin Allies Woo Trump", URL: "https://example.org/critiques/putin"}},
	}
	answerAbstain = chokepoint.Answer{
		Question:  "What is the best pizza topping?",
		Abstained: true,
		Suggestions: []chokepoint.DocRef{
			{ID: "food/001", Title: "Food Supply Shocks and Fertiliser", URL: "https://example.org/critiques/fertiliser"},
			{ID: "shipping/003", Title: "Red Sea Shipping and Insurance"},
		},
	}
)

// fakeAnswerer answers from canned answers keyed by normalised question;
// unknown questions get a Russia-like answer with the question set.
type fakeAnswerer struct {
	calls   atomic.Int64
	answers map[string]chokepoint.Answer
	err     error
	panics  bool
	// gate, when set, holds every Answer until closed; entered receives
	// once per held call.
	gate    chan struct{}
	entered chan struct{}
	// onCtx, when set, sees each call's context.
	onCtx func(context.Context)
}

func (f *fakeAnswerer) Answer(ctx context.Context, q string) (chokepoint.Answer, error) {
	f.calls.Add(1)
	if f.onCtx != nil {
		f.onCtx(ctx)
	}
	if f.panics {
		panic("answerer exploded")
	}
	if f.gate != nil {
		f.entered <- struct{}{}
		<-f.gate
	}
	if f.err != nil {
		return chokepoint.Answer{}, f.err
	}
	if strings.TrimSpace(q) == "" {
		return chokepoint.Answer{}, chokepoint.ErrEmptyQuestion
	}
	if a, ok := f.answers[normalQuestion(q)]; ok {
		return a, nil
	}
	a := answerRussia
	a.Question = q
	return a, nil
}

func (f *fakeAnswerer) Search(_ context.Context, q string, n int) ([]chokepoint.Hit, error) {
	if strings.TrimSpace(q) == "" {
		return nil, chokepoint.ErrEmptyQuestion
	}
	hits := []chokepoint.Hit{
		{Passage: chokepoint.Passage{DocID: "russia/000_0524fadb7a41a105", Index: 4, Section: "Processing capacity", Text: answerRussia.Citations[0].Excerpt},
			Title: answerRussia.Citations[0].Title, URL: answerRussia.Citations[0].URL, Score: 7},
		{Passage: chokepoint.Passage{DocID: "gallium/002_b7", Index: 1, Text: answerMentions.Citations[0].Excerpt},
			Title: answerMentions.Citations[0].Title, Score: 3},
	}
	return hits[:min(n, len(hits))], nil
}

func newAnswerer() *fakeAnswerer {
	return &fakeAnswerer{answers: map[string]chokepoint.Answer{
		normalQuestion(answerRussia.Question):   answerRussia,
		normalQuestion(answerMentions.Question): answerMentions,
		normalQuestion(answerAbstain.Question):  answerAbstain,
	}}
}

// fakeCorpus is an in-memory corpus with the Library and Corpus contracts.
type fakeCorpus struct {
	mu       sync.Mutex
	docs     []chokepoint.Document
	reindexN atomic.Int64
	// gate, when set, holds Reindex until it is closed; started is closed
	// when Reindex begins.
	gate    chan struct{}
	started chan struct{}
}

func newCorpus(n int) *fakeCorpus {
	c := &fakeCorpus{}
	for k := 0; k < n; k++ {
		c.docs = append(c.docs, chokepoint.Document{
			ID: fmt.Sprintf("russia/%03d_%x", k, k*7919), Title: fmt.Sprintf("Critique %d: Rare Earth Processing in Russia", k),
			Source: "Example Review", URL: fmt.Sprintf("https://example.org/critiques/%d", k),
		})
	}
	return c
}

func (c *fakeCorpus) Passage(_ context.Context, id string) (chokepoint.Hit, error) {
	for _, a := range []chokepoint.Answer{answerRussia, answerMentions} {
		for _, ct := range append(a.Citations, a.More...) {
			if ct.PassageID == id {
				return chokepoint.Hit{Passage: chokepoint.Passage{DocID: ct.DocID, Section: ct.Section,
					Text: "Before the excerpt. " + ct.Excerpt + " After the excerpt."}, Title: ct.Title, URL: ct.URL}, nil
			}
		}
	}
	return chokepoint.Hit{}, fmt.Errorf("passage %q: %w", id, chokepoint.ErrNotFound)
}

func (c *fakeCorpus) Documents() []chokepoint.Document {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]chokepoint.Document(nil), c.docs...)
}

func (c *fakeCorpus) Document(id string) (chokepoint.Document, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, d := range c.docs {
		if d.ID == id {
			return d, nil
		}
	}
	return chokepoint.Document{}, fmt.Errorf("document %q: %w", id, chokepoint.ErrNotFound)
}

func (c *fakeCorpus) Reindex(ctx context.Context, progress func(done, total int)) (chokepoint.IndexStats, []*chokepoint.FileError, error) {
	c.reindexN.Add(1)
	if c.started != nil {
		close(c.started)
	}
	if c.gate != nil {
		select {
		case <-c.gate:
		case <-ctx.Done():
			return chokepoint.IndexStats{}, nil, ctx.Err()
		}
	}
	n := len(c.Documents())
	for k := 1; k <= n; k++ {
		progress(k, n)
	}
	return chokepoint.IndexStats{Added: 1, Changed: 2, Unchanged: n - 3, Documents: n, Passages: 10 * n, Took: 1500 * time.Millisecond},
		[]*chokepoint.FileError{{Path: "russia/bad.md", Line: 3, Err: errors.New("front matter: missing title")}}, nil
}

// Add accepts a file starting with YAML front matter holding a title; it
// changes nothing on a bad file.
func (c *fakeCorpus) Add(_ context.Context, filename string, data []byte) (chokepoint.Document, error) {
	lines := strings.Split(string(data), "\n")
	if len(lines) < 3 || lines[0] != "---" {
		return chokepoint.Document{}, fmt.Errorf("add %s: %w", filename, &chokepoint.FileError{Path: filename, Line: 1, Err: errors.New("no front matter: the file must start with ---")})
	}
	title := ""
	for k, l := range lines[1:] {
		if l == "---" {
			break
		}
		key, val, ok := strings.Cut(l, ":")
		if !ok {
			return chokepoint.Document{}, fmt.Errorf("add %s: %w", filename, &chokepoint.FileError{Path: filename, Line: k + 2, Err: fmt.Errorf("front matter: expected key: value, got %q", l)})
		}
		if key == "title" {
			title = strings.TrimSpace(val)
		}
	}
	if title == "" {
		return chokepoint.Document{}, fmt.Errorf("add %s: %w", filename, &chokepoint.FileError{Path: filename, Err: errors.New("front matter: missing title")})
	}
	d := chokepoint.Document{ID: "uploads/" + strings.TrimSuffix(filename, ".md"), Title: title,
		Passages: []chokepoint.Passage{{Text: "one"}, {Text: "two"}}}
	c.mu.Lock()
	c.docs = append(c.docs, d)
	c.mu.Unlock()
	return d, nil
}

// AddURL accepts https://example.org/ pages only, as a fetcher with a
// private-address guard would refuse others.
func (c *fakeCorpus) AddURL(_ context.Context, url string) (chokepoint.Document, error) {
	if !strings.HasPrefix(url, "https://example.org/") {
		return chokepoint.Document{}, fmt.Errorf("add %s: %w", url, &chokepoint.FileError{Path: url, Err: errors.New("fetch: private or loopback address refused")})
	}
	d := chokepoint.Document{ID: "web/" + strings.TrimPrefix(url, "https://example.org/"), Title: "Fetched Critique",
		Passages: []chokepoint.Passage{{Text: "one"}}}
	c.mu.Lock()
	c.docs = append(c.docs, d)
	c.mu.Unlock()
	return d, nil
}

func (c *fakeCorpus) Remove(_ context.Context, id string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, d := range c.docs {
		if d.ID == id {
			c.docs = append(c.docs[:k], c.docs[k+1:]...)
			return nil
		}
	}
	return fmt.Errorf("remove %q: %w", id, chokepoint.ErrNotFound)
}

func (c *fakeCorpus) Status() Status {
	n := len(c.Documents())
	return Status{Documents: n, Passages: 10 * n, LastReindex: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
}

// fakeMetrics counts calls.
type fakeMetrics struct {
	answered, first, limited, positive, negative, reconnected atomic.Int64

	mu      sync.Mutex
	refused map[string]int64
}

func (m *fakeMetrics) InteractionRefused(reason string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.refused == nil {
		m.refused = map[string]int64{}
	}
	m.refused[reason]++
}

func (m *fakeMetrics) refusals(reason string) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.refused[reason]
}

func (m *fakeMetrics) Answered(bool, time.Duration) { m.answered.Add(1) }
func (m *fakeMetrics) FirstResponse(time.Duration)  { m.first.Add(1) }
func (m *fakeMetrics) RateLimited()                 { m.limited.Add(1) }
func (m *fakeMetrics) Feedback(p bool) {
	if p {
		m.positive.Add(1)
	} else {
		m.negative.Add(1)
	}
}
func (m *fakeMetrics) Reconnected() { m.reconnected.Add(1) }

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// recorder is a Responder that keeps what it was asked to send.
type recorder struct {
	mu       sync.Mutex
	first    *discordgo.InteractionResponse
	edits    []Reply
	follows  []Reply
	respondN int
	failEdit error
}

func (r *recorder) Respond(_ context.Context, resp *discordgo.InteractionResponse) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.respondN++
	if r.first == nil {
		r.first = resp
	}
	return nil
}

func (r *recorder) Edit(_ context.Context, rep Reply) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failEdit != nil {
		return r.failEdit
	}
	r.edits = append(r.edits, rep)
	return nil
}

func (r *recorder) Followup(_ context.Context, rep Reply) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.follows = append(r.follows, rep)
	return nil
}

// text returns everything the user saw: the first response's content and
// every edit.
func (r *recorder) text() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	if r.first != nil && r.first.Data != nil {
		b.WriteString(r.first.Data.Content)
	}
	for _, e := range r.edits {
		b.WriteString("\n" + e.Content)
	}
	return b.String()
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Interaction builders shaped like Discord's payloads.

const (
	guildID   = "200000000000000001"
	channelID = "300000000000000001"
)

func member(user string, perms int64, roles ...string) *discordgo.Member {
	return &discordgo.Member{User: &discordgo.User{ID: user, Username: "user" + user}, Permissions: perms, Roles: roles}
}

func strOpt(name, v string) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: v}
}

func boolOpt(name string, v bool) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionBoolean, Value: v}
}

// guildInstall is authorizing_integration_owners of an interaction in a
// guild that installed the app.
func guildInstall() map[discordgo.ApplicationIntegrationType]string {
	return map[discordgo.ApplicationIntegrationType]string{discordgo.ApplicationIntegrationGuildInstall: guildID}
}

func command(user string, perms int64, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	return &discordgo.Interaction{
		Type: discordgo.InteractionApplicationCommand, GuildID: guildID, ChannelID: channelID,
		Member: member(user, perms), AuthorizingIntegrationOwners: guildInstall(),
		Data: discordgo.ApplicationCommandInteractionData{ID: "cmd-" + name, Name: name, CommandType: discordgo.ChatApplicationCommand, Options: opts},
	}
}

func button(user, customID string, msg *discordgo.Message) *discordgo.Interaction {
	return &discordgo.Interaction{
		Type: discordgo.InteractionMessageComponent, GuildID: guildID, ChannelID: channelID,
		Member: member(user, 0), Message: msg, AuthorizingIntegrationOwners: guildInstall(),
		Data: discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent},
	}
}

func msDur(ms int) time.Duration { return time.Duration(ms) * time.Millisecond }
