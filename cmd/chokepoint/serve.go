package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"chokepoint/bot"
	"chokepoint/metrics"
)

const noTokenHelp = `no Discord bot token: set DISCORD_TOKEN.

To get one: open https://discord.com/developers/applications, create an
application, open its Bot page, press "Reset Token" and copy it. Then invite
the bot with the OAuth2 URL generator (scopes: bot, applications.commands).
See the README's "Set it up in a Discord server".

To try Chokepoint without Discord: chokepoint ask "why can't Russia replace China?"`

// newLogger builds the process's only logger.
func newLogger(w io.Writer, cfg Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func cmdServe(ctx context.Context, env *environment, args []string) error {
	var c commonFlags
	fs := newFlagSet(env, "serve", "[flags]", `Runs the Discord bot: over the gateway when DISCORD_TOKEN is set, and over
an HTTP interactions endpoint with --http (DISCORD_PUBLIC_KEY required).`)
	c.register(fs)
	httpAddr := fs.String("http", "", "serve Discord's Interactions Endpoint URL at `addr` (e.g. :8080), path /interactions")
	opsAddr := fs.String("ops", "", "serve /healthz, /readyz and /metrics at `addr` (e.g. :9090)")
	watch := fs.Bool("watch", false, "update the index when corpus files change")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("serve: unexpected argument %q", fs.Arg(0))
	}
	cfg, err := settings(env, c)
	if err != nil {
		return err
	}
	if *httpAddr != "" {
		cfg.HTTP.Listen = *httpAddr
	}
	if *opsAddr != "" {
		cfg.Ops.Listen = *opsAddr
	}
	if *watch {
		cfg.Watch.Enabled = true
	}
	gateway := cfg.Discord.Token != "" && (cfg.Discord.Gateway == nil || *cfg.Discord.Gateway)
	if cfg.Discord.Token == "" && cfg.HTTP.Listen == "" {
		return usagef("%s", noTokenHelp)
	}
	if !gateway && cfg.HTTP.Listen == "" {
		return usagef("serve: nothing to serve: discord.gateway is false and no --http address (http.listen) is set")
	}
	if cfg.HTTP.Listen != "" && cfg.Discord.PublicKey == "" {
		return usagef("serve --http needs the application's public key: set DISCORD_PUBLIC_KEY or discord.public_key")
	}
	if cfg.Watch.Enabled && cfg.Corpus == "" {
		return usagef("serve --watch needs a corpus directory (--corpus DIR); the embedded corpus never changes")
	}
	log := newLogger(env.stderr, cfg)
	return serve(ctx, cfg, env, log, gateway)
}

// serve runs every configured entry point until ctx ends, then shuts them
// down in order: stop taking work, finish what is in flight, close the index.
func serve(ctx context.Context, cfg Config, env *environment, log *slog.Logger, gateway bool) error {
	m := metrics.New()
	e, err := openEngine(ctx, cfg, env.getenv, env.stderr, nil, false)
	if err != nil {
		return err
	}
	defer func() {
		if err := e.Close(); err != nil {
			log.Error("close index", "err", err)
		}
	}()
	st := e.idx.Stats()
	log.Info("index open", "dir", e.dir, "documents", st.Documents, "passages", st.Passages, "skipped_files", len(e.loaded.Skipped))
	for _, s := range e.loaded.Skipped {
		log.Warn("corpus file skipped", "path", s.Path, "line", s.Line, "err", s.Err)
	}
	lib := newLibrary(e, m)

	var feedback io.Writer
	if cfg.Discord.FeedbackLog != "" {
		f, err := os.OpenFile(cfg.Discord.FeedbackLog, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o640)
		if err != nil {
			return fmt.Errorf("feedback log: %w", err)
		}
		defer f.Close()
		feedback = f
	}

	deps := bot.Deps{Answerer: lib, Library: lib, Corpus: lib, Metrics: m, Feedback: feedback}
	if gateway {
		if deps.Session, err = bot.NewSession(string(cfg.Discord.Token), cfg.Discord.ShardID, cfg.Discord.ShardCount); err != nil {
			return err
		}
	}
	db, poller, err := serveStore(ctx, cfg, env.getenv, lib, &deps, log)
	if err != nil {
		return err
	}
	if db != nil {
		defer db.Close()
	}
	b := bot.New(botConfig(cfg), deps, log)

	var wg sync.WaitGroup
	errc := make(chan error, 8) // one per goroutine that can fail, at most
	var servers []*http.Server
	runCtx, cancel := context.WithCancel(ctx)
	// HTTP interaction handlers outlive ctx by up to the shutdown timeout,
	// so that answers in progress are delivered; then they are cancelled.
	handlers, cancelHandlers := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelHandlers()
	// Shut down in order however serve returns, a failed start included:
	// stop taking work, finish what is in flight, then (deferred earlier)
	// close the index.
	defer func() {
		cancel()
		shutdownCtx, done := context.WithTimeout(context.WithoutCancel(ctx), cfg.Discord.ShutdownTimeout+5*time.Second)
		defer done()
		for _, srv := range servers {
			if serr := srv.Shutdown(shutdownCtx); serr != nil {
				log.Warn("http shutdown", "err", serr)
			}
		}
		if !gateway {
			// Bot.Run drains on the gateway path; over HTTP alone, answers
			// still being edited in finish here, before the index closes.
			// Those that outlive the timeout are cancelled and waited for.
			if !b.Drain(cfg.Discord.ShutdownTimeout) {
				log.Warn("shutdown timed out with handlers running; cancelling them", "timeout", cfg.Discord.ShutdownTimeout)
				cancelHandlers()
				if !b.Drain(5 * time.Second) {
					log.Error("handlers still running after cancel")
				}
			}
		}
		wg.Wait()
	}()
	listen := func(name, addr string, h http.Handler) error {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("%s listener: %w", name, err)
		}
		// Timeouts, a connection cap and a cap on the bodies held: no one
		// can hold the server's memory or connections without a signature.
		srv := bot.NewServer(h, bot.ServerOptions{ReadTimeout: cfg.HTTP.ReadTimeout, MaxConns: cfg.HTTP.MaxConnections,
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)})
		servers = append(servers, srv)
		log.Info("listening", "what", name, "addr", ln.Addr().String())
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("%s server: %w", name, err)
			}
		}()
		return nil
	}
	if cfg.Ops.Listen != "" {
		ready := func() error {
			if gateway && !b.Connected() {
				return errors.New("gateway not connected")
			}
			if st := e.idx.Stats(); st.Dir == "" {
				return errors.New("index not open")
			}
			return nil
		}
		if err := listen("ops", cfg.Ops.Listen, m.Handler(ready)); err != nil {
			return err
		}
	}
	if cfg.HTTP.Listen != "" {
		h, err := interactionsHandler(handlers, cfg, b, log)
		if err != nil {
			return err
		}
		if err := listen("interactions", cfg.HTTP.Listen, h); err != nil {
			return err
		}
	}

	if !gateway && cfg.Discord.Token != "" {
		// Over HTTP alone nobody else registers the commands: do it over
		// REST, which needs the application ID the gateway would announce.
		// It waits out an outage of Discord's while the endpoints serve.
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := registerOverREST(runCtx, cfg, b, log); err != nil && runCtx.Err() == nil {
				errc <- err
			}
		}()
	}

	if cfg.Watch.Enabled {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := watchCorpus(runCtx, cfg.Corpus, cfg.Watch.Debounce, lib, log, nil); err != nil {
				errc <- err
			}
		}()
	}
	if deps.Log != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pruneLog(runCtx, db, cfg.Questions.Retention, log)
		}()
	}
	if poller != nil && cfg.Feeds.Poll {
		var out bot.Messenger
		if deps.Session != nil {
			out = deps.Session
		} else if cfg.Discord.Token != "" {
			// Over HTTP alone the announcements go over REST.
			if out, err = bot.NewSession(string(cfg.Discord.Token), 0, 0); err != nil {
				return err
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			runFeeds(runCtx, cfg, poller, b, out, log)
		}()
	}
	if gateway {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := b.Run(runCtx); err != nil {
				errc <- err
			}
		}()
	}

	select {
	case <-ctx.Done():
		log.Info("shutting down")
		return nil
	case err := <-errc:
		log.Error("serve", "err", err)
		return err
	}
}

// botConfig maps the configuration file's discord section onto bot.Config.
func botConfig(cfg Config) bot.Config {
	d := cfg.Discord
	return bot.Config{
		Version: version, DevGuildIDs: d.DevGuilds, AdminRoleIDs: d.AdminRoles, AdminUserIDs: d.AdminUsers,
		ListenChannelIDs: d.ListenChannels, ThreadChannelIDs: d.ThreadChannels,
		RateLimit: d.RateLimit.Questions, RateWindow: d.RateLimit.Per, DuplicateWindow: d.DuplicateWindow,
		MaxUpload: d.MaxUpload, ShutdownTimeout: d.ShutdownTimeout,
	}
}

// registerOverREST registers the slash commands without a gateway
// connection, when the definitions changed.
func registerOverREST(ctx context.Context, cfg Config, b *bot.Bot, log *slog.Logger) error {
	if cfg.Discord.ApplicationID == "" {
		log.Warn("commands not registered: set discord.application_id (or DISCORD_APPLICATION_ID) to register them without the gateway")
		return nil
	}
	changed, err := b.RegisterOverREST(ctx, string(cfg.Discord.Token), cfg.Discord.ApplicationID)
	if err != nil {
		return fmt.Errorf("register commands: %w", err)
	}
	log.Info("commands registered", "changed", changed)
	return nil
}
