package corpusgen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"chokepoint"
	"chokepoint/corpus"
)

// ArticlesPerShard is how many articles share one directory of the
// generated tree ("s000/", "s001/", ...), as large scraped corpora are split.
const ArticlesPerShard = 1000

// Documents returns n generated articles (none when n <= 0), exactly as
// corpus.Load loads the files WriteFiles(dir, n, seed) writes: the same IDs,
// paths, metadata, sections, passages and hashes, sorted by ID. The same n
// and seed always give the same documents, and the first k documents do not
// depend on n.
func Documents(n int, seed uint64) []chokepoint.Document {
	docs := make([]chokepoint.Document, 0, max(n, 0))
	for i := range max(n, 0) {
		docs = append(docs, generate(i, seed).document())
	}
	return docs
}

// WriteFiles writes the n articles of Documents(n, seed) under dir, creating
// it as needed: even-numbered articles as scraped text (NAME.txt holding the
// title line and the body, with headings as plain lines, and its metadata in
// NAME.yaml), odd-numbered ones as Markdown with YAML front matter. It
// writes no synonyms.yaml, so loaders fall back to the default vocabulary.
// Existing files of the same names are replaced; others are left alone.
func WriteFiles(dir string, n int, seed uint64) error {
	for i := range max(n, 0) {
		a := generate(i, seed)
		data, sidecar := a.render()
		p := filepath.Join(dir, filepath.FromSlash(a.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("write generated corpus: %w", err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return fmt.Errorf("write generated corpus: %w", err)
		}
		if sidecar != nil {
			sp := strings.TrimSuffix(p, filepath.Ext(p)) + ".yaml"
			if err := os.WriteFile(sp, sidecar, 0o644); err != nil {
				return fmt.Errorf("write generated corpus: %w", err)
			}
		}
	}
	return nil
}

// blockKind tells the blocks of a generated article apart.
type blockKind int

const (
	paragraph blockKind = iota
	heading
	list
)

type block struct {
	kind  blockKind
	text  string   // paragraph or heading
	items []string // list items, without bullets
}

// article is one generated article before rendering.
type article struct {
	path     string // slash path inside the corpus
	markdown bool
	meta     metadata
	blocks   []block
}

// metadata is the YAML of a sidecar or front matter.
type metadata struct {
	Title     string    `yaml:"title"`
	Source    string    `yaml:"source"`
	URL       string    `yaml:"url"`
	Author    string    `yaml:"author,omitempty"`
	Published string    `yaml:"published"`
	Reviews   *reviewed `yaml:"reviews,omitempty"`
	Tags      []string  `yaml:"tags,flow"`
}

type reviewed struct {
	Title     string `yaml:"title"`
	Source    string `yaml:"source"`
	Author    string `yaml:"author"`
	Published string `yaml:"published"`
}

// cast is what one article is about; templates are filled from it.
type cast struct {
	r                 *rand.Rand
	mat, mat2         mineral
	country, country2 country
	company, company2 string
	person, role      string
	pub, author       string
}

// generate builds article i of the corpus with the given seed. Each article
// has its own random stream, so it does not depend on the others.
func generate(i int, seed uint64) article {
	r := rand.New(rand.NewPCG(seed, uint64(i)))
	c := &cast{r: r}
	c.mat = pick(r, minerals)
	for c.mat2 = pick(r, minerals); c.mat2 == c.mat; c.mat2 = pick(r, minerals) {
	}
	c.country = pick(r, countries)
	for c.country2 = pick(r, countries); c.country2 == c.country; c.country2 = pick(r, countries) {
	}
	c.company = pick(r, companies)
	for c.company2 = pick(r, companies); c.company2 == c.company; c.company2 = pick(r, companies) {
	}
	c.person = pick(r, people)
	c.role = fmt.Sprintf(pick(r, roles), c.company2)
	c.pub = pick(r, publications)
	for c.author = pick(r, people); c.author == c.person; c.author = pick(r, people) {
	}

	a := article{markdown: i%2 == 1}
	ext := ".txt"
	if a.markdown {
		ext = ".md"
	}
	a.path = fmt.Sprintf("s%03d/a%06d%s", i/ArticlesPerShard, i, ext)

	// Three or four sections of distinct themes; 8 to 12 passages in all,
	// one of them the lead before the first heading.
	nSections := 3 + r.IntN(2)
	order := r.Perm(len(themes))[:nSections]
	passages := 8 + r.IntN(5)
	perSection := make([]int, nSections)
	for k := range perSection {
		perSection[k] = 2
	}
	for rest := passages - 1 - 2*nSections; rest > 0; rest-- {
		perSection[r.IntN(nSections)]++
	}
	// One or two lists, in different sections: two lists in a row would
	// read as one in scraped text.
	listAt := map[[2]int]bool{} // (section, block) holding a list
	for _, s := range r.Perm(nSections)[:1+r.IntN(2)] {
		listAt[[2]int{s, r.IntN(perSection[s])}] = true
	}

	a.blocks = append(a.blocks, block{kind: paragraph, text: c.fill(pick(r, leads))})
	var tags []string
	for s, ti := range order {
		th := themes[ti]
		tags = append(tags, th.slug)
		a.blocks = append(a.blocks, block{kind: heading, text: c.fill(pick(r, th.headings))})
		for b := range perSection[s] {
			if listAt[[2]int{s, b}] {
				a.blocks = append(a.blocks, block{kind: list, items: c.items(th)})
				continue
			}
			text := c.paragraph(th)
			if b == perSection[s]-1 && r.IntN(3) == 0 {
				text += " " + c.sentence(pick(r, closings))
			}
			a.blocks = append(a.blocks, block{kind: paragraph, text: text})
		}
	}

	date := c.date()
	a.meta = metadata{
		Title:     c.fill(pick(r, titles)),
		Source:    pick(r, sources),
		URL:       fmt.Sprintf("https://critique.example/%d/%s-%06d", 2019+r.IntN(8), slug(c.mat.name), i),
		Published: date,
		Reviews: &reviewed{
			Title:     c.fill(pick(r, reviewedTitles)),
			Source:    c.pub,
			Author:    c.author,
			Published: date,
		},
		Tags: append([]string{c.mat.name}, tags...),
	}
	if r.IntN(2) == 0 {
		a.meta.Author = pick(r, people)
	}
	return a
}

// paragraph returns two to four sentences of theme th.
func (c *cast) paragraph(th theme) string {
	n := 2 + c.r.IntN(3)
	idx := c.r.Perm(len(th.sentences))[:min(n, len(th.sentences))]
	parts := make([]string, len(idx))
	for k, j := range idx {
		parts[k] = c.sentence(th.sentences[j])
	}
	return strings.Join(parts, " ")
}

// items returns three or four distinct bullet items of theme th.
func (c *cast) items(th theme) []string {
	n := 3 + c.r.IntN(2)
	idx := c.r.Perm(len(th.items))[:min(n, len(th.items))]
	out := make([]string, len(idx))
	for k, j := range idx {
		out[k] = capitalize(c.fill(th.items[j]))
	}
	return out
}

// sentence fills a template and capitalises its first letter.
func (c *cast) sentence(tmpl string) string { return capitalize(c.fill(tmpl)) }

// fill replaces every {slot} of tmpl. An unknown slot is a bug in the
// templates and panics, which the package's tests catch.
func (c *cast) fill(tmpl string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			panic(fmt.Sprintf("corpusgen: unclosed slot in %q", tmpl))
		}
		b.WriteString(tmpl[:i])
		b.WriteString(c.slot(tmpl[i+1 : i+j]))
		tmpl = tmpl[i+j+1:]
	}
}

func (c *cast) slot(name string) string {
	r := c.r
	switch name {
	case "mat":
		return c.mat.name
	case "Mat":
		return titleCase(c.mat.name)
	case "mat2":
		return c.mat2.name
	case "use":
		return c.mat.use
	case "country":
		return c.country.name
	case "Country":
		return titleCase(strings.TrimPrefix(c.country.name, "the "))
	case "country2":
		return c.country2.name
	case "Adj":
		return c.country.adj
	case "capital":
		return c.country.capital
	case "company", "Company":
		return c.company
	case "company2":
		return c.company2
	case "person":
		return c.person
	case "role":
		return c.role
	case "pub", "Pub":
		return c.pub
	case "author":
		return c.author
	case "pct":
		return fmt.Sprintf("%d percent", 60+r.IntN(39))
	case "pct2":
		return fmt.Sprintf("%d percent", 5+r.IntN(46))
	case "tonnes":
		return fmt.Sprintf("%d,%03d", 1+r.IntN(60), r.IntN(1000))
	case "usd":
		if r.IntN(2) == 0 {
			return fmt.Sprintf("$%d million", 20+r.IntN(900))
		}
		return fmt.Sprintf("$%d.%d billion", 1+r.IntN(9), r.IntN(10))
	case "year":
		return fmt.Sprint(2019 + r.IntN(12))
	case "years":
		return fmt.Sprint(5 + r.IntN(11))
	case "date":
		return c.date()
	}
	if alts, ok := synonyms[name]; ok {
		return pick(r, alts)
	}
	panic(fmt.Sprintf("corpusgen: unknown slot {%s}", name))
}

func (c *cast) date() string {
	return fmt.Sprintf("%s %d, %d", pick(c.r, months), 1+c.r.IntN(28), 2019+c.r.IntN(8))
}

// render returns the article's file content and, for scraped text, its
// sidecar metadata (nil for Markdown).
func (a article) render() (data, sidecar []byte) {
	meta, err := yaml.Marshal(a.meta)
	if err != nil {
		// Marshalling plain strings cannot fail.
		panic(fmt.Sprintf("corpusgen: marshal metadata: %v", err))
	}
	var b strings.Builder
	if a.markdown {
		b.WriteString("---\n")
		b.Write(meta)
		b.WriteString("---\n\n# ")
		b.WriteString(a.meta.Title)
		b.WriteString("\n\n")
	} else {
		b.WriteString(a.meta.Title)
		b.WriteString("\n\n")
	}
	for _, bl := range a.blocks {
		switch bl.kind {
		case heading:
			if a.markdown {
				b.WriteString("## ")
			}
			b.WriteString(bl.text)
			b.WriteByte('\n')
		case paragraph:
			b.WriteString(bl.text)
			b.WriteByte('\n')
		case list:
			for _, it := range bl.items {
				b.WriteString(a.bulletPrefix())
				b.WriteString(it)
				b.WriteByte('\n')
			}
		}
		b.WriteByte('\n')
	}
	if a.markdown {
		return []byte(b.String()), nil
	}
	return []byte(b.String()), meta
}

// bulletPrefix is how list items start in the file: scraped text keeps the
// indented bullet characters of web pages.
func (a article) bulletPrefix() string {
	if a.markdown {
		return "- "
	}
	return "  • "
}

// document returns the article as corpus.Load reads it.
func (a article) document() chokepoint.Document {
	data, sidecar := a.render()
	id := strings.TrimSuffix(a.path, path.Ext(a.path))
	d := chokepoint.Document{
		ID: id, Path: a.path, Title: a.meta.Title,
		Source: a.meta.Source, URL: a.meta.URL, Author: a.meta.Author, Published: a.meta.Published,
		Tags: a.meta.Tags,
		Hash: corpus.Hash(data, sidecar),
	}
	if rv := a.meta.Reviews; rv != nil {
		d.Reviews = &chokepoint.Review{Title: rv.Title, Source: rv.Source, Author: rv.Author, Published: rv.Published}
	}
	bullet := strings.TrimSpace(a.bulletPrefix())
	section := ""
	for _, bl := range a.blocks {
		p := chokepoint.Passage{DocID: id, Index: len(d.Passages), Section: section, Kind: chokepoint.Paragraph}
		switch bl.kind {
		case heading:
			section = bl.text
			d.Sections = append(d.Sections, bl.text)
			continue
		case paragraph:
			p.Text = bl.text
		case list:
			p.Kind = chokepoint.List
			lines := make([]string, len(bl.items))
			for k, it := range bl.items {
				lines[k] = bullet + " " + it
			}
			p.Text = strings.Join(lines, "\n")
		}
		d.Passages = append(d.Passages, p)
	}
	return d
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// titleCase capitalises every word of s.
func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = capitalize(w)
	}
	return strings.Join(words, " ")
}

// slug makes a URL path segment of s.
func slug(s string) string { return strings.ReplaceAll(strings.ToLower(s), " ", "-") }
