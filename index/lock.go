package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// lockFile, in an index directory, is locked by whoever changes the
// directory: builds, switches or removes generations. Readers never take
// it; they read the generation CURRENT names, which no one writes.
const lockFile = "LOCK"

// dirLock is a held lock on an index directory.
type dirLock struct{ f *os.File }

// unlock releases the lock; the descriptor's close does it.
func (l *dirLock) unlock() { l.f.Close() }

// lockDir locks the index directory dir, in this process or another,
// creating the lock file when needed. When another holds it, lockDir calls
// waiting (if not nil) once with a description of the holder, then waits
// until the lock is free or ctx ends.
func lockDir(ctx context.Context, dir string, waiting func(holder string)) (*dirLock, error) {
	return lockDirIf(ctx, dir, true, waiting)
}

// tryLockDir is lockDir without the wait: it returns nil, nil when
// another holds the lock.
func tryLockDir(dir string) (*dirLock, error) {
	return lockDirIf(context.Background(), dir, false, nil)
}

func lockDirIf(ctx context.Context, dir string, wait bool, waiting func(holder string)) (*dirLock, error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock index directory: %w", err)
	}
	ok, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock index directory: %w", err)
	}
	if !ok && !wait {
		f.Close()
		return nil, nil
	}
	if !ok {
		if waiting != nil {
			waiting(lockHolder(f))
		}
		// flock cannot be cancelled: wait in a goroutine that gives the
		// lock back if ctx ended first.
		done := make(chan error, 1)
		go func() { done <- waitLock(f) }()
		select {
		case err = <-done:
		case <-ctx.Done():
			go func() {
				<-done
				f.Close()
			}()
			return nil, fmt.Errorf("lock index directory: %w", ctx.Err())
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock index directory: %w", err)
		}
	}
	// Say who holds it, for the message of the next one to wait; a lock
	// file that cannot be written still locks.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte("pid "+strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &dirLock{f: f}, nil
}

// lockHolder describes the holder of the lock on f, as it wrote itself in.
func lockHolder(f *os.File) string {
	b := make([]byte, 64)
	n, _ := f.ReadAt(b, 0)
	if s := strings.TrimSpace(string(b[:n])); strings.HasPrefix(s, "pid ") {
		return "process " + strings.TrimPrefix(s, "pid ")
	}
	return "another process"
}

// notWritable tells a refusal to write (permissions, a read-only file
// system) from other failures.
func notWritable(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)
}

// writeError wraps an error of a write into the index directory with
// ErrReadOnly when the directory cannot be written.
func writeError(err error) error {
	if err != nil && notWritable(err) && !errors.Is(err, ErrReadOnly) {
		return fmt.Errorf("%w: %w", ErrReadOnly, err)
	}
	return err
}
