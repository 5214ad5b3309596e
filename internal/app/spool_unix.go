//go:build unix

package app

import (
	"os"
	"syscall"
)

// tryLock takes f's exclusive lock without waiting. The kernel lets it go
// when the process ends, however it ends.
func tryLock(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}
