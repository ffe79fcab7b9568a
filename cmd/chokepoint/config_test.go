package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const examplePath = "../../chokepoint.example.yaml"

// noEnv is a getenv with nothing set.
func noEnv(string) string { return "" }

// envOf is a getenv backed by a map.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// writeConfig writes a YAML configuration file and returns its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "chokepoint.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// settingsFrom resolves a configuration file and environment as every
// subcommand does.
func settingsFrom(path string, getenv func(string) string) (Config, error) {
	env := &environment{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, getenv: getenv}
	return settings(env, commonFlags{config: path})
}

func TestExampleConfigLoads(t *testing.T) {
	cfg, err := settingsFrom(examplePath, noEnv)
	if err != nil {
		t.Fatalf("settings(%s) = %v, want nil", examplePath, err)
	}
	if cfg.Discord.Token != "" {
		t.Errorf("example holds a token; secrets belong in DISCORD_TOKEN")
	}
	if g := cfg.Discord.Gateway; g == nil || !*g {
		t.Errorf("example discord.gateway = %v, want true", g)
	}
	// The example documents the defaults: loading it changes nothing.
	cfg.Discord.Gateway = nil
	got, _ := yaml.Marshal(cfg)
	want, _ := yaml.Marshal(defaultConfig())
	if !bytes.Equal(got, want) {
		t.Errorf("example differs from defaultConfig():\n--- example\n%s\n--- defaults\n%s", got, want)
	}
}

// yamlKeys returns the dotted keys of every field of t, recursively.
func yamlKeys(t reflect.Type, prefix string) []string {
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		keys = append(keys, prefix+name)
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && ft.PkgPath() == t.PkgPath() {
			keys = append(keys, yamlKeys(ft, prefix+name+".")...)
		}
	}
	return keys
}

// nodeKeys returns the dotted keys of a YAML mapping node, recursively.
func nodeKeys(n *yaml.Node, prefix string) map[string]bool {
	keys := map[string]bool{}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		return nodeKeys(n.Content[0], prefix)
	}
	if n.Kind != yaml.MappingNode {
		return keys
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := prefix + n.Content[i].Value
		keys[k] = true
		for sub := range nodeKeys(n.Content[i+1], k+".") {
			keys[sub] = true
		}
	}
	return keys
}

func TestExampleConfigHasEveryKey(t *testing.T) {
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("parse %s: %v", examplePath, err)
	}
	have := nodeKeys(&doc, "")
	keys := yamlKeys(reflect.TypeOf(Config{}), "")
	if len(keys) < 30 {
		t.Fatalf("found only %d keys in Config: %v", len(keys), keys)
	}
	for _, k := range keys {
		if !have[k] {
			t.Errorf("%s does not set key %s", examplePath, k)
		}
	}
	// Every key is documented: a comment on or above it.
	lines := strings.Split(string(data), "\n")
	commented := 0
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			commented++
		}
	}
	if commented < len(keys) {
		t.Errorf("%s has %d comment lines for %d keys; document each key", examplePath, commented, len(keys))
	}
}

func TestConfigUnknownKey(t *testing.T) {
	tests := []struct {
		name, yaml, key, line string
	}{
		{"top level", "scoring: bm25\nlog_levle: debug\n", "log_levle", "line 2"},
		{"nested", "discord:\n  rate_limit:\n    questions: 3\n    burst: 9\n", "burst", "line 4"},
		{"typo of a secret", "log_level: info\n\ndiscord:\n  tokne: abc\n", "tokne", "line 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := settingsFrom(writeConfig(t, tt.yaml), noEnv)
			if err == nil {
				t.Fatalf("settings(%q) = nil error, want one naming %s", tt.yaml, tt.key)
			}
			if !strings.Contains(err.Error(), tt.key) || !strings.Contains(err.Error(), tt.line) {
				t.Errorf("settings(%q) = %q, want it to name %q and %q", tt.yaml, err, tt.key, tt.line)
			}
			if strings.Contains(err.Error(), "abc") {
				t.Errorf("error %q repeats the value of a misspelt secret", err)
			}
		})
	}
}

func TestConfigBadValues(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"scoring", "scoring: lucene\n", "scoring"},
		{"shard_id equal to shard_count", "discord:\n  shard_id: 2\n  shard_count: 2\n", "discord.shard_id"},
		{"shard_id above shard_count", "discord:\n  shard_id: 5\n  shard_count: 2\n", "discord.shard_id"},
		{"negative shard", "discord:\n  shard_id: -1\n", "discord.shard_id"},
		{"public_key not hex", "discord:\n  public_key: " + strings.Repeat("zx", 32) + "\n", "discord.public_key"},
		{"public_key short", "discord:\n  public_key: abcdef\n", "discord.public_key"},
		{"admin_roles not digits", "discord:\n  admin_roles: [\"moderators\"]\n", "discord.admin_roles"},
		{"admin_users not digits", "discord:\n  admin_users: [\"<@123>\"]\n", "discord.admin_users"},
		{"dev_guilds empty id", "discord:\n  dev_guilds: [\"\"]\n", "discord.dev_guilds"},
		{"log_level", "log_level: verbose\n", "log_level"},
		{"log_format", "log_format: xml\n", "log_format"},
		{"max_citations", "answers:\n  max_citations: 11\n", "answers.max_citations"},
		{"min_confidence", "answers:\n  min_confidence: 1.5\n", "answers.min_confidence"},
		{"rate_limit", "discord:\n  rate_limit:\n    per: -1s\n", "discord.rate_limit"},
		{"max_file_size", "max_file_size: -1\n", "max_file_size"},
		{"fetch", "fetch:\n  timeout: -5s\n", "fetch"},
		{"read_timeout", "http:\n  read_timeout: -1s\n", "http.read_timeout"},
		{"max_connections", "http:\n  max_connections: -1\n", "http.max_connections"},
		{"duration type", "http:\n  max_skew: soon\n", "line 2"},
		{"int type", "discord:\n  shard_count: many\n", "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := settingsFrom(writeConfig(t, tt.yaml), noEnv)
			if err == nil {
				t.Fatalf("settings(%q) = nil error, want one naming %s", tt.yaml, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("settings(%q) = %q, want it to name %q", tt.yaml, err, tt.want)
			}
		})
	}
	t.Run("all problems at once", func(t *testing.T) {
		_, err := settingsFrom(writeConfig(t, "scoring: x\nlog_level: y\n"), noEnv)
		if err == nil || !strings.Contains(err.Error(), "scoring") || !strings.Contains(err.Error(), "log_level") {
			t.Errorf("settings = %v, want both scoring and log_level named", err)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		_, err := settingsFrom(filepath.Join(t.TempDir(), "nope.yaml"), noEnv)
		if err == nil || !strings.Contains(err.Error(), "nope.yaml") {
			t.Errorf("settings(missing file) = %v, want an error naming it", err)
		}
	})
}

func TestConfigEnvOverrides(t *testing.T) {
	fileKey, envKey := strings.Repeat("ab", 32), strings.Repeat("cd", 32)
	path := writeConfig(t, fmt.Sprintf("discord:\n  token: file-token\n  public_key: %s\n  application_id: \"111\"\ncorpus: /from/file\n", fileKey))

	cfg, err := settingsFrom(path, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Discord.Token != "file-token" || cfg.Discord.PublicKey != fileKey || cfg.Corpus != "/from/file" {
		t.Errorf("without environment: token %q, key %q, corpus %q; want the file's", string(cfg.Discord.Token), cfg.Discord.PublicKey, cfg.Corpus)
	}

	cfg, err = settingsFrom(path, envOf(map[string]string{
		"DISCORD_TOKEN": "env-token", "DISCORD_PUBLIC_KEY": envKey, "DISCORD_APPLICATION_ID": "222",
		"CHOKEPOINT_CORPUS": "/from/env", "CHOKEPOINT_INDEX": "/idx/env",
	}))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ key, got, want string }{
		{"DISCORD_TOKEN", string(cfg.Discord.Token), "env-token"},
		{"DISCORD_PUBLIC_KEY", cfg.Discord.PublicKey, envKey},
		{"DISCORD_APPLICATION_ID", cfg.Discord.ApplicationID, "222"},
		{"CHOKEPOINT_CORPUS", cfg.Corpus, "/from/env"},
		{"CHOKEPOINT_INDEX", cfg.Index, "/idx/env"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("with %s set: got %q, want %q", c.key, c.got, c.want)
		}
	}

	// Flags win over the environment.
	env := &environment{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, getenv: envOf(map[string]string{"CHOKEPOINT_CORPUS": "/from/env"})}
	cfg, err = settings(env, commonFlags{config: path, corpus: "/from/flag"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Corpus != "/from/flag" {
		t.Errorf("--corpus with CHOKEPOINT_CORPUS set: corpus %q, want /from/flag", cfg.Corpus)
	}

	// The environment's public key is validated like the file's.
	if _, err := settingsFrom(path, envOf(map[string]string{"DISCORD_PUBLIC_KEY": "not-hex"})); err == nil || !strings.Contains(err.Error(), "discord.public_key") {
		t.Errorf("bad DISCORD_PUBLIC_KEY: settings = %v, want an error naming discord.public_key", err)
	}
}

func TestSecretRedacted(t *testing.T) {
	const token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.super-secret-token-value"
	cfg := defaultConfig()
	cfg.Discord.Token = Secret(token)

	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("config", "cfg", cfg, "token", cfg.Discord.Token)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", "cfg", cfg, "token", cfg.Discord.Token)
	jsonOut, err := json.Marshal(cfg)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	yamlOut, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatalf("yaml.Marshal: %v", err)
	}
	outputs := map[string]string{
		"%v": fmt.Sprintf("%v", cfg), "%+v": fmt.Sprintf("%+v", cfg), "%#v": fmt.Sprintf("%#v", cfg),
		"%v of pointer": fmt.Sprintf("%+v", &cfg.Discord),
		"%s secret":     fmt.Sprintf("%s", cfg.Discord.Token), "%q secret": fmt.Sprintf("%q", cfg.Discord.Token),
		"%x secret": fmt.Sprintf("%x", cfg.Discord.Token), "%#v secret": fmt.Sprintf("%#v", cfg.Discord.Token),
		"Sprint": fmt.Sprint(cfg.Discord), "json": string(jsonOut), "yaml": string(yamlOut), "slog": logs.String(),
	}
	for name, out := range outputs {
		if strings.Contains(out, "super-secret") || strings.Contains(out, "MTIzNDU2") || strings.Contains(out, fmt.Sprintf("%x", token)[:24]) {
			t.Errorf("%s leaks the token: %s", name, out)
		}
		if !strings.Contains(out, "redacted") && !strings.Contains(out, fmt.Sprintf("%x", "[redacted]")) {
			t.Errorf("%s shows no redaction marker: %s", name, out)
		}
	}
	// An empty secret prints as empty, so "no token" stays visible.
	if s := fmt.Sprint(Secret("")); s != "" {
		t.Errorf("Secret(\"\") prints %q, want \"\"", s)
	}
	// Reading still works: the secret reaches the code that needs it.
	var back struct {
		Token Secret `yaml:"token"`
	}
	if err := yaml.Unmarshal([]byte("token: "+token), &back); err != nil || string(back.Token) != token {
		t.Errorf("yaml decode of a token = %q, %v; want the token", string(back.Token), err)
	}
}
