package bot

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"chokepoint/bot/discordtest"
)

func TestRegisterOverREST(t *testing.T) {
	srv := discordtest.New()
	defer srv.Close()
	b := New(Config{}, Deps{Answerer: &fakeAnswerer{}, HTTPClient: srv.Client()}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	changed, err := b.RegisterOverREST(context.Background(), "Bot secret-token", srv.AppID)
	if err != nil || !changed {
		t.Fatalf("RegisterOverREST first time = %v, %v; want registered", changed, err)
	}
	if got, want := len(srv.Commands("")), len(Commands()); got != want {
		t.Errorf("Discord holds %d global commands, want %d", got, want)
	}
	changed, err = b.RegisterOverREST(context.Background(), "secret-token", srv.AppID)
	if err != nil || changed || srv.CommandPuts() != 1 {
		t.Errorf("RegisterOverREST again = %v, %v with %d PUTs; want no change and a single PUT", changed, err, srv.CommandPuts())
	}
}

func TestNewSessionShards(t *testing.T) {
	s, err := NewSession("Bot abc", 1, 4)
	if err != nil {
		t.Fatal(err)
	}
	if s.Token != "Bot abc" || s.ShardID != 1 || s.ShardCount != 4 {
		t.Errorf("NewSession = token %q shard %d/%d, want %q 1/4", s.Token, s.ShardID, s.ShardCount, "Bot abc")
	}
	if s.ShouldRetryOnRateLimit {
		t.Errorf("NewSession retries 429s without end; the bot retries them itself, boundedly (issue 10 item 24)")
	}
}
