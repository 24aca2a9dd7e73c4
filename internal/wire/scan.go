package wire

import (
	"bytes"
	"strconv"
)

// The hand-written JSON reader under the decoders of decode.go. It reads the
// input once, validating it exactly as encoding/json does (the same grammar,
// the same nesting limit), and decodes values with the rules of the wire
// types' UnmarshalJSON methods, without reflection.

// maxDepth is encoding/json's nesting limit: deeper input is invalid for
// both.
const maxDepth = 10000

// decoder reads one JSON document. Its methods that consume a value return
// false on a syntax error, which ends the decode. A value of the wrong type
// for its destination (what encoding/json reports as an UnmarshalTypeError,
// or an UnmarshalJSON error) does not stop the reading: it sets bad, which
// the innermost lenient scope (a message's data, an entity) or the caller
// of the decode then handles.
type decoder struct {
	b     []byte
	i     int
	depth int
	bad   bool
	badAt int
	// resolving is set on the readers that resolve an entity (see
	// entityRef); cache holds the entities resolved so far in the decode.
	resolving bool
	cache     resolveCache
	// onHint is what the "on" entity of the data being read most likely
	// is: a call entity in a call message, a message in an edit or delete.
	onHint entityClass
	// keysRead counts the object keys read, by this decoder and the ones
	// it started, for the test that holds decoding linear in the input.
	keysRead int
}

// SyntaxError reports input that is not valid JSON (or nests deeper than
// encoding/json allows).
type SyntaxError struct {
	Offset int // byte offset where the input stopped making sense
}

func (e *SyntaxError) Error() string {
	return "wire: invalid JSON at offset " + strconv.Itoa(e.Offset)
}

// TypeError reports a value whose type does not fit its field, where
// encoding/json would fail too.
type TypeError struct {
	Offset int // byte offset of the first such value
}

func (e *TypeError) Error() string {
	return "wire: a value of the wrong type at offset " + strconv.Itoa(e.Offset)
}

// mismatch skips a value of the wrong type and records it.
func (d *decoder) mismatch() bool {
	d.ws()
	at := d.i
	if !d.skip() {
		return false
	}
	if !d.bad {
		d.bad, d.badAt = true, at
	}
	return true
}

// scope starts a lenient scope: what goes wrong inside it does not concern
// the enclosing one. end returns whether the scope's values all decoded.
func (d *decoder) scope() (bad bool, at int) {
	bad, at = d.bad, d.badAt
	d.bad = false
	return bad, at
}

func (d *decoder) end(bad bool, at int) (ok bool) {
	ok = !d.bad
	d.bad, d.badAt = bad, at
	return ok
}

// done checks that only whitespace follows the document and returns the
// decode's error, if any.
func (d *decoder) done(ok bool) error {
	if ok {
		d.ws()
		ok = d.i == len(d.b)
	}
	if !ok {
		return &SyntaxError{Offset: d.i}
	}
	if d.bad {
		return &TypeError{Offset: d.badAt}
	}
	return nil
}

func (d *decoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte (0 at the end).
func (d *decoder) peek() byte {
	d.ws()
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// scanNumber skips a number literal (JSON grammar).
func (d *decoder) scanNumber() bool {
	b, i := d.b, d.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || !isDigit(b[i]) {
			return false
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return false
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	d.i = i
	return true
}

func (d *decoder) lit(word string) bool {
	if !bytes.HasPrefix(d.b[d.i:], []byte(word)) {
		return false
	}
	d.i += len(word)
	return true
}

// enter consumes the '{' or '[' at d.i, one level deeper.
func (d *decoder) enter() bool {
	d.depth++
	if d.depth > maxDepth {
		return false
	}
	d.i++
	return true
}

// skip validates and skips one value.
func (d *decoder) skip() bool {
	switch d.peek() {
	case '"':
		_, _, ok := d.scanString()
		return ok
	case '{':
		if !d.enter() {
			return false
		}
		for first := true; ; first = false {
			_, done, ok := d.member(first)
			if !ok {
				return false
			}
			if done {
				return true
			}
			if !d.skip() {
				return false
			}
		}
	case '[':
		if !d.enter() {
			return false
		}
		for first := true; ; first = false {
			done, ok := d.elem(first)
			if !ok {
				return false
			}
			if done {
				return true
			}
			if !d.skip() {
				return false
			}
		}
	case 't':
		return d.lit("true")
	case 'f':
		return d.lit("false")
	case 'n':
		return d.lit("null")
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return d.scanNumber()
	}
	return false
}

// value validates and skips one value and returns its bytes (aliasing the
// input, with no spare capacity).
func (d *decoder) value() ([]byte, bool) {
	d.ws()
	start := d.i
	if !d.skip() {
		return nil, false
	}
	return d.b[start:d.i:d.i], true
}

// member steps through an object entered with enter: it consumes the next
// member's key and colon and returns the key (unescaped), or consumes the
// closing brace and reports done. first is true for the first call.
func (d *decoder) member(first bool) (key []byte, done, ok bool) {
	c := d.peek()
	if c == '}' {
		d.i++
		d.depth--
		return nil, true, true
	}
	if !first {
		if c != ',' {
			return nil, false, false
		}
		d.i++
		c = d.peek()
	}
	if c != '"' {
		return nil, false, false
	}
	start := d.i
	esc, _, ok := d.scanString()
	if !ok {
		return nil, false, false
	}
	d.keysRead++
	key = d.b[start+1 : d.i-1]
	if esc {
		key = unquote(key)
	}
	if d.peek() != ':' {
		return nil, false, false
	}
	d.i++
	d.ws()
	return key, false, true
}

// elem steps through an array entered with enter: it positions d.i at the
// next element, or consumes the closing bracket and reports done.
func (d *decoder) elem(first bool) (done, ok bool) {
	c := d.peek()
	if first {
		if c == ']' {
			d.i++
			d.depth--
			return true, true
		}
		return false, true
	}
	switch c {
	case ',':
		d.i++
		d.ws()
		return false, true
	case ']':
		d.i++
		d.depth--
		return true, true
	}
	return false, false
}
