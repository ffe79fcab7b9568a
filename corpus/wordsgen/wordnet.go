package main

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
)

// pos is a WordNet part of speech this command reads.
type pos byte

// The parts of speech read.
const (
	noun pos = 'n'
	verb pos = 'v'
	adj  pos = 'a'
	adv  pos = 'r'
)

// posNames are the file suffixes of each part of speech.
var posNames = []struct {
	p    pos
	name string
}{{noun, "noun"}, {verb, "verb"}, {adj, "adj"}, {adv, "adv"}}

// wordNet is the part of a WordNet database this command needs.
type wordNet struct {
	// senses maps a part of speech and a lemma (lower case, "_" for
	// spaces) to its synsets, most frequent sense first, as index.POS lists
	// them.
	senses map[pos]map[string][]string
	// synsets maps a part of speech and a synset offset to the synset's
	// word forms as data.POS spells them: capitalised for proper nouns,
	// "_" for spaces, adjective markers such as "(p)" removed.
	synsets map[pos]map[string][]string
	// counts maps a part of speech, a lemma and a sense number (from 1) to
	// the times that sense was tagged in the semantic concordance
	// (cntlist.rev); senses never tagged are absent.
	counts map[pos]map[string]map[int]int
	// exceptions maps a part of speech and an irregular inflected form
	// ("bought", "mice", "worse") to its base forms, as POS.exc lists
	// them.
	exceptions map[pos]map[string][]string
}

// readWordNet reads index.POS, data.POS, POS.exc (noun, verb, adj, adv)
// and cntlist.rev from the WordNet dictionary directory fsys.
func readWordNet(fsys fs.FS) (*wordNet, error) {
	wn := &wordNet{
		senses:     map[pos]map[string][]string{},
		synsets:    map[pos]map[string][]string{},
		counts:     map[pos]map[string]map[int]int{},
		exceptions: map[pos]map[string][]string{},
	}
	for _, pn := range posNames {
		idx, err := readFile(fsys, "index."+pn.name, parseIndexLine)
		if err != nil {
			return nil, err
		}
		wn.senses[pn.p] = idx
		data, err := readFile(fsys, "data."+pn.name, parseDataLine)
		if err != nil {
			return nil, err
		}
		wn.synsets[pn.p] = data
		wn.counts[pn.p] = map[string]map[int]int{}
		exc, err := readFile(fsys, pn.name+".exc", parseExceptionLine)
		if err != nil {
			return nil, err
		}
		wn.exceptions[pn.p] = exc
	}
	err := eachLine(fsys, "cntlist.rev", func(line string) error {
		return wn.addCount(line)
	})
	if err != nil {
		return nil, err
	}
	return wn, nil
}

// readFile reads one index or data file into a map from its lines' keys.
func readFile(fsys fs.FS, name string, parse func(string) (string, []string, error)) (map[string][]string, error) {
	out := map[string][]string{}
	err := eachLine(fsys, name, func(line string) error {
		k, v, err := parse(line)
		if err != nil {
			return err
		}
		out[k] = v
		return nil
	})
	return out, err
}

// eachLine calls fn with every line of name that is not part of the
// licence header (lines starting with a space) and not blank, wrapping its
// errors with the file name and line number.
func eachLine(fsys fs.FS, name string, fn func(string) error) error {
	f, err := fsys.Open(name)
	if err != nil {
		return fmt.Errorf("read wordnet: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	for n := 1; ; n++ {
		line, err := r.ReadString('\n')
		if err != nil && err != io.EOF {
			return fmt.Errorf("read wordnet %s: %w", name, err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line != "" && line[0] != ' ' {
			if ferr := fn(line); ferr != nil {
				return fmt.Errorf("read wordnet %s line %d: %w", name, n, ferr)
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// parseIndexLine reads a line of index.POS:
//
//	lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
//
// and returns the lemma and its synset offsets in sense order.
func parseIndexLine(line string) (string, []string, error) {
	f := strings.Fields(line)
	if len(f) < 6 {
		return "", nil, fmt.Errorf("index line has %d fields, want at least 6", len(f))
	}
	synsets, err := strconv.Atoi(f[2])
	if err != nil {
		return "", nil, fmt.Errorf("index synset_cnt %q: %w", f[2], err)
	}
	ptrs, err := strconv.Atoi(f[3])
	if err != nil {
		return "", nil, fmt.Errorf("index p_cnt %q: %w", f[3], err)
	}
	// After the pointer symbols come sense_cnt and tagsense_cnt, then the
	// offsets.
	start := 4 + ptrs + 2
	if synsets < 1 || len(f) != start+synsets {
		return "", nil, fmt.Errorf("index line of %q has %d fields, want %d", f[0], len(f), start+synsets)
	}
	return f[0], f[start:], nil
}

// parseExceptionLine reads a line of POS.exc:
//
//	inflected_form base_form [base_form...]
func parseExceptionLine(line string) (string, []string, error) {
	f := strings.Fields(line)
	if len(f) < 2 {
		return "", nil, fmt.Errorf("exception line has %d fields, want at least 2", len(f))
	}
	return f[0], f[1:], nil
}

// parseDataLine reads the start of a line of data.POS:
//
//	synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] ...
//
// and returns the offset and the word forms, w_cnt being two hexadecimal
// digits. Adjective position markers ("(a)", "(p)", "(ip)") are removed.
func parseDataLine(line string) (string, []string, error) {
	f := strings.Fields(line)
	if len(f) < 4 {
		return "", nil, fmt.Errorf("data line has %d fields, want at least 4", len(f))
	}
	n, err := strconv.ParseUint(f[3], 16, 8)
	if err != nil || n == 0 {
		return "", nil, fmt.Errorf("data w_cnt %q: want a hexadecimal count above 0", f[3])
	}
	if len(f) < 4+2*int(n) {
		return "", nil, fmt.Errorf("data line of %s names %d words but has %d fields", f[0], n, len(f))
	}
	words := make([]string, 0, n)
	for i := range int(n) {
		w := f[4+2*i]
		if j := strings.IndexByte(w, '('); j > 0 && strings.HasSuffix(w, ")") {
			w = w[:j]
		}
		words = append(words, w)
	}
	return f[0], words, nil
}

// addCount records a line of cntlist.rev:
//
//	sense_key sense_number tag_cnt
//
// where sense_key is lemma%ss_type:lex_filenum:lex_id:head_word:head_id.
// Satellite adjectives (5) count as adjectives (3).
func (wn *wordNet) addCount(line string) error {
	f := strings.Fields(line)
	if len(f) != 3 {
		return fmt.Errorf("count line has %d fields, want 3", len(f))
	}
	lemma, rest, ok := strings.Cut(f[0], "%")
	if !ok || rest == "" {
		return fmt.Errorf("sense key %q: want lemma%%ss_type:lex_filenum:lex_id", f[0])
	}
	var p pos
	switch rest[0] {
	case '1':
		p = noun
	case '2':
		p = verb
	case '3', '5':
		p = adj
	case '4':
		p = adv
	default:
		return fmt.Errorf("sense key %q: unknown ss_type %q", f[0], rest[0])
	}
	sense, err := strconv.Atoi(f[1])
	if err != nil || sense < 1 {
		return fmt.Errorf("sense number %q: want a number from 1", f[1])
	}
	cnt, err := strconv.Atoi(f[2])
	if err != nil || cnt < 0 {
		return fmt.Errorf("tag count %q: want a number from 0", f[2])
	}
	m := wn.counts[p][lemma]
	if m == nil {
		m = map[int]int{}
		wn.counts[p][lemma] = m
	}
	m[sense] += cnt
	return nil
}
