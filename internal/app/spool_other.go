//go:build !unix

package app

import "os"

// tryLock has no lock to take on this system: every process counts as
// alive, so no temp directory is removed at start, and each process removes
// its own when it stops cleanly.
func tryLock(*os.File) error { return errNoLocks }
