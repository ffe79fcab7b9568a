package bot

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bwmarrin/discordgo"

	"chokepoint/bot/discordtest"
)

// uploadCommand is /corpus add with att attached, by an admin.
func uploadCommand(att *discordgo.MessageAttachment) *discordgo.Interaction {
	i := command("u-admin-dl", int64(discordgo.PermissionManageGuild), "corpus", &discordgo.ApplicationCommandInteractionDataOption{
		Name: "add", Type: discordgo.ApplicationCommandOptionSubCommand,
		Options: []*discordgo.ApplicationCommandInteractionDataOption{{Name: "file", Type: discordgo.ApplicationCommandOptionAttachment, Value: att.ID}},
	})
	i.Data = discordgo.ApplicationCommandInteractionData{Name: "corpus", Options: i.ApplicationCommandData().Options,
		Resolved: &discordgo.ApplicationCommandInteractionDataResolved{Attachments: map[string]*discordgo.MessageAttachment{att.ID: att}}}
	return i
}

// toServer sends every request, whatever its host, to srv.
type toServer struct{ srv *httptest.Server }

func (t toServer) RoundTrip(r *http.Request) (*http.Response, error) {
	u, _ := url.Parse(t.srv.URL)
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host = "http", u.Host
	return t.srv.Client().Transport.RoundTrip(r)
}

// TestAttachmentHosts (issue 10 item 13): only https URLs on Discord's
// attachment hosts are downloaded. Before, any URL was fetched, a
// loopback one included.
func TestAttachmentHosts(t *testing.T) {
	var hits atomic.Int64
	peer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte("---\ntitle: Planted\n---\nBody.\n"))
	}))
	defer peer.Close()
	c := newCorpus(1)
	b, _, _ := newTestBot(Config{}, newAnswerer(), c)
	b.deps.HTTPClient = &http.Client{Transport: toServer{peer}}
	for _, u := range []string{
		peer.URL + "/attachments/1/planted.md",
		"https://evil.example/attachments/1/planted.md",
		"http://cdn.discordapp.com/attachments/1/planted.md",
		"https://cdn.discordapp.com.evil.example/attachments/1/planted.md",
		"https://cdn.discordapp.com:8443/attachments/1/planted.md",
		"https://user@cdn.discordapp.com/attachments/1/planted.md",
	} {
		t.Run(u, func(t *testing.T) {
			before := hits.Load()
			r := &recorder{}
			b.HandleInteraction(context.Background(), uploadCommand(&discordgo.MessageAttachment{ID: "att1", Filename: "planted.md", Size: 30, URL: u}), r)
			if hits.Load() != before {
				t.Errorf("%s was fetched", u)
			}
			if !strings.Contains(r.text(), "Discord's attachment servers") {
				t.Errorf("reply %q, want the refusal", r.text())
			}
		})
	}
	for _, u := range []string{"https://cdn.discordapp.com/attachments/1/ok.md", "https://media.discordapp.net/attachments/1/ok.md"} {
		r := &recorder{}
		b.HandleInteraction(context.Background(), uploadCommand(&discordgo.MessageAttachment{ID: "att2", Filename: "ok.md", Size: 30, URL: u}), r)
		if !strings.Contains(r.text(), "Added *Planted*") {
			t.Errorf("%s: reply %q, want it added", u, r.text())
		}
	}
}

// TestAttachmentRedirectStaysOnDiscord: a redirect away from Discord's
// attachment hosts is not followed.
func TestAttachmentRedirectStaysOnDiscord(t *testing.T) {
	var planted atomic.Int64
	peer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Host == "cdn.discordapp.com" {
			http.Redirect(w, r, "https://evil.example/planted.md", http.StatusFound)
			return
		}
		planted.Add(1)
		_, _ = w.Write([]byte("---\ntitle: Planted\n---\nBody.\n"))
	}))
	defer peer.Close()
	b, logs, _ := newTestBot(Config{}, newAnswerer(), newCorpus(1))
	b.deps.HTTPClient = &http.Client{Transport: toServer{peer}}
	r := &recorder{}
	b.HandleInteraction(context.Background(), uploadCommand(&discordgo.MessageAttachment{ID: "att3", Filename: "r.md", Size: 30,
		URL: "https://cdn.discordapp.com/attachments/1/r.md"}), r)
	if planted.Load() != 0 || strings.Contains(r.text(), "Added") {
		t.Errorf("followed a redirect off Discord: reply %q", r.text())
	}
	if !strings.Contains(logs.String(), "evil.example") {
		t.Errorf("log does not name the refused redirect:\n%s", logs)
	}
}

// TestAttachmentStalledPeer: a download that stalls ends at
// Config.DownloadTimeout with a reply, instead of holding the handler for
// as long as the peer likes (25 s seen; unbounded with
// http.DefaultClient).
func TestAttachmentStalledPeer(t *testing.T) {
	release := make(chan struct{})
	peer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("---\n"))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer peer.Close()
	defer close(release)
	b, _, _ := newTestBot(Config{DownloadTimeout: msDur(50)}, newAnswerer(), newCorpus(1))
	b.deps.HTTPClient = &http.Client{Transport: toServer{peer}} // no timeout of its own
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.HandleInteraction(context.Background(), uploadCommand(&discordgo.MessageAttachment{ID: "att4", Filename: "slow.md", Size: 1000,
			URL: "https://cdn.discordapp.com/attachments/1/slow.md"}), r)
	}()
	mustReceive(t, done, "handler returned from a stalled download")
	if !strings.Contains(r.text(), friendlyError) {
		t.Errorf("reply %q, want the friendly error", r.text())
	}
}

// TestDefaultDownloadClientBounded: without Deps.HTTPClient the bot does
// not fall back to http.DefaultClient, which has no timeout.
func TestDefaultDownloadClientBounded(t *testing.T) {
	b := New(Config{}, Deps{Answerer: newAnswerer()}, nil)
	c := b.deps.HTTPClient
	if c == http.DefaultClient || c.Timeout <= 0 {
		t.Errorf("default HTTP client %+v: want one with a timeout", c)
	}
}

// TestUploadThroughFake: the fake Discord's attachment URL passes the
// host check and is downloaded with the bounded client.
func TestUploadThroughFake(t *testing.T) {
	fake := discordtest.New()
	defer fake.Close()
	b, _, _ := newTestBot(Config{}, newAnswerer(), newCorpus(1))
	b.deps.HTTPClient = fake.Client()
	att := fake.AddAttachment("fine.md", []byte("---\ntitle: Nickel in Sulawesi\n---\nBody.\n"))
	r := &recorder{}
	b.HandleInteraction(context.Background(), uploadCommand(att), r)
	if !strings.Contains(r.text(), "Added *Nickel in Sulawesi*") {
		t.Errorf("reply %q, want it added", r.text())
	}
}
