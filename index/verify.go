package index

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// storeDir is where bleve keeps a generation's segment files.
const storeDir = "store"

// segmentStamp identifies a segment file as it was when its checksum was
// verified: a file with the same size and modification time is taken to
// be unchanged.
type segmentStamp struct {
	Size    int64 `json:"size"`
	ModTime int64 `json:"mod_time_ns"`
}

func stampOf(fi os.FileInfo) segmentStamp {
	return segmentStamp{Size: fi.Size(), ModTime: fi.ModTime().UnixNano()}
}

// verifySegments checks the segment files in the bleve directory dir
// against their checksums, before bleve reads them: bleve trusts its files,
// and a damaged one makes it panic, sometimes in goroutines of its own
// where no recover can reach. A file whose stamp is in known (verified when
// the generation was written) is not read again, so opening costs a stat
// per segment; any other file is read whole. verifySegments returns the
// stamps of every segment, or an error wrapping ErrCorrupt naming the
// first damaged one.
func verifySegments(dir string, known map[string]segmentStamp) (map[string]segmentStamp, error) {
	store := filepath.Join(dir, storeDir)
	ents, err := os.ReadDir(store)
	if err != nil {
		return nil, fmt.Errorf("verify segments: %w", err)
	}
	stamps := make(map[string]segmentStamp)
	for _, e := range ents {
		name := e.Name()
		if !strings.HasSuffix(name, segmentSuffix) {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			return nil, fmt.Errorf("verify segments: %w", err)
		}
		st := stampOf(fi)
		if k, ok := known[name]; !ok || k != st {
			if err := checkSegment(filepath.Join(store, name)); err != nil {
				return nil, err
			}
		}
		stamps[name] = st
	}
	return stamps, nil
}

// checkSegment compares a zap segment file's content with the CRC-32
// (IEEE) that ends it, which covers everything before it: the format of
// every zap version bleve writes.
func checkSegment(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("verify segment: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("verify segment: %w", err)
	}
	n := fi.Size() - 4
	if n < 0 {
		return fmt.Errorf("segment %s: %w: %d bytes, too short", filepath.Base(path), ErrCorrupt, fi.Size())
	}
	h := crc32.NewIEEE()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, n)); err != nil {
		return fmt.Errorf("verify segment: %w", err)
	}
	var tail [4]byte
	if _, err := f.ReadAt(tail[:], n); err != nil {
		return fmt.Errorf("verify segment: %w", err)
	}
	if got, want := h.Sum32(), binary.BigEndian.Uint32(tail[:]); got != want {
		return fmt.Errorf("segment %s: %w: checksum %08x, the file says %08x", filepath.Base(path), ErrCorrupt, got, want)
	}
	return nil
}
