package bot

import (
	"context"
	"time"

	"github.com/bwmarrin/discordgo"

	"chokepoint"
)

// QuestionLog keeps every question answered or declined, and the votes on
// the answers, for /gaps and /stats. A nil QuestionLog in Deps keeps
// nothing, and /gaps says so.
type QuestionLog interface {
	// LogQuestion records one answered or declined question.
	LogQuestion(ctx context.Context, q LoggedQuestion) error
	// LogVote records a 👍 or 👎 on an answer.
	LogVote(ctx context.Context, v LoggedVote) error
	// Stats summarises the questions asked since.
	Stats(ctx context.Context, since time.Time) (LogStats, error)
	// Gaps returns the questions asked since that the corpus could not
	// answer, rephrasings grouped, most asked first, at most limit groups.
	Gaps(ctx context.Context, since time.Time, limit int) (GapReport, error)
}

// LoggedQuestion is what the bot tells the log about a question. UserID is
// given so that the log can keep a keyed hash of it when configured; the
// log must not store it as it is.
type LoggedQuestion struct {
	Asked                                 time.Time
	GuildID, ChannelID, MessageID, UserID string
	Question                              string // as shown on the answer (one line)
	Abstained                             bool
	Passages                              []string // cited passage IDs, in order
	Latency                               time.Duration
}

// LoggedVote is a 👍 or 👎 on the answer in message MessageID, which shows
// Question.
type LoggedVote struct {
	At                                    time.Time
	GuildID, ChannelID, MessageID, UserID string
	Question                              string
	Positive                              bool
}

// LogStats summarises the questions of a window.
type LogStats struct {
	Questions, Abstained int
	Up, Down, Voted      int // votes, and answers with any vote
	P50, P90, P99        time.Duration
}

// GapReport is what /gaps shows.
type GapReport struct {
	Asked    int // unanswered questions in the window, all phrasings
	Distinct int // groups among them
	Gaps     []Gap
}

// Gap is one question, in all its phrasings, the corpus could not answer.
type Gap struct {
	Question             string
	Count                int
	Abstained, Downvoted int
	LastAsked            time.Time
	Nearest              []chokepoint.DocRef
}

// logAnswer records an answer in the question log. A failure to record is
// logged and does not touch the answer, which is already sent.
func (b *Bot) logAnswer(ctx context.Context, q LoggedQuestion, a chokepoint.Answer) {
	if b.deps.Log == nil {
		return
	}
	q.Question = oneLine(a.Question)
	q.Abstained = a.Abstained
	for _, c := range a.Citations {
		q.Passages = append(q.Passages, c.PassageID)
	}
	if err := b.deps.Log.LogQuestion(context.WithoutCancel(ctx), q); err != nil {
		b.log.Warn("question log write failed", "channel_id", q.ChannelID, "err", err)
	}
}

// logVote records a vote in the question log, logging a failure.
func (b *Bot) logVote(ctx context.Context, i *discordgo.Interaction, positive bool, messageID, question string) {
	if b.deps.Log == nil {
		return
	}
	v := LoggedVote{At: b.cfg.Now(), GuildID: i.GuildID, ChannelID: i.ChannelID, MessageID: messageID,
		UserID: userID(i), Question: question, Positive: positive}
	if err := b.deps.Log.LogVote(context.WithoutCancel(ctx), v); err != nil {
		b.log.Warn("question log vote failed", "channel_id", i.ChannelID, "err", err)
	}
}

// messageID returns m's ID, "" for nil.
func messageID(m *discordgo.Message) string {
	if m == nil {
		return ""
	}
	return m.ID
}
