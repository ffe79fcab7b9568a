package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"chokepoint"
	"chokepoint/gaps"
	"chokepoint/index"
	"chokepoint/store"
)

// nearestPerGap is how many nearest titles a gap lists.
const nearestPerGap = 3

// gapSource is what finding gaps reads: the log, and the index for how
// words are analysed and which titles are nearest (nil when the index is
// held by a running serve).
type gapSource struct {
	log     *store.Store
	an      gaps.Analyzer
	nearest gaps.Nearer
}

// findGaps returns the unanswered questions asked since, grouped, most
// asked first (limit > 0 keeps that many), with how many questions there
// were and in how many groups. Nearest titles are filled in when an index
// is at hand.
func findGaps(ctx context.Context, src gapSource, since time.Time, limit int) (gs []gaps.Gap, asked, distinct int, err error) {
	qs, err := src.log.Unanswered(ctx, since)
	if err != nil {
		return nil, 0, 0, err
	}
	in := make([]gaps.Question, len(qs))
	for i, q := range qs {
		in[i] = gaps.Question{Text: q.Text, Asked: q.Asked, Abstained: q.Abstained, Down: q.Down}
	}
	gs = gaps.Group(in, src.an, 0)
	distinct = len(gs)
	if limit > 0 && len(gs) > limit {
		gs = gs[:limit]
	}
	if src.nearest != nil {
		if err := gaps.AddNearest(ctx, gs, src.nearest, nearestPerGap); err != nil {
			return nil, 0, 0, err
		}
	}
	return gs, len(qs), distinct, nil
}

func cmdGaps(ctx context.Context, env *environment, args []string) error {
	var c commonFlags
	fs := newFlagSet(env, "gaps", "[flags]", `Lists the questions the corpus could not answer: those the bot abstained on
or members voted 👎, rephrasings counted together, most asked first, with
when each was last asked and the corpus's nearest titles. Reads the question
log; works while serve runs.`)
	c.register(fs)
	days := fs.Int("days", 30, "look at the last `n` days")
	asCSV := fs.Bool("csv", false, "print CSV: count, abstained, voted_down, last_asked, question, phrasings, nearest")
	limit := fs.Int("limit", 50, "show at most `n` questions (0: all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("gaps: unexpected argument %q", fs.Arg(0))
	}
	if *days <= 0 || *limit < 0 {
		return usagef("gaps: --days must be positive and --limit not negative")
	}
	cfg, st, err := settingsAndStore(ctx, env, c)
	if err != nil {
		return err
	}
	defer st.Close()
	src := gapSource{log: st}
	e, err := openEngine(ctx, cfg, env.getenv, env.stderr, nil, true)
	switch {
	case err == nil:
		defer e.Close()
		src.an, src.nearest = e.idx, e.idx
	case errors.Is(err, index.ErrLocked):
		// An older serve holds the index locked: words are analysed the
		// same way by an empty index of the same mapping.
		fmt.Fprintln(env.stderr, "chokepoint: the index is locked by another process; nearest titles left out")
		tmp, terr := os.MkdirTemp("", "chokepoint-gaps-")
		if terr != nil {
			return terr
		}
		defer os.RemoveAll(tmp)
		x, terr := index.Open(ctx, tmp, index.Options{Scoring: cfg.Scoring})
		if terr != nil {
			return terr
		}
		defer x.Close()
		src.an = x
	default:
		return err
	}
	now := time.Now()
	gs, asked, _, err := findGaps(ctx, src, now.AddDate(0, 0, -*days), *limit)
	if err != nil {
		return err
	}
	if *asCSV {
		return writeGapsCSV(env.stdout, gs)
	}
	return writeGaps(env.stdout, gs, asked, *days)
}

func writeGaps(w io.Writer, gs []gaps.Gap, asked, days int) error {
	if len(gs) == 0 {
		_, err := fmt.Fprintf(w, "No unanswered questions in the last %d days.\n", days)
		return err
	}
	fmt.Fprintf(w, "%d unanswered questions in the last %d days, %d distinct:\n\n", asked, days, len(gs))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ASKED\tDECLINED\t👎\tLAST ASKED\tQUESTION\tNEAREST TITLES")
	for _, g := range gs {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%s\t%s\n", g.Count, g.Abstained, g.Downvoted, g.LastAsked.Local().Format("2006-01-02 15:04"),
			oneLine(g.Question, 70), oneLine(titles(g.Nearest), 70))
	}
	return tw.Flush()
}

func titles(refs []chokepoint.DocRef) string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.Title
	}
	return strings.Join(out, "; ")
}

func writeGapsCSV(w io.Writer, gs []gaps.Gap) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"count", "abstained", "voted_down", "last_asked", "question", "phrasings", "nearest"})
	for _, g := range gs {
		cw.Write([]string{strconv.Itoa(g.Count), strconv.Itoa(g.Abstained), strconv.Itoa(g.Downvoted),
			g.LastAsked.UTC().Format(time.RFC3339), csvSafe(g.Question), csvSafe(strings.Join(g.Phrasings, " | ")), csvSafe(titles(g.Nearest))})
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a cell that a spreadsheet would run as a formula (members
// type the questions) as text.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
