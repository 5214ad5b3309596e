package app

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Several processes (serve and worker, or two serves during a rolling
// restart) may share one data directory. Each spools uploads and exports
// into its own directory under DATA_DIR/tmp:
//
//	tmp/p-XXXX.lock   held locked (flock) by the owner while it lives
//	tmp/p-XXXX/       the owner's temp files
//
// The kernel drops a lock when its holder dies, however it dies. At start a
// process removes only the directories whose lock it can take: those of
// dead processes, which may still hold a submitter's files. A live
// process's files are never touched.
type spool struct {
	dir  string   // this process's directory
	lock *os.File // held for the life of the process
}

// errNoLocks: the system has no file locks (spool_other.go).
var errNoLocks = errors.New("app: no file locks on this system")

// spoolPrefix names the lock files and directories of the processes.
const spoolPrefix = "p-"

// legacyAge is how old a loose file in tmp (the layout before per-process
// directories) must be to be removed: older than any request or export of
// a process of an earlier version still running beside this one.
const legacyAge = 24 * time.Hour

// openSpool claims a fresh directory under root and removes what dead
// processes left there.
func openSpool(root string, log *slog.Logger) (*spool, error) {
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("app: temp directory %s (STORYDESK_DATA_DIR): %w", root, err)
	}
	// The lock is taken under a temporary name and renamed into place:
	// a lock file with its final name is always locked while its owner lives.
	f, err := os.CreateTemp(root, ".new-*")
	if err != nil {
		return nil, fmt.Errorf("app: temp directory %s (STORYDESK_DATA_DIR): %w", root, err)
	}
	if err := tryLock(f); err != nil && !errors.Is(err, errNoLocks) {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("app: lock temp directory: %w", err)
	}
	name := spoolPrefix + strings.TrimPrefix(filepath.Base(f.Name()), ".new-")
	dir := filepath.Join(root, name)
	if err := os.Rename(f.Name(), dir+".lock"); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("app: lock temp directory: %w", err)
	}
	sp := &spool{dir: dir, lock: f}
	if err := os.Mkdir(dir, 0o700); err != nil {
		sp.Close()
		return nil, fmt.Errorf("app: temp directory %s (STORYDESK_DATA_DIR): %w", dir, err)
	}
	removeDead(root, log)
	return sp, nil
}

// Close removes this process's directory and lets its lock go.
func (sp *spool) Close() error {
	err := os.RemoveAll(sp.dir)
	// The lock file goes after the directory: a directory without its lock
	// file is an orphan for the next start to remove.
	if rerr := os.Remove(sp.dir + ".lock"); err == nil && !errors.Is(rerr, fs.ErrNotExist) {
		err = rerr
	}
	if cerr := sp.lock.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("app: remove temp directory: %w", err)
	}
	return nil
}

// removeDead removes the directories of dead processes under root, and
// any other file (the layout before this one, a lock file a crash left
// before its rename) once it is legacyAge old.
func removeDead(root string, log *slog.Logger) {
	entries, err := os.ReadDir(root)
	if err != nil {
		log.Warn("list temp directory", "err", err)
		return
	}
	for _, e := range entries {
		path := filepath.Join(root, e.Name())
		var err error
		switch name := e.Name(); {
		case strings.HasPrefix(name, spoolPrefix) && strings.HasSuffix(name, ".lock"):
			err = removeIfDead(path)
		case strings.HasPrefix(name, spoolPrefix) && e.IsDir():
			// Its lock file is made before it: without one, no process owns it.
			if _, serr := os.Lstat(path + ".lock"); errors.Is(serr, fs.ErrNotExist) {
				err = os.RemoveAll(path)
			}
		default:
			// A lock file not yet renamed (.new-*) may be a process starting
			// at this moment; one left by a crash is empty, and goes with age.
			if info, ierr := e.Info(); ierr == nil && time.Since(info.ModTime()) > legacyAge {
				err = os.RemoveAll(path)
			}
		}
		if err != nil {
			log.Warn("remove a stopped process's temp files", "err", err)
		}
	}
}

// removeIfDead removes the lock file at path, and the directory it guards,
// if no live process holds the lock.
func removeIfDead(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // its owner stopped, or another process cleaned up first
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if tryLock(f) != nil {
		return nil // alive
	}
	if strings.HasSuffix(path, ".lock") {
		if err := os.RemoveAll(strings.TrimSuffix(path, ".lock")); err != nil {
			return err
		}
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
