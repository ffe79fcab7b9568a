package bot

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"chokepoint/bot/discordtest"
)

// buckets counts the rate-limit buckets discordgo holds for s.
func buckets(s *discordgo.Session) int {
	s.Ratelimiter.Lock()
	defer s.Ratelimiter.Unlock()
	return reflect.ValueOf(s.Ratelimiter).Elem().FieldByName("buckets").Len()
}

// TestInteractionBucketsBounded (issue 9 item 5): 10,000 interactions,
// each with a callback and a follow-up, leave discordgo's rate-limit
// bucket map as it was. discordgo keys a bucket by the request
// URL, which for interactions holds the token, and never evicts one; the
// bot sends interaction requests itself, keeping each token's bucket with
// the interaction (Discord limits webhooks per webhook ID and token:
// developers/topics/rate-limits).
func TestInteractionBucketsBounded(t *testing.T) {
	fake := discordtest.New()
	defer fake.Close()
	s := fake.Session("tok")
	s.Client = fake.InProcessClient()
	b := New(Config{}, Deps{Answerer: newAnswerer(), Session: s}, nil)
	ctx := context.Background()
	before := buckets(s)
	n := 10000
	if testing.Short() {
		n = 1000
	}
	for k := 0; k < n; k++ {
		i := command("u", 0, "help")
		fake.NewInteraction(i)
		r := b.newSessionResponder(s, i)
		if err := r.Respond(ctx, deferred(false)); err != nil {
			t.Fatalf("interaction %d: respond: %v", k, err)
		}
		if err := r.Followup(ctx, Reply{Content: "more", Ephemeral: true}); err != nil {
			t.Fatalf("interaction %d: follow-up: %v", k, err)
		}
	}
	if after := buckets(s); after != before {
		t.Errorf("discordgo holds %d rate-limit buckets after %d interactions, %d before; want no growth", after, n, before)
	}
}

// TestTokenExpiry (issue 9 item 9): an interaction token accepts edits and
// follow-ups for 15 minutes ("Interaction tokens are valid for 15
// minutes", developers/interactions/receiving-and-responding#followup-messages);
// after that Discord answers 401 "Invalid Webhook Token". The bot sends
// nothing on an expired token: a private reply (the /reindex summary) is
// logged instead, a public answer is posted as a channel message. The fake
// and the bot share a clock the test moves.
func TestTokenExpiry(t *testing.T) {
	clk := newClock()
	fake := discordtest.New()
	fake.SetClock(clk.Now)
	e := startEnvWith(t, Config{Now: clk.Now}, fake, nil)
	defer e.stop(t)
	admin := int64(discordgo.PermissionManageGuild)

	t.Run("reindex summary", func(t *testing.T) {
		e.corpus.gate, e.corpus.started = make(chan struct{}), make(chan struct{})
		defer func() { e.corpus.gate, e.corpus.started = nil, nil }()
		tok := e.fake.DispatchInteraction(command("u-expire-admin", admin, "reindex"))
		mustReceive(t, e.corpus.started, "reindex started")
		mustWait(t, e, "callback", callbackOf(tok))
		clk.Advance(16 * time.Minute)
		close(e.corpus.gate)
		eventually(t, "the undelivered summary logged", func() bool {
			return strings.Contains(e.log.String(), "reply not delivered: interaction token expired")
		})
		for _, r := range e.fake.Requests() {
			if strings.Contains(r.Path, "/"+tok) && r.Method != "POST" {
				t.Errorf("%s %s sent after the token expired (answered %d %s)", r.Method, r.Path, r.Status, r.Error)
			}
		}
	})
	t.Run("public answer", func(t *testing.T) {
		e.answerer.gate, e.answerer.entered = make(chan struct{}), make(chan struct{}, 1)
		defer func() { e.answerer.gate, e.answerer.entered = nil, nil }()
		q := "Why can't Russia replace China? (expired " + run() + ")"
		tok := e.fake.DispatchInteraction(command("u-expire", 0, "ask", strOpt("question", q)))
		mustReceive(t, e.answerer.entered, "answer started")
		clk.Advance(16 * time.Minute)
		close(e.answerer.gate)
		m := mustWait(t, e, "answer as a channel message", func(r discordtest.Request) bool {
			return r.Path == "/channels/"+channelID+"/messages" && strings.Contains(fmt.Sprint(r.JSON["content"]), q)
		})
		if m.Refused() {
			t.Errorf("channel message refused: %s", m.Error)
		}
		if _, ok := e.fake.WaitRequest(0, editOf(tok)); ok {
			t.Errorf("edit of @original sent after the token expired")
		}
	})
	checkAccepted(t, e.fake, "")
}

// TestHandlerDeadline (issue 10 item 24): a handler's context ends with
// its interaction token's 15 minutes; nothing it sends after would be
// accepted.
func TestHandlerDeadline(t *testing.T) {
	a := newAnswerer()
	var deadline time.Time
	var has bool
	a.onCtx = func(ctx context.Context) { deadline, has = ctx.Deadline() }
	b, _, _ := newTestBot(Config{}, a, nil)
	start := time.Now()
	ask(b, "u", "c", "Why can't Russia replace China?")
	if !has {
		t.Fatal("the handler's context has no deadline")
	}
	if deadline.Before(start.Add(14*time.Minute)) || deadline.After(time.Now().Add(tokenLife)) {
		t.Errorf("handler deadline %s after the interaction, want 15 minutes", deadline.Sub(start))
	}
}

// TestEditRateLimitBounded (issue 10 item 24): a rate-limited edit is
// retried a bounded number of times, then the handler gives up. discordgo
// v0.29.0 retried a 429 forever, sleeping retry_after without regard to
// the context (59 edits in 3 s), and the drain at shutdown never finished.
// Discord counts every 429 towards an IP ban
// (developers/topics/rate-limits#invalid-request-limit-aka-cloudflare-bans).
func TestEditRateLimitBounded(t *testing.T) {
	e := startEnv(t, Config{})
	defer e.stop(t)
	const tok = "itoken-ratelimited"
	isPatch := func(r discordtest.Request) bool { return r.Method == "PATCH" && strings.Contains(r.Path, "/"+tok+"/") }
	e.fake.RateLimit(1000, 10*time.Millisecond, false, isPatch)
	i := command("u-ratelimited", 0, "ask", strOpt("question", "Why can't Russia replace China? (rate limited)"))
	i.Token = tok
	e.fake.DispatchInteraction(i)
	eventually(t, "the handler gave up and said so", func() bool {
		return strings.Contains(e.log.String(), "error reply failed")
	})
	n := len(e.fake.WaitRequests(0, 1, isPatch))
	// The answer's edit and the error exit's edit, each tried restAttempts times.
	if n > 2*restAttempts {
		t.Errorf("%d rate-limited edits, want at most %d", n, 2*restAttempts)
	}
}

// TestRateLimitedREST (issue 9, the fake's 429s): under Discord's 429s
// (developers/topics/rate-limits#exceeding-a-rate-limit) no answer is
// lost and no first response misses its 3 seconds. Interaction endpoints
// are not bound by the global rate limit
// (developers/interactions/receiving-and-responding#endpoints), so a
// global 429 on one answer's edit must not hold another interaction's
// first response; a rate-limited first response is retried only when the
// retry fits the window, and otherwise given up at once.
func TestRateLimitedREST(t *testing.T) {
	e := startEnv(t, Config{RateLimit: 1 << 30})
	defer e.stop(t)
	path := func(method, tok string) func(discordtest.Request) bool {
		return func(r discordtest.Request) bool { return r.Method == method && strings.Contains(r.Path, "/"+tok+"/") }
	}
	askAs := func(tok, user string) {
		i := command(user, 0, "ask", strOpt("question", "Why can't Russia replace China? ("+tok+")"))
		i.Token = tok
		e.fake.DispatchInteraction(i)
	}

	// A's edit hits a global rate limit longer than the 3-second window.
	e.fake.RateLimit(1, 3500*time.Millisecond, true, path("PATCH", "itoken-a"))
	askAs("itoken-a", "u-rl-a")
	mustWait(t, e, "A's rate-limited edit", func(r discordtest.Request) bool { return path("PATCH", "itoken-a")(r) && r.RateLimited })
	// B1..B3 arrive meanwhile, one after the other (the first could beat
	// the client's reading of A's 429): their first responses must not
	// wait for A's limit.
	for k := 1; k <= 3; k++ {
		tok := fmt.Sprint("itoken-b", k)
		askAs(tok, "u-rl-b")
		if cb := mustWait(t, e, tok+"'s first response", callbackOf(tok)); cb.Refused() {
			t.Errorf("%s's first response refused: %s", tok, cb.Error)
		}
	}
	for k := 1; k <= 3; k++ {
		tok := fmt.Sprint("itoken-b", k)
		mustWait(t, e, tok+"'s answer", func(r discordtest.Request) bool { return path("PATCH", tok)(r) && r.Status == 200 })
	}
	// C's first response is rate-limited briefly: retried within the window.
	e.fake.RateLimit(1, 200*time.Millisecond, false, path("POST", "itoken-c"))
	askAs("itoken-c", "u-rl-c")
	if missing := e.fake.WaitResponded(wait, []string{"itoken-c"}); len(missing) > 0 {
		t.Errorf("C's rate-limited first response was not retried")
	}
	// D's first response is rate-limited past the window: given up at once.
	e.fake.RateLimit(1, 10*time.Second, false, path("POST", "itoken-d"))
	askAs("itoken-d", "u-rl-d")
	eventually(t, "D's failure logged", func() bool {
		return strings.Contains(e.log.String(), "user_id=u-rl-d")
	})
	if n := len(e.fake.WaitRequests(0, 2, path("POST", "itoken-d"))); n != 1 {
		t.Errorf("D's first response tried %d times, want 1 (a retry after 10 s is past the window)", n)
	}
	// A's answer is not lost: delivered once its limit passed.
	mustWait(t, e, "A's answer after its rate limit", func(r discordtest.Request) bool { return path("PATCH", "itoken-a")(r) && r.Status == 200 })
	for _, r := range e.fake.Refusals() {
		t.Errorf("Discord refused %s %s: %s", r.Method, r.Path, r.Error)
	}
}
