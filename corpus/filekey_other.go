//go:build !unix

package corpus

import "io/fs"

// fileKey identifies a file on the system; this platform gives no identity,
// so files reached by two paths are loaded twice and directory loops are
// caught by maxLinkDepth.
type fileKey struct{}

func keyOf(fs.FileInfo) (fileKey, bool) { return fileKey{}, false }

func isLoop(error) bool { return false }
