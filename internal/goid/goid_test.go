package goid

import "testing"

func TestIDDiffersBetweenGoroutinesAndIsStable(t *testing.T) {
	a, b := ID(), ID()
	if a == 0 || a != b {
		t.Fatalf("ID() = %d then %d", a, b)
	}
	other := make(chan uint64)
	go func() { other <- ID() }()
	if o := <-other; o == a || o == 0 {
		t.Fatalf("another goroutine has id %d, this one %d", o, a)
	}
}
