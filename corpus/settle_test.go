package corpus

import (
	"io/fs"
	"reflect"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

// growingFS serves "growing.md" as a file being written: each Stat of an
// open file reports it one byte longer than the last.
type growingFS struct{ fstest.MapFS }

func (g growingFS) Open(name string) (fs.File, error) {
	f, err := g.MapFS.Open(name)
	if err != nil || name != "growing.md" {
		return f, err
	}
	return &growingFile{File: f}, nil
}

type growingFile struct {
	fs.File
	mu    sync.Mutex
	stats int
}

func (f *growingFile) Stat() (fs.FileInfo, error) {
	st, err := f.File.Stat()
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stats++
	return grownInfo{st, int64(f.stats)}, nil
}

type grownInfo struct {
	fs.FileInfo
	extra int64
}

func (g grownInfo) Size() int64 { return g.FileInfo.Size() + g.extra }

func TestLoadLeavesChangingFilesOut(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	fsys := fstest.MapFS{
		"old.md":     {Data: []byte("# Old\n\nWritten long ago.\n"), ModTime: t0.Add(-time.Hour)},
		"fresh.md":   {Data: []byte("# Fresh\n\nJust writt"), ModTime: t0},
		"s.txt":      {Data: []byte("S\n\nBody.\n"), ModTime: t0.Add(-time.Hour)},
		"s.yaml":     {Data: []byte("title: Side\n"), ModTime: t0},
		"future.md":  {Data: []byte("# Future\n\nA clock far ahead.\n"), ModTime: t0.Add(24 * time.Hour)},
		"growing.md": {Data: []byte("# Growing\n\nStill being written.\n"), ModTime: t0.Add(-time.Hour)},
		"broken.md":  {Data: []byte(""), ModTime: t0},
	}
	ids := func(r Result) []string {
		var out []string
		for _, d := range r.Documents {
			out = append(out, d.ID)
		}
		return out
	}
	res, err := Load(growingFS{fsys}, Options{Settle: 2 * time.Second, Now: func() time.Time { return t0.Add(time.Second) }})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"future", "old"}; !reflect.DeepEqual(ids(res), want) {
		t.Errorf("Load while files change: IDs %q, want %q", ids(res), want)
	}
	// broken.md is changing too: not reported until it settles.
	if want := []string{"broken.md", "fresh.md", "growing.md", "s.txt"}; !reflect.DeepEqual(res.Unsettled, want) {
		t.Errorf("Unsettled = %q, want %q", res.Unsettled, want)
	}
	if len(res.Skipped) != 0 {
		t.Errorf("Skipped = %v, want none", res.Skipped)
	}

	// Settled: everything but the file that never stops growing loads.
	res, err = Load(growingFS{fsys}, Options{Settle: 2 * time.Second, Now: func() time.Time { return t0.Add(3 * time.Second) }})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"fresh", "future", "old", "s"}; !reflect.DeepEqual(ids(res), want) {
		t.Errorf("Load once settled: IDs %q, want %q", ids(res), want)
	}
	if want := []string{"growing.md"}; !reflect.DeepEqual(res.Unsettled, want) {
		t.Errorf("Unsettled once settled = %q, want %q", res.Unsettled, want)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Path != "broken.md" {
		t.Errorf("Skipped once settled = %v, want broken.md", res.Skipped)
	}
}
