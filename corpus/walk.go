package corpus

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"chokepoint"
)

// maxLinkDepth is the most symbolic links to directories followed one
// inside another; deeper nesting is reported as a loop. File identities
// catch real loops first where the platform has them.
const maxLinkDepth = 16

// walkResult is what walk found under a corpus root.
type walkResult struct {
	files    []string // regular files, slash paths in lexical order, each file once
	skipped  []*chokepoint.FileError
	warnings []*chokepoint.FileError
}

// walk lists the regular files of fsys, following symbolic links to files
// and directories. Hidden files and directories are left out. A dangling
// link, a loop of links, or a directory link leading back to a directory
// that contains it is reported in skipped. A file reached by more than one
// path (a link to a file of the corpus) is listed once, by its real path
// (the one without links, else the first), and the other paths are
// reported in warnings. It returns an error only when the root cannot be
// read.
func walk(fsys fs.FS) (walkResult, error) {
	w := walker{fsys: fsys}
	if err := w.dir(".", nil, 0, false); err != nil {
		return walkResult{}, err
	}
	return w.dedup(), nil
}

type walker struct {
	fsys  fs.FS
	found []found
	res   walkResult
}

// found is one file path with the identity of the file it leads to.
type found struct {
	path  string
	key   fileKey
	keyed bool
	alias bool // reached through a symbolic link
}

// dir walks directory p; ancestors are the identities of the directories
// that contain it, links the number of directory links followed to reach
// it.
func (w *walker) dir(p string, ancestors []fileKey, links int, alias bool) error {
	ents, err := fs.ReadDir(w.fsys, p)
	if err != nil {
		if p == "." {
			return err
		}
		w.skip(p, fmt.Errorf("read: %w", err))
		return nil
	}
	if st, err := fs.Stat(w.fsys, p); err == nil {
		if k, ok := keyOf(st); ok {
			ancestors = append(ancestors[:len(ancestors):len(ancestors)], k)
		}
	}
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		q := path.Join(p, name)
		switch {
		case e.Type()&fs.ModeSymlink != 0:
			w.link(q, ancestors, links)
		case e.IsDir():
			if err := w.dir(q, ancestors, links, alias); err != nil {
				return err
			}
		case e.Type().IsRegular():
			st, err := e.Info()
			if err != nil {
				w.skip(q, fmt.Errorf("read: %w", err))
				continue
			}
			w.add(q, st, alias)
		}
	}
	return nil
}

// link follows the symbolic link at p.
func (w *walker) link(p string, ancestors []fileKey, links int) {
	st, err := fs.Stat(w.fsys, p)
	if err != nil {
		target := ""
		if t, rerr := fs.ReadLink(w.fsys, p); rerr == nil {
			target = " to " + t
		}
		switch {
		case isLoop(err):
			w.skip(p, fmt.Errorf("symlink loop: the link%s never reaches a file", target))
		case errors.Is(err, fs.ErrNotExist):
			w.skip(p, fmt.Errorf("dangling symlink: the link%s points to nothing", target))
		default:
			w.skip(p, fmt.Errorf("read: %w", err))
		}
		return
	}
	switch {
	case st.IsDir():
		k, ok := keyOf(st)
		for _, a := range ancestors {
			if ok && a == k {
				w.skip(p, errors.New("symlink loop: the link leads to a directory that contains it"))
				return
			}
		}
		if links >= maxLinkDepth {
			w.skip(p, fmt.Errorf("symlink loop: more than %d directory links one inside another", maxLinkDepth))
			return
		}
		// A directory that cannot be listed is reported by dir.
		_ = w.dir(p, ancestors, links+1, true)
	case st.Mode().IsRegular():
		w.add(p, st, true)
	}
}

func (w *walker) add(p string, st fs.FileInfo, alias bool) {
	k, ok := keyOf(st)
	w.found = append(w.found, found{path: p, key: k, keyed: ok, alias: alias})
}

func (w *walker) skip(p string, err error) {
	w.res.skipped = append(w.res.skipped, &chokepoint.FileError{Path: p, Err: err})
}

// dedup keeps one path per file: the first reached without a link, else
// the first.
func (w *walker) dedup() walkResult {
	sort.SliceStable(w.found, func(i, j int) bool { return w.found[i].path < w.found[j].path })
	keep := map[fileKey]int{} // identity -> index in found of the path kept
	for i, f := range w.found {
		if !f.keyed {
			continue
		}
		if j, dup := keep[f.key]; !dup || (w.found[j].alias && !f.alias) {
			keep[f.key] = i
		}
	}
	for i, f := range w.found {
		if j := keep[f.key]; f.keyed && j != i {
			w.res.warnings = append(w.res.warnings, &chokepoint.FileError{Path: f.path,
				Err: fmt.Errorf("same file as %s; indexed once, from there", w.found[j].path)})
			continue
		}
		w.res.files = append(w.res.files, f.path)
	}
	return w.res
}
