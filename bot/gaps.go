package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// gapsShown is how many gaps /gaps lists.
const gapsShown = 15

// windowDays returns the days option of /gaps or /stats, def when absent.
func windowDays(i *discordgo.Interaction, def int) int {
	o := option(i.ApplicationCommandData().Options, "days")
	if o == nil {
		return def
	}
	v, _ := o.Value.(float64)
	return min(max(int(v), 1), 3650)
}

func (b *Bot) gapsCmd(ctx context.Context, i *discordgo.Interaction, r Responder, start time.Time) error {
	if b.deps.Log == nil {
		return tellUser("The question log is off on this deployment, so there are no gaps to show.", nil)
	}
	days := windowDays(i, 30)
	// Grouping a large log can take a moment: defer first.
	if err := b.respondFirst(ctx, r, deferred(true), start); err != nil {
		return err
	}
	rep, err := b.deps.Log.Gaps(ctx, b.cfg.Now().AddDate(0, 0, -days), gapsShown)
	if err != nil {
		return fmt.Errorf("gaps: %w", err)
	}
	if err := r.Edit(ctx, Reply{Content: renderGaps(rep, days, b.cfg.Now())}); err != nil {
		return fmt.Errorf("edit gaps: %w", err)
	}
	return nil
}

// renderGaps lists the unanswered questions, most asked first, with the
// corpus's nearest titles.
func renderGaps(rep GapReport, days int, now time.Time) string {
	if len(rep.Gaps) == 0 {
		return fmt.Sprintf("No unanswered questions in the last %s.", dayWindow(days))
	}
	var s strings.Builder
	fmt.Fprintf(&s, "**Unanswered questions, last %s** — %d asked, %d distinct; most asked first:\n", dayWindow(days), rep.Asked, rep.Distinct)
	for k, g := range rep.Gaps {
		var l strings.Builder
		fmt.Fprintf(&l, "%d. **%d×** “%s” — last asked %s ago", k+1, g.Count, escape(truncate(oneLine(g.Question), 150)), age(now.Sub(g.LastAsked)))
		if g.Downvoted > 0 {
			fmt.Fprintf(&l, " · %d 👎", g.Downvoted)
		}
		if len(g.Nearest) > 0 {
			titles := make([]string, len(g.Nearest))
			for n, d := range g.Nearest {
				titles[n] = "*" + escape(truncate(d.Title, 60)) + "*"
			}
			l.WriteString(" · nearest: " + strings.Join(titles, ", "))
		}
		line := truncate(l.String(), 450) + "\n"
		if length(s.String()+line) > maxContent-30 {
			fmt.Fprintf(&s, "…and %d more (`chokepoint gaps` lists them all).", len(rep.Gaps)-k)
			break
		}
		s.WriteString(line)
	}
	return strings.TrimRight(s.String(), "\n")
}

// logStatsCmd is /stats read from the question log over a window.
func (b *Bot) logStatsCmd(ctx context.Context, i *discordgo.Interaction, r Responder, start time.Time) error {
	days := windowDays(i, 7)
	if err := b.respondFirst(ctx, r, deferred(true), start); err != nil {
		return err
	}
	st, err := b.deps.Log.Stats(ctx, b.cfg.Now().AddDate(0, 0, -days))
	if err != nil {
		return fmt.Errorf("stats: %w", err)
	}
	if err := r.Edit(ctx, Reply{Content: renderLogStats(st, days, b.stats.snapshot().RateLimited)}); err != nil {
		return fmt.Errorf("edit stats: %w", err)
	}
	return nil
}

func renderLogStats(st LogStats, days, rateLimited int) string {
	pct := func(n int) string {
		if st.Questions == 0 {
			return "0%"
		}
		return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(st.Questions))
	}
	round := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
	return fmt.Sprintf("**Last %s** (from the question log)\nQuestions: %d, answered %d, declined %d (%s)\nFeedback: %d 👍, %d 👎 on %d answers\n"+
		"Answer latency: p50 %s, p90 %s, p99 %s\nRate-limited since start: %d",
		dayWindow(days), st.Questions, st.Questions-st.Abstained, st.Abstained, pct(st.Abstained), st.Up, st.Down, st.Voted,
		round(st.P50), round(st.P90), round(st.P99), rateLimited)
}

// daysOption is the optional window of /gaps and /stats.
func daysOption(desc string) *discordgo.ApplicationCommandOption {
	one := 1.0
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "days",
		Description: desc, MinValue: &one, MaxValue: 3650}
}

// dayWindow says "day" or "N days".
func dayWindow(days int) string {
	if days == 1 {
		return "day"
	}
	return fmt.Sprintf("%d days", days)
}
