package bot

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"chokepoint/bot/discordtest"
)

// TestShardsTakeTurnsAndOneRegisters (issue 9 item 6): two shard processes
// started together IDENTIFY one rate-limit key apart, 5 seconds apart
// ("you must start them by bucket in order", max_concurrency per 5 s:
// developers/events/gateway#sharding-max-concurrency), so neither gets op
// 9; and only shard 0 lists and registers the commands. The fake answers
// op 9 to an IDENTIFY that comes too early, on its own clock, which the
// shards' waits move.
func TestShardsTakeTurnsAndOneRegisters(t *testing.T) {
	clk := newClock()
	fake := discordtest.New()
	defer fake.Close()
	fake.SetClock(clk.Now)
	fake.MaxConcurrency = 1
	var mu sync.Mutex
	var waits []time.Duration
	logs := &syncBuffer{}
	start := func(shard int) (context.CancelFunc, chan error) {
		s := fake.Session("tok")
		s.ShardID, s.ShardCount = shard, 2
		b := New(Config{DevGuildIDs: []string{guildID}}, Deps{Session: s, Answerer: newAnswerer()}, slog.New(slog.NewTextHandler(logs, nil)))
		b.sleep = func(_ context.Context, d time.Duration) error {
			mu.Lock()
			waits = append(waits, d)
			mu.Unlock()
			clk.Advance(d) // the turn comes at once, on the fake's clock
			return nil
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- b.Run(ctx) }()
		return cancel, done
	}
	cancel0, done0 := start(0)
	if _, ok := fake.WaitRequest(wait, func(r discordtest.Request) bool { return r.Method == "PUT" }); !ok {
		t.Fatal("shard 0 never registered the commands")
	}
	cancel1, done1 := start(1)
	_, ok := fake.WaitIdentify(wait, 2)
	if ok {
		// Run logs "serving" once past registering.
		eventually(t, "shard 1 serving", func() bool { return strings.Contains(logs.String(), "shard_id=1") })
	}
	for _, stop := range []struct {
		cancel context.CancelFunc
		done   chan error
	}{{cancel0, done0}, {cancel1, done1}} {
		stop.cancel()
		if err := <-stop.done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
	if !ok {
		t.Fatal("shard 1 never got a session")
	}
	if sent, _ := fake.InvalidSessions(); sent != 0 {
		t.Errorf("the gateway sent op 9 %d times: shards identified too close together", sent)
	}
	mu.Lock()
	if len(waits) != 1 || waits[0] != identifyInterval {
		t.Errorf("shards waited %v before identifying, want shard 1 alone to wait %s", waits, identifyInterval)
	}
	mu.Unlock()
	ids := fake.Identifies()
	if gap := ids[1].At.Sub(ids[0].At); gap < discordtest.IdentifyInterval {
		t.Errorf("shards identified %s apart, want at least %s", gap, discordtest.IdentifyInterval)
	}
	var lists int
	for _, r := range fake.Requests() {
		if strings.HasSuffix(r.Path, "/commands") {
			lists++
		}
	}
	if lists != 2 { // shard 0's list and its one PUT
		t.Errorf("%d command requests, want 2 (shard 0 lists and registers; shard 1 does neither)", lists)
	}
}

// TestZombieConnectionResumes (issue 9 item 8): when heartbeats go
// unacknowledged the bot closes the socket with a code other than 1000 or
// 1001 and resumes, as developers/events/gateway#sending-heartbeats asks,
// so the session survives and the interaction held up meanwhile is
// answered. discordgo v0.29.0 alone closes with 1000 after five intervals,
// which invalidates the session
// (developers/events/gateway#initiating-a-disconnect): it re-identifies
// and the events of the gap are lost.
func TestZombieConnectionResumes(t *testing.T) {
	fake := discordtest.New()
	fake.HeartbeatInterval = 300 * time.Millisecond
	e := startEnvWith(t, Config{HeartbeatTimeout: 450 * time.Millisecond}, fake, nil)
	defer e.stop(t)
	session := fake.SessionID()
	fake.Zombie()
	tok := fake.DispatchInteraction(command("u-zombie", 0, "help"))
	rs, ok := fake.WaitResume(wait)
	if !ok || rs.SessionID != session {
		t.Fatalf("RESUME = %+v, %v; want the session %q resumed", rs, ok, session)
	}
	if missing := fake.WaitResponded(wait, []string{tok}); len(missing) > 0 {
		t.Errorf("the interaction dispatched to the zombie connection was lost")
	}
	for _, code := range fake.CloseCodes() {
		if code == 1000 || code == 1001 {
			t.Errorf("closed with %d, which ends the session", code)
		}
	}
	if n := len(fake.Identifies()); n != 1 {
		t.Errorf("%d IDENTIFYs, want 1: the session should have been resumed", n)
	}
}

// TestGatewayReconnectResumes: op 7 (Reconnect) is answered with a resume
// that loses nothing (developers/events/gateway#resuming). It also pins a
// limit of discordgo v0.29.0 (issue 9 item 8, in the README's limits): it
// resumes on the URL of GET /gateway, not on READY's resume_gateway_url,
// which "will experience disconnects at a higher rate than normal"
// (developers/events/gateway#preparing-to-resume). If this fails because
// the resume came on the resume URL, discordgo was fixed: update the
// README.
func TestGatewayReconnectResumes(t *testing.T) {
	fake := discordtest.New()
	e := startEnvWith(t, Config{}, fake, nil)
	defer e.stop(t)
	session := fake.SessionID()
	fake.Reconnect()
	var tokens []string
	for k := 0; k < 5; k++ {
		tokens = append(tokens, fake.DispatchInteraction(command("u-op7", 0, "help")))
	}
	rs, ok := fake.WaitResume(wait)
	if !ok || rs.SessionID != session {
		t.Fatalf("RESUME = %+v, %v; want the session %q resumed", rs, ok, session)
	}
	if missing := fake.WaitResponded(wait, tokens); len(missing) > 0 {
		t.Errorf("%d interactions lost across op 7", len(missing))
	}
	if strings.HasPrefix(rs.Path, "/resume-gateway") {
		t.Errorf("RESUME came on resume_gateway_url: discordgo now honours it; update the README's limits")
	}
}

// TestInvalidSessionReidentifiesOnSocket pins a limit of discordgo v0.29.0
// (issue 9 item 8, in the README's limits): on op 9 it sends IDENTIFY on
// the same socket whatever d says. The docs ask, for d=false, to close
// the socket and identify on a new one, and for d=true to resume
// (developers/events/gateway#resuming); discordgo handles op 9 inside its
// read loop, where the bot cannot step in. The bot still gets a working
// session; with d=true the events of the gap are lost. If this fails,
// discordgo changed: update the README.
func TestInvalidSessionReidentifiesOnSocket(t *testing.T) {
	clk := newClock()
	fake := discordtest.New()
	fake.SetClock(clk.Now)
	e := startEnvWith(t, Config{}, fake, nil)
	defer e.stop(t)
	for n, resumable := range []bool{true, false} {
		clk.Advance(discordtest.IdentifyInterval) // not a concurrency refusal
		fake.InvalidSession(resumable)
		if _, ok := fake.WaitIdentify(wait, n+2); !ok {
			t.Fatalf("op 9 d=%v: no new session", resumable)
		}
		if _, same := fake.InvalidSessions(); same != n+1 {
			t.Errorf("op 9 d=%v: %d IDENTIFYs on the same socket, want %d (the pinned limit)", resumable, same, n+1)
		}
	}
	if rs := fake.Resumes(); len(rs) != 0 {
		t.Errorf("RESUMEs %+v after op 9: discordgo now resumes; update the README's limits", rs)
	}
	tok := fake.DispatchInteraction(command("u-op9", 0, "help"))
	if missing := fake.WaitResponded(wait, []string{tok}); len(missing) > 0 {
		t.Errorf("no answer on the new session")
	}
}

// TestDisallowedIntentExplains (issue 9 item 8): with listen channels the
// bot asks for the privileged Message Content intent; when it is not
// enabled in the Developer Portal the gateway closes with 4014
// (developers/events/gateway#gateway-intents), and Run says what to do.
func TestDisallowedIntentExplains(t *testing.T) {
	fake := discordtest.New()
	defer fake.Close()
	fake.PrivilegedIntents = 0
	b := New(Config{ListenChannelIDs: []string{"c"}}, Deps{Session: fake.Session("tok"), Answerer: newAnswerer()}, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	err := b.Run(ctx)
	if err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run = %v, want the 4014 refusal", err)
	}
	for _, want := range []string{"4014", "Message Content", "Developer Portal"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Run error %q lacks %q", err, want)
		}
	}
}
