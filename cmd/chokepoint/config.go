package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"chokepoint"
	"chokepoint/feeds"
	"chokepoint/fetch"
)

// Config is the whole configuration: chokepoint.example.yaml documents
// every key. Secrets come from the environment (DISCORD_TOKEN,
// DISCORD_PUBLIC_KEY), which overrides the file.
type Config struct {
	Corpus      string    `yaml:"corpus"`        // article directory; "" = embedded corpus
	Index       string    `yaml:"index"`         // index directory; "" = user cache directory
	Scoring     string    `yaml:"scoring"`       // tfidf or bm25
	MaxFileSize int64     `yaml:"max_file_size"` // bytes per corpus file
	Answers     Answers   `yaml:"answers"`
	Discord     Discord   `yaml:"discord"`
	HTTP        HTTP      `yaml:"http"`
	Ops         Ops       `yaml:"ops"`
	Fetch       Fetch     `yaml:"fetch"`
	Watch       Watch     `yaml:"watch"`
	Store       Store     `yaml:"store"`
	Feeds       Feeds     `yaml:"feeds"`
	Questions   Questions `yaml:"question_log"`
	LogLevel    string    `yaml:"log_level"` // debug, info, warn, error
	LogFormat   string    `yaml:"log_format"`
}

// Answers tunes answer composition.
type Answers struct {
	MaxCitations  int     `yaml:"max_citations"`
	MoreCitations int     `yaml:"more_citations"`
	MinConfidence float64 `yaml:"min_confidence"`
	MaxExcerpt    int     `yaml:"max_excerpt"`
}

// Discord configures the bot.
type Discord struct {
	Token           Secret        `yaml:"token"`
	PublicKey       string        `yaml:"public_key"`
	ApplicationID   string        `yaml:"application_id"`
	DevGuilds       []string      `yaml:"dev_guilds"`
	AdminRoles      []string      `yaml:"admin_roles"`
	AdminUsers      []string      `yaml:"admin_users"`
	ListenChannels  []string      `yaml:"listen_channels"`
	ThreadChannels  []string      `yaml:"thread_channels"`
	RateLimit       RateLimit     `yaml:"rate_limit"`
	DuplicateWindow time.Duration `yaml:"duplicate_window"`
	FeedbackLog     string        `yaml:"feedback_log"`
	MaxUpload       int64         `yaml:"max_upload"`
	ShardID         int           `yaml:"shard_id"`
	ShardCount      int           `yaml:"shard_count"`
	Gateway         *bool         `yaml:"gateway"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
}

// RateLimit is a per-user question budget.
type RateLimit struct {
	Questions int           `yaml:"questions"`
	Per       time.Duration `yaml:"per"`
}

// HTTP configures the interactions endpoint.
type HTTP struct {
	Listen string `yaml:"listen"` // e.g. ":8080"; "" = off
	// MaxSkew is how old a signed timestamp may be.
	MaxSkew time.Duration `yaml:"max_skew"`
	// ReadTimeout bounds reading a request, headers and body.
	ReadTimeout time.Duration `yaml:"read_timeout"`
	// MaxConnections caps the open connections of each listener.
	MaxConnections int `yaml:"max_connections"`
}

// Ops configures health and metrics.
type Ops struct {
	Listen string `yaml:"listen"` // e.g. ":9090"; "" = off
}

// Fetch bounds fetching articles from the web.
type Fetch struct {
	Timeout      time.Duration `yaml:"timeout"`
	MaxBytes     int64         `yaml:"max_bytes"`
	AllowPrivate bool          `yaml:"allow_private"`
}

// Watch configures watch mode.
type Watch struct {
	Enabled  bool          `yaml:"enabled"`
	Debounce time.Duration `yaml:"debounce"`
}

// Store locates the embedded database (feeds and the question log).
type Store struct {
	Path string `yaml:"path"` // "" = chokepoint.db in the index directory
}

// Feeds configures feed subscriptions and their polling.
type Feeds struct {
	// Poll runs the poller in this process; with several replicas, exactly
	// one should set it.
	Poll      bool          `yaml:"poll"`
	Interval  time.Duration `yaml:"interval"`
	HostDelay time.Duration `yaml:"host_delay"`
	Timeout   time.Duration `yaml:"timeout"`
	MaxBytes  int64         `yaml:"max_bytes"`
	MaxNew    int           `yaml:"max_new"`
	// AnnounceChannel is a Discord channel ID for "New in the corpus"
	// messages; "" announces nothing.
	AnnounceChannel string `yaml:"announce_channel"`
}

// Questions configures the question log.
type Questions struct {
	Enabled   bool          `yaml:"enabled"`
	Retention time.Duration `yaml:"retention"`
	// UserHashKey, when set, stores a keyed hash (HMAC-SHA-256) of each
	// asker's and voter's user ID; without it no user ID is kept at all.
	UserHashKey Secret `yaml:"user_hash_key"`
}

// Secret is a string that never prints.
type Secret string

// String redacts the secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// GoString redacts the secret in %#v.
func (s Secret) GoString() string { return `"[redacted]"` }

// MarshalText redacts the secret in JSON, YAML and logs.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads the secret.
func (s *Secret) UnmarshalText(b []byte) error { *s = Secret(b); return nil }

func defaultConfig() Config {
	return Config{
		Scoring: "bm25",
		Discord: Discord{
			RateLimit:       RateLimit{Questions: 5, Per: 30 * time.Second},
			DuplicateWindow: 30 * time.Second,
			MaxUpload:       1 << 20,
			ShutdownTimeout: 10 * time.Second,
		},
		HTTP:  HTTP{MaxSkew: 5 * time.Minute, ReadTimeout: 10 * time.Second, MaxConnections: 512},
		Fetch: Fetch{Timeout: fetch.DefaultTimeout, MaxBytes: fetch.DefaultMaxBytes},
		Watch: Watch{Debounce: 2 * time.Second},
		Feeds: Feeds{Poll: true, Interval: feeds.DefaultInterval, HostDelay: feeds.DefaultHostDelay,
			Timeout: feeds.DefaultTimeout, MaxBytes: feeds.DefaultMaxBytes, MaxNew: feeds.DefaultMaxNew},
		Questions: Questions{Enabled: true, Retention: 90 * 24 * time.Hour},
		LogLevel:  "info",
		LogFormat: "text",
	}
}

// loadConfig reads a YAML configuration file over the defaults. Unknown
// keys and malformed values are errors naming the file, line and key.
func loadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	cfg := defaultConfig()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("config %s: %w", path, cleanYAMLError(err))
	}
	return cfg, nil
}

// cleanYAMLError drops yaml.v3's "yaml: unmarshal errors:" preamble so the
// message reads "line 3: field foo not found in type main.Discord".
func cleanYAMLError(err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return errors.New(strings.Join(te.Errors, "; "))
	}
	return err
}

// applyEnv lets the environment override secrets and a few settings.
func (c *Config) applyEnv(getenv func(string) string) {
	if v := getenv("DISCORD_TOKEN"); v != "" {
		c.Discord.Token = Secret(v)
	}
	// The token is the bare token; "Bot " is added when connecting.
	c.Discord.Token = Secret(strings.TrimSpace(strings.TrimPrefix(string(c.Discord.Token), "Bot ")))
	if v := getenv("DISCORD_PUBLIC_KEY"); v != "" {
		c.Discord.PublicKey = v
	}
	if v := getenv("DISCORD_APPLICATION_ID"); v != "" {
		c.Discord.ApplicationID = v
	}
	if v := getenv("CHOKEPOINT_CORPUS"); v != "" {
		c.Corpus = v
	}
	if v := getenv("CHOKEPOINT_INDEX"); v != "" {
		c.Index = v
	}
	if v := getenv("CHOKEPOINT_STORE"); v != "" {
		c.Store.Path = v
	}
	if v := getenv("CHOKEPOINT_USER_HASH_KEY"); v != "" {
		c.Questions.UserHashKey = Secret(v)
	}
	// The ops address in the environment lets a container image turn the
	// health endpoint on for whatever command it runs, and lets "health"
	// find it.
	if v := getenv("CHOKEPOINT_OPS"); v != "" {
		c.Ops.Listen = v
	}
}

// validate checks values that decode fine but make no sense, naming the key.
func (c *Config) validate() error {
	var errs []error
	bad := func(key, format string, a ...any) {
		errs = append(errs, fmt.Errorf("config key %s: "+format, append([]any{key}, a...)...))
	}
	switch c.Scoring {
	case "tfidf", "bm25":
	default:
		bad("scoring", "%q is not tfidf or bm25", c.Scoring)
	}
	if c.MaxFileSize < 0 {
		bad("max_file_size", "must not be negative")
	}
	if c.Answers.MaxCitations < 0 || c.Answers.MaxCitations > 10 {
		bad("answers.max_citations", "%d is not between 0 (default) and 10", c.Answers.MaxCitations)
	}
	if c.Answers.MinConfidence < 0 || c.Answers.MinConfidence > 1 {
		bad("answers.min_confidence", "%v is not between 0 and 1", c.Answers.MinConfidence)
	}
	if c.Discord.RateLimit.Questions < 0 || c.Discord.RateLimit.Per < 0 {
		bad("discord.rate_limit", "must not be negative")
	}
	if c.Discord.ShardCount < 0 || c.Discord.ShardID < 0 || (c.Discord.ShardCount > 0 && c.Discord.ShardID >= c.Discord.ShardCount) {
		bad("discord.shard_id", "%d is not below shard_count %d", c.Discord.ShardID, c.Discord.ShardCount)
	}
	if c.Discord.ApplicationID != "" && !isSnowflake(c.Discord.ApplicationID) {
		bad("discord.application_id", "%q is not a Discord ID (digits only)", c.Discord.ApplicationID)
	}
	if c.Discord.PublicKey != "" && !isHex(c.Discord.PublicKey, 64) {
		bad("discord.public_key", "want 64 hex digits (the application's public key from the Developer Portal)")
	}
	for key, ids := range map[string][]string{
		"discord.dev_guilds": c.Discord.DevGuilds, "discord.admin_roles": c.Discord.AdminRoles, "discord.admin_users": c.Discord.AdminUsers,
		"discord.listen_channels": c.Discord.ListenChannels, "discord.thread_channels": c.Discord.ThreadChannels,
	} {
		for _, id := range ids {
			if !isSnowflake(id) {
				bad(key, "%q is not a Discord ID (digits only)", id)
			}
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("log_level", "%q is not debug, info, warn or error", c.LogLevel)
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		bad("log_format", "%q is not text or json", c.LogFormat)
	}
	if c.Answers.MaxExcerpt < 0 {
		bad("answers.max_excerpt", "must not be negative")
	}
	if c.HTTP.MaxSkew < 0 {
		bad("http.max_skew", "must not be negative")
	}
	if c.HTTP.ReadTimeout < 0 {
		bad("http.read_timeout", "must not be negative")
	}
	if c.HTTP.MaxConnections < 0 {
		bad("http.max_connections", "must not be negative")
	}
	if c.Ops.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Ops.Listen); err != nil {
			bad("ops.listen", "%q is not an address such as 127.0.0.1:9090 or :9090", c.Ops.Listen)
		}
	}
	if c.Fetch.Timeout < 0 || c.Fetch.MaxBytes < 0 {
		bad("fetch", "timeout and max_bytes must not be negative")
	}
	if c.Feeds.Interval < time.Minute {
		bad("feeds.interval", "%v is shorter than a minute", c.Feeds.Interval)
	}
	if c.Feeds.HostDelay < 0 || c.Feeds.Timeout <= 0 || c.Feeds.MaxBytes <= 0 || c.Feeds.MaxNew <= 0 {
		bad("feeds", "host_delay must not be negative; timeout, max_bytes and max_new must be positive")
	}
	if c.Feeds.AnnounceChannel != "" && !isSnowflake(c.Feeds.AnnounceChannel) {
		bad("feeds.announce_channel", "%q is not a Discord ID (digits only)", c.Feeds.AnnounceChannel)
	}
	if c.Questions.Retention < 24*time.Hour {
		bad("question_log.retention", "%v is shorter than a day", c.Questions.Retention)
	}
	if strings.ContainsRune(c.Store.Path, '?') {
		bad("store.path", "%q contains '?', which SQLite reads as options", c.Store.Path)
	}
	return errors.Join(errs...)
}

func (c Config) answererOptions() chokepoint.Options {
	return chokepoint.Options{
		MaxCitations:  c.Answers.MaxCitations,
		MoreCitations: c.Answers.MoreCitations,
		MinConfidence: c.Answers.MinConfidence,
		MaxExcerpt:    c.Answers.MaxExcerpt,
	}
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

func isSnowflake(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
