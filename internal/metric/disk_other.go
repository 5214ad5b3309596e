//go:build !(linux || darwin || freebsd)

package metric

import "errors"

func freeBytes(string) (uint64, error) {
	return 0, errors.New("metric: free space is not read on this system")
}
