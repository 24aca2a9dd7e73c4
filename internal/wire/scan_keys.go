package wire

import (
	"unicode"
	"unicode/utf8"
)

// keyTable lists a struct's JSON names in field order, for the keys that
// are not exactly one of them.
type keyTable [][]byte

func keys(names ...string) keyTable {
	t := make(keyTable, len(names))
	for i, n := range names {
		t[i] = []byte(n)
	}
	return t
}

// fold returns the name key matches as encoding/json matches a key that is
// no field's exact name: the first name in field order that equals key
// under Unicode case folding (so "ſ" matches s and "K" matches k, as
// bytes.EqualFold says). nil when none does, and never key itself (the
// field functions, which call fold when their switch has no case for key,
// then skip the value rather than call themselves again).
func (t keyTable) fold(key []byte) []byte {
	for _, name := range t {
		// Each rune of key folds to one ASCII byte of name, and a
		// rune is at most 3 bytes long in the runes that fold to ASCII.
		if len(key) >= len(name) && len(key) <= 3*len(name) && string(key) != string(name) && foldEqual(key, name) {
			return name
		}
	}
	return nil
}

// foldEqual reports whether key equals the ASCII name under encoding/json's
// folding (appendFoldedName).
func foldEqual(key, name []byte) bool {
	j := 0
	for i := 0; i < len(key); j++ {
		if j >= len(name) {
			return false
		}
		var r rune
		if c := key[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			r = rune(c)
			i++
		} else {
			rr, n := utf8.DecodeRune(key[i:])
			r = foldRune(rr)
			i += n
		}
		c := name[j]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if r != rune(c) {
			return false
		}
	}
	return j == len(name)
}

// foldRune returns the smallest rune of r's case-folding orbit, as
// encoding/json does.
func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// has reports whether key names a field of the table's struct, exactly or
// as encoding/json folds it.
func (t keyTable) has(key []byte) bool {
	for _, name := range t {
		if string(name) == string(key) {
			return true
		}
	}
	return t.fold(key) != nil
}
