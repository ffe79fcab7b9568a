package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"chokepoint"
)

// On-disk layout inside an index directory.
const (
	currentFile  = "CURRENT"
	manifestFile = "manifest.json"
	// dirtyFile marked a generation under an in-place update, which
	// versions before copy-on-write updates did; one found means the bleve
	// index may not match the manifest, so the next Update rebuilds.
	dirtyFile = "DIRTY"
	bleveDir  = "bleve"
	genPrefix = "gen-"
	tmpSuffix = ".tmp"
)

// manifest records what a generation holds. It lives next to the bleve
// index of its generation and is replaced atomically.
type manifest struct {
	MappingVersion int       `json:"mapping_version"`
	Scoring        string    `json:"scoring"`
	Updated        time.Time `json:"updated"`
	// Dirty is set when the generation holds a dirtyFile (left by an
	// older version's interrupted in-place update): the bleve index may
	// not match the manifest, so the next Update rebuilds.
	Dirty bool          `json:"dirty,omitempty"`
	Docs  []manifestDoc `json:"docs"`
	// Segments are the generation's segment files as verified when it
	// was written (see verifySegments).
	Segments map[string]segmentStamp `json:"segments,omitempty"`
}

// manifestDoc is one document's metadata (Passages nil) and passage count.
type manifestDoc struct {
	Doc      chokepoint.Document `json:"doc"`
	Passages int                 `json:"passages"`
}

// readManifest reads and checks the manifest of generation dir gen.
func readManifest(gen string) (manifest, error) {
	var m manifest
	b, err := os.ReadFile(filepath.Join(gen, manifestFile))
	if err != nil {
		return m, fmt.Errorf("read manifest: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("decode manifest %s: %w", filepath.Join(gen, manifestFile), err)
	}
	if _, err := os.Stat(filepath.Join(gen, dirtyFile)); err == nil {
		m.Dirty = true
	}
	return m, nil
}

// writeManifest atomically replaces the manifest of generation dir gen.
func writeManifest(gen string, m manifest) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(gen, manifestFile), b); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}

// writeFileAtomic writes data to a temporary file in path's directory,
// syncs it, renames it over path and syncs the directory, so a crash leaves
// either the old or the new content.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".*"+tmpSuffix)
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename or a new entry in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// readCurrent returns the generation name CURRENT points at, "" when the
// file does not exist.
func readCurrent(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", currentFile, err)
	}
	name := strings.TrimSpace(string(b))
	if _, ok := genNumber(name); !ok {
		return "", fmt.Errorf("read %s: %q is not a generation name", currentFile, truncate(name, 40))
	}
	return name, nil
}

// writeCurrent atomically points CURRENT at generation name.
func writeCurrent(dir, name string) error {
	if err := writeFileAtomic(filepath.Join(dir, currentFile), []byte(name+"\n")); err != nil {
		return fmt.Errorf("write %s: %w", currentFile, err)
	}
	return nil
}

// genNumber parses a generation directory name.
func genNumber(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, genPrefix)
	if !ok || len(rest) == 0 {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 || fmt.Sprintf("%s%06d", genPrefix, n) != name {
		return 0, false
	}
	return n, true
}

// generations lists the generation directories in dir, oldest first.
func generations(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	var names []string
	for _, e := range ents {
		if _, ok := genNumber(e.Name()); ok {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// nextGeneration returns the name of a generation newer than every one in
// dir.
func nextGeneration(dir string) (string, error) {
	names, err := generations(dir)
	if err != nil {
		return "", err
	}
	next := 1
	if len(names) > 0 {
		n, _ := genNumber(names[len(names)-1])
		next = n + 1
	}
	return fmt.Sprintf("%s%06d", genPrefix, next), nil
}

// removeStale deletes every generation but those in keep, and any
// leftover temporary files of ours. Files it does not recognise are left
// alone, so pointing the index at a wrong directory destroys nothing else.
// Callers hold the directory lock.
func removeStale(dir string, keep ...string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("list %s: %w", dir, err)
	}
	var errs []error
	for _, e := range ents {
		if name := e.Name(); isStale(name, keep) {
			if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("remove stale generations: %w", err)
	}
	return nil
}

// hasStale reports whether removeStale would remove anything, without
// touching the directory.
func hasStale(dir string, keep ...string) bool {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range ents {
		if isStale(e.Name(), keep) {
			return true
		}
	}
	return false
}

func isStale(name string, keep []string) bool {
	if _, ok := genNumber(name); ok {
		return !slices.Contains(keep, name)
	}
	return strings.HasPrefix(name, currentFile+".") && strings.HasSuffix(name, tmpSuffix)
}

// cloneBleve copies the bleve index in src to dst, which must not exist,
// for an update that must leave src as it is. Segment files are immutable
// once written, so they are hard-linked (copied where links fail); the
// rest (the bolt file that lists the segments, the index metadata) is
// copied.
func cloneBleve(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("clone %s: not a regular file", p)
		}
		if !strings.HasSuffix(p, segmentSuffix) {
			// bleve writes into the copies of these (the bolt file) and
			// syncs them itself before the generation is used.
			return copyFile(p, to, false)
		}
		if err := os.Link(p, to); err == nil {
			return nil
		}
		return copyFile(p, to, true)
	})
}

// segmentSuffix ends the name of a bleve (zap) segment file.
const segmentSuffix = ".zap"

// copyFile copies src to the new file dst, and syncs it if sync is set.
func copyFile(src, dst string, sync bool) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil && sync {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// truncate shortens s to at most n bytes for use in messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
