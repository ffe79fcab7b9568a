package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Deadlines of an interaction and how hard the bot tries to meet them.
const (
	// responseWindow: the first response must reach Discord "within 3
	// seconds of receiving the event"; tokenLife: the token then accepts
	// edits and follow-ups for 15 minutes
	// (developers/interactions/receiving-and-responding#interaction-callback).
	responseWindow = 3 * time.Second
	tokenLife      = 15 * time.Minute
	// tokenMargin keeps requests off the token's last seconds: the bot
	// learns of an interaction a little after Discord created it.
	tokenMargin = 10 * time.Second
	// restAttempts bounds the tries of one request that Discord answers
	// 429 or 502-504; a 429 asking for more than maxRetryWait is not
	// retried at all. Discord counts 429s towards its ban of an IP
	// (developers/topics/rate-limits#invalid-request-limit-aka-cloudflare-bans).
	restAttempts = 3
	maxRetryWait = 30 * time.Second
)

// errTokenExpired: the interaction's token is past its life; nothing was
// sent.
var errTokenExpired = errors.New("interaction token expired")

// webhook sends the REST requests of one interaction (its callback, edits
// and follow-ups) itself instead of through discordgo's rate limiter, for
// three reasons. discordgo keys its buckets by the request URL, which
// holds the token, and never forgets one: a map entry per interaction,
// forever. Its limiter holds every request behind a global rate limit,
// which interaction endpoints are not bound by
// (developers/interactions/receiving-and-responding#endpoints), so a 429
// elsewhere could make a first response miss its 3 seconds. And it
// retries a 429 without end, sleeping without regard to the context. Here
// the token's bucket lives with the interaction and dies with it, waits
// honour ctx and the token's deadline, and a request is tried at most
// restAttempts times.
type webhook struct {
	s        *discordgo.Session // Client, UserAgent and Token
	i        *discordgo.Interaction
	received time.Time
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error

	mu        sync.Mutex
	exhausted bool // the token's bucket had no requests left at the last answer
	reset     time.Time
}

// expired reports whether the token is past its life (less a margin).
func (w *webhook) expired() bool {
	return !w.now().Before(w.received.Add(tokenLife - tokenMargin))
}

// callback sends the interaction's first response. It never waits on a
// bucket, and retries a 429 only when the retry fits the 3-second window.
func (w *webhook) callback(ctx context.Context, resp *discordgo.InteractionResponse) error {
	_, err := w.send(ctx, "callback", http.MethodPost, discordgo.EndpointInteractionResponse(w.i.ID, w.i.Token), wireResponse(resp), w.received.Add(responseWindow), false)
	return err
}

// edit edits the interaction's message msgID ("@original" or a follow-up's).
func (w *webhook) edit(ctx context.Context, msgID string, body any) error {
	if w.expired() {
		return errTokenExpired
	}
	_, err := w.send(ctx, "edit "+msgID, http.MethodPatch, discordgo.EndpointWebhookMessage(w.i.AppID, w.i.Token, msgID), body, w.received.Add(tokenLife), true)
	return err
}

// delete deletes the interaction's message msgID.
func (w *webhook) delete(ctx context.Context, msgID string) error {
	if w.expired() {
		return errTokenExpired
	}
	_, err := w.send(ctx, "delete "+msgID, http.MethodDelete, discordgo.EndpointWebhookMessage(w.i.AppID, w.i.Token, msgID), nil, w.received.Add(tokenLife), true)
	return err
}

// followup posts a follow-up message and returns its ID.
func (w *webhook) followup(ctx context.Context, params *discordgo.WebhookParams) (string, error) {
	if w.expired() {
		return "", errTokenExpired
	}
	body, err := w.send(ctx, "follow-up", http.MethodPost, discordgo.EndpointWebhookToken(w.i.AppID, w.i.Token)+"?wait=true", params, w.received.Add(tokenLife), true)
	if err != nil {
		return "", err
	}
	var m struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return "", fmt.Errorf("follow-up: decode message: %w", err)
	}
	return m.ID, nil
}

// send makes one request (what names it in errors, which never carry the
// token), retrying 429s and 502-504s up to restAttempts times while the
// wait fits before deadline. bucketed requests first wait out an exhausted
// bucket.
func (w *webhook) send(ctx context.Context, what, method, url string, body any, deadline time.Time, bucketed bool) ([]byte, error) {
	var data []byte
	if body != nil {
		var err error
		if data, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("%s: encode: %w", what, err)
		}
	}
	for attempt := 1; ; attempt++ {
		if bucketed {
			if err := w.waitBucket(ctx); err != nil {
				return nil, fmt.Errorf("%s: %w", what, err)
			}
		}
		req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if data != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("User-Agent", w.s.UserAgent)
		if w.s.Token != "" {
			req.Header.Set("Authorization", w.s.Token)
		}
		resp, err := w.s.Client.Do(req)
		if err != nil {
			// Not retried: a follow-up that reached Discord would be posted twice.
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		respBody, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: read response: %w", what, err)
		}
		if bucketed {
			w.note(resp.Header)
		}
		var wait time.Duration
		switch code := resp.StatusCode; {
		case code/100 == 2:
			return respBody, nil
		case code == http.StatusTooManyRequests:
			var rl discordgo.TooManyRequests
			_ = json.Unmarshal(respBody, &rl)
			if rl.RetryAfter <= 0 {
				secs, _ := strconv.ParseFloat(resp.Header.Get("Retry-After"), 64)
				rl.RetryAfter = time.Duration(secs * float64(time.Second))
			}
			err := &discordgo.RateLimitError{RateLimit: &discordgo.RateLimit{TooManyRequests: &rl, URL: what}}
			if attempt >= restAttempts || rl.RetryAfter > maxRetryWait || w.now().Add(rl.RetryAfter).After(deadline) {
				return nil, fmt.Errorf("%s: rate limited, attempt %d, giving up: %w", what, attempt, err)
			}
			wait = rl.RetryAfter
		case (code == http.StatusBadGateway || code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout) && attempt < restAttempts:
			wait = time.Duration(attempt) * 250 * time.Millisecond
			if w.now().Add(wait).After(deadline) {
				return nil, fmt.Errorf("%s: %w", what, restError(req, resp, respBody))
			}
		default:
			return nil, fmt.Errorf("%s: %w", what, restError(req, resp, respBody))
		}
		if err := w.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
	}
}

// restError is discordgo's error for a refused request, so callers can
// inspect the status and Discord's error code.
func restError(req *http.Request, resp *http.Response, body []byte) error {
	e := &discordgo.RESTError{Request: req, Response: resp, ResponseBody: body}
	var msg discordgo.APIErrorMessage
	if json.Unmarshal(body, &msg) == nil {
		e.Message = &msg
	}
	return e
}

// note keeps the token's bucket state from a response's rate-limit
// headers (developers/topics/rate-limits#header-format).
func (w *webhook) note(h http.Header) {
	rem, after := h.Get("X-RateLimit-Remaining"), h.Get("X-RateLimit-Reset-After")
	if rem == "" || after == "" {
		return
	}
	n, err1 := strconv.Atoi(rem)
	secs, err2 := strconv.ParseFloat(after, 64)
	if err1 != nil || err2 != nil || math.IsNaN(secs) {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.exhausted = n <= 0
	w.reset = w.now().Add(time.Duration(secs * float64(time.Second)))
}

// waitBucket waits, once, until an exhausted bucket resets.
func (w *webhook) waitBucket(ctx context.Context) error {
	w.mu.Lock()
	var d time.Duration
	if w.exhausted {
		d = w.reset.Sub(w.now())
		w.exhausted = false
	}
	w.mu.Unlock()
	if d <= 0 {
		return nil
	}
	return w.sleep(ctx, min(d, maxRetryWait))
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// retryREST runs a request made through discordgo with its own 429 retry
// turned off (discordgo.WithRetryOnRatelimit(false)), retrying a
// rate-limited one up to restAttempts times when the wait is at most
// maxRetryWait.
func (b *Bot) retryREST(ctx context.Context, f func() error) error {
	for attempt := 1; ; attempt++ {
		err := f()
		var rl *discordgo.RateLimitError
		if !errors.As(err, &rl) || rl.TooManyRequests == nil || attempt >= restAttempts || rl.RetryAfter > maxRetryWait {
			return err
		}
		if err := b.sleep(ctx, rl.RetryAfter); err != nil {
			return err
		}
	}
}

// noRetry turns off discordgo's endless 429 retry for one request and
// binds it to ctx.
func noRetry(ctx context.Context) []discordgo.RequestOption {
	return []discordgo.RequestOption{discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false)}
}
