//go:build unix

package corpus

import (
	"errors"
	"io/fs"
	"syscall"
)

// fileKey identifies a file on the system: device and inode.
type fileKey struct{ dev, ino uint64 }

// keyOf returns the identity of the file st describes, when the file system
// gives one (os.DirFS does; fstest.MapFS does not).
func keyOf(st fs.FileInfo) (fileKey, bool) {
	s, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return fileKey{}, false
	}
	return fileKey{dev: uint64(s.Dev), ino: uint64(s.Ino)}, true //nolint:unconvert // field types differ by platform
}

// isLoop reports whether err says a chain of symbolic links loops.
func isLoop(err error) bool { return errors.Is(err, syscall.ELOOP) }
