package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"chokepoint"
)

func cmdAsk(ctx context.Context, env *environment, args []string) error {
	var c commonFlags
	fs := newFlagSet(env, "ask", "[flags] QUESTION", "Answers QUESTION with quoted excerpts of the corpus, each with a numbered citation.")
	c.register(fs)
	asJSON := fs.Bool("json", false, "print one JSON object")
	explain := fs.Bool("explain", false, "first print how the question is read: its answer type and concepts")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	question := strings.Join(fs.Args(), " ")
	if strings.TrimSpace(question) == "" {
		return usagef("ask: no question given")
	}
	e, err := queryEngine(ctx, env, c)
	if err != nil {
		return err
	}
	defer e.Close()
	if note := e.skippedNote(); note != "" {
		fmt.Fprintln(env.stderr, note)
	}
	if *explain && !*asJSON {
		if ex, err := e.answerer.Explain(ctx, question); err == nil {
			io.WriteString(env.stdout, renderExplanation(ex))
		}
	}
	ans, err := e.answerer.Answer(ctx, question)
	if errors.Is(err, chokepoint.ErrQuestionTooLong) {
		return usagef("ask: %v", err)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(env.stdout, answerJSON(ans))
	}
	_, err = io.WriteString(env.stdout, renderAnswer(ans))
	return err
}

// jsonAnswer is the --json shape of an answer.
type jsonAnswer struct {
	Question string `json:"question"`
	// Status is "answered", "closest" (declined, quoting the closest
	// passages, which may not answer it) or "declined".
	Status      string              `json:"status"`
	Abstained   bool                `json:"abstained"`
	Confidence  float64             `json:"confidence"`
	Citations   []jsonCitation      `json:"citations"`
	More        []jsonCitation      `json:"more"`    // [] when there are none
	Closest     []jsonCitation      `json:"closest"` // [] unless status is "closest"
	Suggestions []chokepoint.DocRef `json:"suggestions"`
}

type jsonCitation struct {
	N            int     `json:"n"`
	DocID        string  `json:"doc_id"`
	PassageID    string  `json:"passage_id"`
	Title        string  `json:"title"`
	Section      string  `json:"section"`
	URL          string  `json:"url"`
	Excerpt      string  `json:"excerpt"`
	TrimmedStart bool    `json:"trimmed_start"`
	TrimmedEnd   bool    `json:"trimmed_end"`
	Score        float64 `json:"score"`
}

func answerJSON(a chokepoint.Answer) jsonAnswer {
	conv := func(cs []chokepoint.Citation) []jsonCitation {
		out := make([]jsonCitation, 0, len(cs))
		for _, c := range cs {
			out = append(out, jsonCitation{N: c.N, DocID: c.DocID, PassageID: c.PassageID, Title: c.Title, Section: c.Section,
				URL: c.URL, Excerpt: c.Excerpt, TrimmedStart: c.TrimmedStart, TrimmedEnd: c.TrimmedEnd, Score: c.Score})
		}
		return out
	}
	j := jsonAnswer{Question: a.Question, Status: answerStatus(a), Abstained: a.Abstained, Confidence: math.Round(a.Confidence*1000) / 1000,
		Citations: conv(a.Citations), More: conv(a.More), Closest: conv(a.Closest), Suggestions: a.Suggestions}
	if j.Suggestions == nil {
		j.Suggestions = []chokepoint.DocRef{}
	}
	return j
}

// answerStatus names what kind of answer a is.
func answerStatus(a chokepoint.Answer) string {
	switch {
	case !a.Abstained:
		return "answered"
	case len(a.Closest) > 0:
		return "closest"
	}
	return "declined"
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// renderAnswer formats an answer for a terminal.
func renderAnswer(a chokepoint.Answer) string {
	var b strings.Builder
	if a.Abstained {
		b.WriteString("The corpus does not cover this question.\n")
		if len(a.Closest) > 0 {
			b.WriteString("Closest passages (they may not answer it):\n\n")
			writeCitations(&b, a.Closest)
			b.WriteString("\n")
		}
		if len(a.Suggestions) > 0 {
			b.WriteString("Nearest articles:\n")
			for _, s := range a.Suggestions {
				fmt.Fprintf(&b, "  - %s", s.Title)
				if s.URL != "" {
					fmt.Fprintf(&b, " <%s>", s.URL)
				}
				b.WriteString("\n")
			}
		}
		return b.String()
	}
	writeCitations(&b, a.Citations)
	return b.String()
}

// writeCitations writes numbered quotes with their sources.
func writeCitations(b *strings.Builder, cs []chokepoint.Citation) {
	for i, c := range cs {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(b, "[%d] “%s”\n", c.N, c.Quote())
		fmt.Fprintf(b, "    — %s", c.Title)
		if c.Section != "" {
			fmt.Fprintf(b, ", § %s", c.Section)
		}
		b.WriteString("\n")
		if c.URL != "" {
			fmt.Fprintf(b, "      %s\n", c.URL)
		}
	}
}

func cmdSearch(ctx context.Context, env *environment, args []string) error {
	var c commonFlags
	fs := newFlagSet(env, "search", "[flags] QUERY", "Lists the passages that best match QUERY, best first.")
	c.register(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	n := fs.Int("n", 10, "how many passages")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	query := strings.Join(fs.Args(), " ")
	if strings.TrimSpace(query) == "" {
		return usagef("search: no query given")
	}
	if *n < 1 {
		return usagef("search: -n must be at least 1")
	}
	e, err := queryEngine(ctx, env, c)
	if err != nil {
		return err
	}
	defer e.Close()
	hits, err := e.answerer.Search(ctx, query, *n)
	if errors.Is(err, chokepoint.ErrQuestionTooLong) {
		return usagef("search: %v", err)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		type jsonHit struct {
			Rank      int     `json:"rank"`
			PassageID string  `json:"passage_id"`
			DocID     string  `json:"doc_id"`
			Title     string  `json:"title"`
			Section   string  `json:"section"`
			URL       string  `json:"url"`
			Text      string  `json:"text"`
			Score     float64 `json:"score"`
		}
		out := []jsonHit{}
		for i, h := range hits {
			out = append(out, jsonHit{i + 1, h.Passage.ID(), h.Passage.DocID, h.Title, h.Passage.Section, h.URL, h.Passage.Text, h.Score})
		}
		return writeJSON(env.stdout, out)
	}
	if len(hits) == 0 {
		fmt.Fprintln(env.stdout, "No passage matches.")
		return nil
	}
	for i, h := range hits {
		fmt.Fprintf(env.stdout, "%d. %s", i+1, h.Title)
		if h.Passage.Section != "" {
			fmt.Fprintf(env.stdout, " § %s", h.Passage.Section)
		}
		fmt.Fprintf(env.stdout, "  [%s, score %.3f]\n   %s\n\n", h.Passage.ID(), h.Score, h.Passage.Text)
	}
	return nil
}

func cmdIndex(ctx context.Context, env *environment, args []string) error {
	var c commonFlags
	fs := newFlagSet(env, "index", "[flags]", "Builds the index, or updates it with the corpus's added, changed and removed articles.")
	c.register(fs)
	rebuild := fs.Bool("rebuild", false, "rebuild from scratch instead of updating")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	cfg, err := settings(env, c)
	if err != nil {
		return err
	}
	start := time.Now()
	if *rebuild {
		dir, loaded, stats, err := rebuildIndex(ctx, env, cfg)
		if err != nil {
			return err
		}
		writeSummary(env.stdout, dir, stats, loaded.Skipped, loaded.Warnings, time.Since(start))
		return nil
	}
	progress, done := progressBar(env.stderr, "indexing")
	e, err := openEngine(ctx, cfg, env.getenv, env.stderr, progress, false)
	done()
	if err != nil {
		return err
	}
	defer e.Close()
	if e.stale != nil {
		return e.stale
	}
	writeSummary(env.stdout, e.dir, e.stats, e.loaded.Skipped, e.loaded.Warnings, time.Since(start))
	return nil
}

// writeSummary prints what an index run did.
func writeSummary(w io.Writer, dir string, s chokepoint.IndexStats, skipped, warnings []*chokepoint.FileError, took time.Duration) {
	how := "updated"
	if s.Rebuilt {
		how = "rebuilt"
	}
	fmt.Fprintf(w, "Index %s in %s: %s\n", how, took.Round(time.Millisecond), dir)
	fmt.Fprintf(w, "  documents: %d (%d added, %d changed, %d removed, %d unchanged)\n", s.Documents, s.Added, s.Changed, s.Removed, s.Unchanged)
	fmt.Fprintf(w, "  passages:  %d\n", s.Passages)
	fmt.Fprintf(w, "  skipped:   %d file(s)\n", len(skipped))
	for _, f := range skipped {
		fmt.Fprintf(w, "    - %v\n", f)
	}
	if len(warnings) > 0 {
		fmt.Fprintf(w, "  warnings:  %d\n", len(warnings))
		for _, f := range warnings {
			fmt.Fprintf(w, "    - %v\n", f)
		}
	}
}

func cmdSources(ctx context.Context, env *environment, args []string) error {
	var c commonFlags
	fs := newFlagSet(env, "sources", "[flags]", "Lists the corpus's articles with their metadata.")
	c.register(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	e, err := queryEngine(ctx, env, c)
	if err != nil {
		return err
	}
	defer e.Close()
	docs := e.idx.Documents()
	if *asJSON {
		type jsonReview struct {
			Title     string `json:"title,omitempty"`
			Source    string `json:"source,omitempty"`
			Author    string `json:"author,omitempty"`
			Published string `json:"published,omitempty"`
			URL       string `json:"url,omitempty"`
		}
		type jsonDoc struct {
			ID        string      `json:"doc_id"`
			Title     string      `json:"title"`
			Source    string      `json:"source,omitempty"`
			URL       string      `json:"url,omitempty"`
			Author    string      `json:"author,omitempty"`
			Published string      `json:"published,omitempty"`
			Reviews   *jsonReview `json:"reviews,omitempty"`
			Tags      []string    `json:"tags,omitempty"`
			Sections  []string    `json:"sections"`
			Passages  int         `json:"passages"`
		}
		out := []jsonDoc{}
		for _, d := range docs {
			j := jsonDoc{d.ID, d.Title, d.Source, d.URL, d.Author, d.Published, nil, d.Tags, d.Sections, e.idx.PassageCount(d.ID)}
			if r := d.Reviews; r != nil {
				j.Reviews = &jsonReview{r.Title, r.Source, r.Author, r.Published, r.URL}
			}
			out = append(out, j)
		}
		return writeJSON(env.stdout, out)
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTITLE\tSOURCE\tPASSAGES")
	for _, d := range docs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", d.ID, d.Title, d.Source, e.idx.PassageCount(d.ID))
	}
	return tw.Flush()
}

// queryEngine resolves the settings and opens the engine for a command
// that only queries the index (so an unchanged corpus is not re-read).
func queryEngine(ctx context.Context, env *environment, c commonFlags) (*engine, error) {
	cfg, err := settings(env, c)
	if err != nil {
		return nil, err
	}
	return openEngine(ctx, cfg, env.getenv, env.stderr, nil, true)
}

// renderExplanation prints how the Answerer reads a question.
func renderExplanation(ex chokepoint.Explanation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "question: %s\nanswer type: %s\n", ex.Question, ex.Type)
	for i, c := range ex.Concepts {
		var alts []string
		for _, a := range c.Alternatives {
			alts = append(alts, fmt.Sprintf("%s (%.2f)", a.Text, a.Weight))
		}
		known := ""
		if !c.Known {
			known = ", not in the corpus"
		}
		if c.Year {
			known += ", a year (a passage not stating it counts half)"
		}
		if c.Named {
			known += ", a place or material (an article not stating it counts half)"
		}
		fmt.Fprintf(&b, "concept %d, weight %.2f%s: %s\n", i+1, c.Weight, known, strings.Join(alts, ", "))
	}
	b.WriteString("\n")
	return b.String()
}
