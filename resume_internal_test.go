package cometchat

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBoundedSetReAdd: adding a key already present (a resent MUID) takes no
// second slot, so evicting the key's only slot is what forgets it, and the
// set never holds more than its limit.
func TestBoundedSetReAdd(t *testing.T) {
	s := newBoundedSet[string](3)
	require.True(t, s.add("a"))
	require.False(t, s.add("a"), "a re-add reports not new")
	require.True(t, s.add("b"))
	require.True(t, s.add("c"))
	require.Len(t, s.ring, 3, "the re-add took no slot")
	for _, k := range []string{"a", "b", "c"} {
		require.True(t, s.contains(k), k)
	}
	require.True(t, s.add("d")) // evicts a, the oldest
	require.False(t, s.contains("a"))
	require.True(t, s.contains("b"))
	require.True(t, s.contains("d"))
	require.True(t, s.add("a"), "a forgotten key is new again")
	require.False(t, s.contains("b"))
	require.Len(t, s.m, 3)
	require.Len(t, s.ring, 3)
	for _, k := range s.ring {
		require.True(t, s.contains(k), "every slot's key is in the set: %s", k)
	}
}

// TestOwnMUIDResent: a MUID noted twice (a resend) holds one slot, so it
// stays known until that slot is the one evicted. (The old ring gave it two
// slots and forgot it when the first was evicted, the second still holding it.)
func TestOwnMUIDResent(t *testing.T) {
	c, err := New("app", AppSettings{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	c.noteOwnMUID("m0")
	c.noteOwnMUID("m0")
	for i := range ownMUIDCapacity - 1 {
		c.noteOwnMUID("x" + strconv.Itoa(i))
	}
	require.True(t, c.isOwnMUID("m0"), "the resend took no second slot, nothing was evicted yet")
	c.noteOwnMUID("new")
	require.False(t, c.isOwnMUID("m0"), "m0 was the oldest")
	require.True(t, c.isOwnMUID("new"))
	require.Len(t, c.resume.own.m, ownMUIDCapacity)
}
