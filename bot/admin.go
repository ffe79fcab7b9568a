package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"chokepoint"
)

// reindexRun is the progress of the running reindex.
type reindexRun struct {
	mu          sync.Mutex
	done, total int
}

func (r *reindexRun) progress() (int, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.done, r.total
}

// progressAt returns the count and now's time read together, so that a
// count and a clock moving at once are never seen half moved.
func (r *reindexRun) progressAt(now func() time.Time) (done, total int, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.done, r.total, now()
}

func (b *Bot) corpus() (Corpus, error) {
	if b.deps.Corpus == nil {
		return nil, tellUser("Corpus administration is not available on this deployment.", nil)
	}
	return b.deps.Corpus, nil
}

// reindexCmd runs one reindex at a time; a second call while one runs
// reports its progress instead of starting another.
func (b *Bot) reindexCmd(ctx context.Context, r Responder, start time.Time) error {
	c, err := b.corpus()
	if err != nil {
		return err
	}
	b.reindexMu.Lock()
	if run := b.reindex; run != nil {
		b.reindexMu.Unlock()
		done, total := run.progress()
		return b.respondFirst(ctx, r, message(Reply{Content: fmt.Sprintf("A reindex is already running: %d/%d files.", done, total), Ephemeral: true}), start)
	}
	run := &reindexRun{}
	b.reindex = run
	b.reindexMu.Unlock()
	defer func() {
		b.reindexMu.Lock()
		b.reindex = nil
		b.reindexMu.Unlock()
	}()

	if err := b.respondFirst(ctx, r, message(Reply{Content: "Reindexing…", Ephemeral: true}), start); err != nil {
		return err
	}
	began := b.cfg.Now()
	// Reindex calls progress while it holds the library and build locks:
	// progress only stores the count, and its own goroutine edits it in.
	kick := make(chan struct{}, 1)
	progress := func(done, total int) {
		run.mu.Lock()
		run.done, run.total = done, total
		run.mu.Unlock()
		select {
		case kick <- struct{}{}:
		default: // an edit is due already; it will read the latest count
		}
	}
	pctx, stopProgress := context.WithCancel(ctx)
	shown := make(chan struct{})
	go func() {
		defer close(shown)
		b.showProgress(pctx, r, run, kick)
	}()
	st, skipped, err := c.Reindex(ctx, progress)
	// A progress edit still on its way is cancelled: the summary comes
	// last.
	stopProgress()
	<-shown
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	took := st.Took
	if took == 0 {
		took = b.cfg.Now().Sub(began)
	}
	b.log.Info("reindexed", "added", st.Added, "changed", st.Changed, "removed", st.Removed, "passages", st.Passages, "skipped", len(skipped), "took", took)
	err = r.Edit(ctx, Reply{Content: renderReindex(st, skipped, took)})
	if errors.Is(err, errTokenExpired) {
		return nil // the responder logged it; the summary is in the log line above
	}
	if err != nil {
		return fmt.Errorf("edit reindex summary: %w", err)
	}
	return nil
}

// showProgress edits the count of run into the reindex reply each time
// kick fires, at most once per Config.ProgressEvery, until ctx ends. It
// reads the count when it edits, so counts that arrive while an edit is on
// its way are replaced by the latest. Progress is a courtesy: a failed
// edit is logged, and an expired token ends the edits.
func (b *Bot) showProgress(ctx context.Context, r Responder, run *reindexRun, kick <-chan struct{}) {
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-kick:
		}
		done, total, now := run.progressAt(b.cfg.Now)
		if done == total || now.Sub(last) < b.cfg.ProgressEvery {
			continue
		}
		last = now
		err := r.Edit(ctx, Reply{Content: fmt.Sprintf("Reindexing… %d/%d files.", done, total)})
		switch {
		case errors.Is(err, errTokenExpired):
			b.log.Info("reindex progress no longer shown: interaction token expired")
			return
		case err != nil && ctx.Err() == nil:
			b.log.Warn("reindex progress edit failed", "err", err)
		}
	}
}

func renderReindex(st chokepoint.IndexStats, skipped []*chokepoint.FileError, took time.Duration) string {
	var s strings.Builder
	fmt.Fprintf(&s, "Reindex finished in %s: %d added, %d changed, %d removed, %d unchanged. The index holds %d documents and %d passages.",
		took.Round(time.Millisecond), st.Added, st.Changed, st.Removed, st.Unchanged, st.Documents, st.Passages)
	if len(skipped) > 0 {
		fmt.Fprintf(&s, "\nSkipped %d files:", len(skipped))
		for k, fe := range skipped {
			line := "\n• " + escape(fe.Error())
			if length(s.String()+line) > maxContent-40 {
				fmt.Fprintf(&s, "\n…and %d more.", len(skipped)-k)
				break
			}
			s.WriteString(line)
		}
	}
	return truncate(s.String(), maxContent)
}

func (b *Bot) corpusCmd(ctx context.Context, i *discordgo.Interaction, r Responder, start time.Time) error {
	c, err := b.corpus()
	if err != nil {
		return err
	}
	switch sub := subcommand(i); sub {
	case "status":
		return b.respondFirst(ctx, r, message(Reply{Content: b.renderStatus(c.Status()), Ephemeral: true}), start)
	case "remove":
		id := strings.TrimSpace(stringOption(i, "id"))
		if err := b.respondFirst(ctx, r, deferred(true), start); err != nil {
			return err
		}
		if err := c.Remove(ctx, id); errors.Is(err, chokepoint.ErrNotFound) {
			return tellUser("There is no document with ID "+echo(id)+".", err)
		} else if err != nil {
			return fmt.Errorf("remove %q: %w", truncate(id, maxEcho), err)
		}
		b.log.Info("document removed", "doc_id", id, "user_id", userID(i))
		return r.Edit(ctx, Reply{Content: "Removed " + echo(id) + "."})
	case "add":
		return b.add(ctx, i, c, r, start)
	default:
		return fmt.Errorf("unknown corpus subcommand %q", sub)
	}
}

func (b *Bot) renderStatus(st Status) string {
	var s strings.Builder
	fmt.Fprintf(&s, "Corpus: %d documents, %d passages.\n", st.Documents, st.Passages)
	if st.LastReindex.IsZero() {
		s.WriteString("Last reindex: never.")
	} else {
		fmt.Fprintf(&s, "Last reindex: %s (%s ago).", st.LastReindex.UTC().Format(time.RFC3339), age(b.cfg.Now().Sub(st.LastReindex)))
	}
	if len(st.Skipped) > 0 {
		fmt.Fprintf(&s, "\nSkipped files (%d):", len(st.Skipped))
		for _, fe := range st.Skipped {
			line := "\n• " + escape(fe.Error())
			if length(s.String()+line) > maxContent-20 {
				s.WriteString("\n…")
				break
			}
			s.WriteString(line)
		}
	}
	return truncate(s.String(), maxContent)
}

// add downloads an attached article and adds it to the corpus. A bad file
// is reported to the admin with the validation message, which names the
// file and line; nothing else of the error is shown.
func (b *Bot) add(ctx context.Context, i *discordgo.Interaction, c Corpus, r Responder, start time.Time) error {
	d := i.ApplicationCommandData()
	o := option(d.Options, "file")
	if u := stringOption(i, "url"); u != "" {
		if o != nil {
			return tellUser("Give either a file or a URL, not both.", nil)
		}
		return b.addURL(ctx, i, c, r, start, u)
	}
	if o == nil || d.Resolved == nil {
		return tellUser("Please attach the article file, or give its URL.", nil)
	}
	attID, _ := o.Value.(string)
	att := d.Resolved.Attachments[attID]
	if att == nil {
		return tellUser("Please attach the article file.", nil)
	}
	if err := checkAttachmentURL(att.URL); err != nil {
		return tellUser(errForeignAttachment, err)
	}
	name := path.Base(att.Filename)
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".txt":
	default:
		return tellUser(fmt.Sprintf("%s: only .md and .txt articles can be added.", echo(name)), nil)
	}
	if int64(att.Size) > b.cfg.MaxUpload {
		return tellUser(fmt.Sprintf("%s is too large (%d bytes); the limit is %d bytes.", echo(name), att.Size, b.cfg.MaxUpload), nil)
	}
	if err := b.respondFirst(ctx, r, deferred(true), start); err != nil {
		return err
	}
	data, err := b.download(ctx, att.URL)
	if err != nil {
		return err
	}
	doc, err := c.Add(ctx, name, data)
	return b.added(ctx, i, r, name, doc, err)
}

// addURL fetches a web page's article into the corpus.
func (b *Bot) addURL(ctx context.Context, i *discordgo.Interaction, c Corpus, r Responder, start time.Time, url string) error {
	if err := b.respondFirst(ctx, r, deferred(true), start); err != nil {
		return err
	}
	doc, err := c.AddURL(ctx, url)
	return b.added(ctx, i, r, url, doc, err)
}

// maxFileError bounds a validation message shown to the admin.
const maxFileError = 500

// added reports the outcome of adding what (a file name or URL): a
// *chokepoint.FileError is the admin's to fix and is shown; anything else
// goes to the error exit.
func (b *Bot) added(ctx context.Context, i *discordgo.Interaction, r Responder, what string, doc chokepoint.Document, err error) error {
	var fe *chokepoint.FileError
	if errors.As(err, &fe) {
		// The validation message names the file or URL again: bound it too.
		return tellUser("Could not add "+echo(what)+"; the corpus is unchanged.\n"+escape(truncate(fe.Error(), maxFileError)), err)
	}
	if err != nil {
		return fmt.Errorf("add %q: %w", truncate(what, maxEcho), err)
	}
	b.log.Info("document added", "doc_id", doc.ID, "user_id", userID(i))
	msg := fmt.Sprintf("Added *%s* as `%s`", escape(doc.Title), strings.ReplaceAll(doc.ID, "`", ""))
	if n := len(doc.Passages); n > 0 {
		msg += fmt.Sprintf(" with %d passages", n)
	}
	return r.Edit(ctx, Reply{Content: msg + "."})
}

// errForeignAttachment tells the admin an attachment URL was refused.
const errForeignAttachment = "That attachment is not on Discord's attachment servers; please attach the file again."

// attachmentHosts are the hosts Discord serves attachments from
// (developers/reference#image-formatting-cdn-endpoints: the CDN, and
// media.discordapp.net for media proxied to clients).
var attachmentHosts = map[string]bool{"cdn.discordapp.com": true, "media.discordapp.net": true}

// checkAttachmentURL accepts only https URLs on Discord's attachment
// hosts, on the default port and without user info, so a crafted
// attachment cannot make the bot fetch from anywhere else (a loopback
// address, the cloud metadata service).
func checkAttachmentURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("attachment URL: %w", err)
	}
	if u.Scheme != "https" || !attachmentHosts[u.Host] || u.User != nil {
		return fmt.Errorf("attachment URL %q: not https on a Discord attachment host", truncate(raw, maxEcho))
	}
	return nil
}

// maxRedirects bounds the redirects an attachment download follows.
const maxRedirects = 3

// defaultHTTPClient is the client the bot uses when Deps gives none: the
// default transport, with each request bounded as a whole.
func defaultHTTPClient() *http.Client { return &http.Client{Timeout: 30 * time.Second} }

// download fetches an attachment, refusing more than MaxUpload bytes. It
// is bounded by Config.DownloadTimeout and by ctx (the interaction's
// deadline), and follows redirects only to Discord's attachment hosts.
func (b *Bot) download(ctx context.Context, rawURL string) ([]byte, error) {
	if err := checkAttachmentURL(rawURL); err != nil {
		return nil, tellUser(errForeignAttachment, err)
	}
	ctx, cancel := context.WithTimeout(ctx, b.cfg.DownloadTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("download attachment: %w", err)
	}
	client := *b.deps.HTTPClient
	client.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if len(via) >= maxRedirects {
			return fmt.Errorf("more than %d redirects", maxRedirects)
		}
		return checkAttachmentURL(r.URL.String())
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download attachment: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download attachment: status %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, b.cfg.MaxUpload+1))
	if err != nil {
		return nil, fmt.Errorf("download attachment: %w", err)
	}
	if int64(len(data)) > b.cfg.MaxUpload {
		return nil, tellUser(fmt.Sprintf("The file is larger than the %d byte limit.", b.cfg.MaxUpload), nil)
	}
	return data, nil
}

func (b *Bot) statsCmd(ctx context.Context, r Responder, start time.Time) error {
	s := b.stats.snapshot()
	content := fmt.Sprintf("Questions answered: %d (abstained: %d)\nFeedback: %d 👍, %d 👎\nRate-limited: %d\nAnswer latency over the last %d: p50 %s, p90 %s, p99 %s",
		s.Questions, s.Abstentions, s.Positive, s.Negative, s.RateLimited, s.Samples,
		s.P50.Round(time.Microsecond), s.P90.Round(time.Microsecond), s.P99.Round(time.Microsecond))
	return b.respondFirst(ctx, r, message(Reply{Content: content, Ephemeral: true}), start)
}
