package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"chokepoint"
)

// component handles a button press. Its state comes from the custom ID and
// the message the button is on, never from memory, so buttons survive a
// restart.
func (b *Bot) component(ctx context.Context, i *discordgo.Interaction, r Responder, start time.Time) error {
	id := i.MessageComponentData().CustomID
	switch {
	case id == idMore:
		return b.more(ctx, i, r, start)
	case strings.HasPrefix(id, idPassage):
		return b.passage(ctx, strings.TrimPrefix(id, idPassage), r, start)
	case strings.HasPrefix(id, idFeedback):
		return b.feedback(ctx, i, strings.TrimPrefix(id, idFeedback) == "1", r, start)
	case strings.HasPrefix(id, idSources):
		lib, err := b.library()
		if err != nil {
			return err
		}
		num, _, _ := strings.Cut(strings.TrimPrefix(id, idSources), ":")
		page, err := strconv.Atoi(num)
		if err != nil {
			return fmt.Errorf("sources page %q: %w", id, err)
		}
		return b.respondFirst(ctx, r, updateMsg(renderSources(lib.Documents(), page)), start)
	}
	return fmt.Errorf("unknown component %q", id)
}

func (b *Bot) more(ctx context.Context, i *discordgo.Interaction, r Responder, start time.Time) error {
	if i.Message == nil {
		return fmt.Errorf("more: interaction carries no message")
	}
	q, ok := questionOf(i.Message.Content)
	if !ok {
		return tellUser("I can't find the question on that message any more; please ask again.", nil)
	}
	// More excerpts compose an answer: they spend the question allowance.
	if _, note := b.admit(userID(i), "", "more:"+q, false); note != "" {
		return b.respondFirst(ctx, r, message(Reply{Content: note, Ephemeral: true}), start)
	}
	return b.answerDeferred(ctx, r, start, q, true, renderMore, nil)
}

func (b *Bot) passage(ctx context.Context, id string, r Responder, start time.Time) error {
	lib, err := b.library()
	if err != nil {
		return err
	}
	h, err := lib.Passage(ctx, id)
	if errors.Is(err, chokepoint.ErrNotFound) {
		return tellUser("That passage is no longer in the corpus; it may have changed since this answer.", err)
	}
	if err != nil {
		return fmt.Errorf("passage %q: %w", id, err)
	}
	return b.respondFirst(ctx, r, message(Reply{Content: renderPassage(h), Ephemeral: true}), start)
}

// feedbackLine is one record of the feedback log.
type feedbackLine struct {
	Time      time.Time `json:"time"`
	UserID    string    `json:"user_id"`
	GuildID   string    `json:"guild_id,omitempty"`
	ChannelID string    `json:"channel_id"`
	MessageID string    `json:"message_id,omitempty"`
	Question  string    `json:"question,omitempty"`
	Positive  bool      `json:"positive"`
	Passages  []string  `json:"passages,omitempty"`
}

// feedback records a 👍/👎. Each user votes once per message: a repeated
// press, either way, is acknowledged and not counted.
func (b *Bot) feedback(ctx context.Context, i *discordgo.Interaction, positive bool, r Responder, start time.Time) error {
	line := feedbackLine{Time: b.cfg.Now().UTC(), UserID: userID(i), GuildID: i.GuildID, ChannelID: i.ChannelID, Positive: positive}
	if m := i.Message; m != nil {
		line.MessageID = m.ID
		line.Question, _ = questionOf(m.Content)
		line.Passages = passageIDs(m.Components)
	}
	key := line.UserID + "\x00" + line.MessageID
	if !b.votes.add(key) {
		return b.respondFirst(ctx, r, message(Reply{Content: "Your vote on this answer is already recorded.", Ephemeral: true}), start)
	}
	if err := b.writeFeedback(line); err != nil {
		b.votes.forget(key)
		return err
	}
	b.metrics.Feedback(positive)
	b.stats.feedback(positive)
	b.logVote(ctx, i, positive, line.MessageID, line.Question)
	b.log.Info("feedback", "positive", positive, "user_id", line.UserID, "message_id", line.MessageID)
	return b.respondFirst(ctx, r, message(Reply{Content: "Thanks for the feedback!", Ephemeral: true}), start)
}

// writeFeedback appends line to the feedback log, one whole line at a
// time. The lock is released however Write returns, a panic included.
func (b *Bot) writeFeedback(line feedbackLine) error {
	w := b.deps.Feedback
	if w == nil {
		return nil
	}
	data, err := json.Marshal(line)
	if err != nil {
		return fmt.Errorf("encode feedback: %w", err)
	}
	b.fbMu.Lock()
	defer b.fbMu.Unlock()
	if _, err := w.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("write feedback: %w", err)
	}
	return nil
}

// passageIDs collects the passage IDs from "Full passage" buttons.
func passageIDs(rows []discordgo.MessageComponent) []string {
	var ids []string
	for _, c := range rows {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			if v, ok2 := c.(discordgo.ActionsRow); ok2 {
				row = &v
			} else {
				continue
			}
		}
		for _, x := range row.Components {
			var id string
			switch btn := x.(type) {
			case *discordgo.Button:
				id = btn.CustomID
			case discordgo.Button:
				id = btn.CustomID
			}
			if p, ok := strings.CutPrefix(id, idPassage); ok {
				ids = append(ids, p)
			}
		}
	}
	return ids
}
