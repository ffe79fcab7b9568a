package index

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"chokepoint"
)

// envFullDisk names the index directory of TestHelperFullDisk.
const envFullDisk = "CHOKEPOINT_FULLDISK_INDEX"

// fullDiskDocs are the documents before and after the update that finds
// the disk full: b2 is large enough that its segment cannot be written.
func fullDiskDocs() (before, after []chokepoint.Document) {
	a := newDoc("a", "Alpha", "h1", "cobalt mines in Congo")
	b := newDoc("b", "Beta", "h1", "gallium export ban")
	// Words drawn at random (fixed seed), so the segment does not compress
	// below the cap.
	var text strings.Builder
	text.WriteString("Tungsten smelting")
	for _, d := range synthCorpus(60, 10) {
		for _, p := range d.Passages {
			text.WriteString(" " + p.Text)
		}
	}
	b2 := newDoc("b", "Beta", "h2", text.String())
	return []chokepoint.Document{a, b}, []chokepoint.Document{a, b2}
}

// TestHelperFullDisk is not a test: run by TestUpdateOnFullDisk as a child
// process, it caps the size of the files it may write (RLIMIT_FSIZE: a
// write past the cap fails with EFBIG, as one fails with ENOSPC on a full
// disk, and no privilege is needed), tries an update, and then uses the
// index as a server would.
func TestHelperFullDisk(t *testing.T) {
	dir := os.Getenv(envFullDisk)
	if dir == "" {
		t.Skip("helper process for TestUpdateOnFullDisk")
	}
	ctx := context.Background()
	x, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	live := x.Stats().Dir
	// The cap lets a copy of the bolt file be written, but not the new
	// document's segment: the write that fails is bleve's.
	fi, err := os.Stat(filepath.Join(live, bleveDir, storeDir, "root.bolt"))
	if err != nil {
		t.Fatal(err)
	}
	capBytes := uint64(fi.Size()) + 16<<10
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: capBytes, Max: capBytes}); err != nil {
		t.Skipf("cannot cap file sizes: %v", err)
	}
	_, after := fullDiskDocs()
	_, err = x.Update(ctx, after, nil)
	if err == nil {
		t.Fatal("Update on a full disk: nil error")
	}
	fmt.Println("update failed:", err)
	if !strings.Contains(err.Error(), segmentSuffix) {
		t.Errorf("Update failed with %v; want bleve's write of a segment to fail, or the test misses its point", err)
	}
	// What a server does next: answer, show a full passage, update again.
	for i := range 3 {
		res, err := x.Search(ctx, chokepoint.Query{Text: "cobalt gallium"})
		if err != nil || len(res.Hits) != 2 {
			t.Errorf("Search %d after the failed update = %v, %v; want the 2 old passages", i, hitIDs(res.Hits), err)
		}
		h, err := x.Passage(ctx, "b#0")
		if err != nil || h.Passage.Text != "gallium export ban" {
			t.Errorf("Passage %d after the failed update = %q, %v; want the old text", i, h.Passage.Text, err)
		}
	}
	if got := x.Stats().Dir; got != live {
		t.Errorf("live generation after the failed update = %s, want %s", got, live)
	}
	if gens, _ := generations(dir); !slices.Equal(gens, []string{filepath.Base(live)}) {
		t.Errorf("generations after the failed update = %v, want only the live one", gens)
	}
	if _, err := x.Update(ctx, after, nil); err == nil {
		t.Error("second Update on a full disk: nil error")
	}
	if err := x.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
	fmt.Println("served after the failed update")
}

// TestUpdateOnFullDisk: an update that cannot write (a full disk) fails,
// and the index keeps serving the last good generation, in that process
// and the next. Before copy-on-write updates, the failed write left the
// live bleve index broken: the next search panicked in zapx ("assignment
// to entry in nil map").
func TestUpdateOnFullDisk(t *testing.T) {
	if os.Getenv(envFullDisk) != "" {
		t.Skip("inside the helper")
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "idx")
	before, after := fullDiskDocs()
	x := openDir(t, dir, Options{})
	mustUpdate(t, x, before...)
	x.Close()

	cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(cctx, os.Args[0], "-test.run=^TestHelperFullDisk$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), envFullDisk+"="+dir)
	out, err := cmd.CombinedOutput()
	if err == nil && strings.Contains(string(out), "--- SKIP: TestHelperFullDisk") {
		t.Skipf("helper skipped:\n%s", out)
	}
	if err != nil || !strings.Contains(string(out), "served after the failed update") {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	t.Logf("helper:\n%s", out)

	// With room again, the next process updates from the intact generation.
	y := openDir(t, dir, Options{})
	if r := y.Recovered(); r != "" {
		t.Errorf("Recovered after the failed update = %q, want \"\"", r)
	}
	st := mustUpdate(t, y, after...)
	if st.Changed != 1 || st.Rebuilt {
		t.Errorf("Update with room again = %+v, want 1 changed in place", st)
	}
	if res, err := y.Search(ctx, chokepoint.Query{Text: "tungsten"}); err != nil || len(res.Hits) != 1 {
		t.Errorf("Search for the new text = %v, %v; want 1 hit", hitIDs(res.Hits), err)
	}
}
