// Package goid tells which goroutine is running. The SDK uses it only so that
// a component asked to stop from inside its own goroutine (a listener calling
// Close, a connection hook that logs out) does not wait for itself.
package goid

import (
	"runtime"
	"strconv"
)

// ID returns the current goroutine's id.
func ID() uint64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	s := buf[:n]
	const prefix = "goroutine "
	if len(s) <= len(prefix) {
		return 0
	}
	s = s[len(prefix):]
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	id, _ := strconv.ParseUint(string(s[:i]), 10, 64)
	return id
}
