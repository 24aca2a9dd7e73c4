package wire

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
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

// plainByte holds the bytes a string literal holds as they are and that
// need no attention: printable ASCII other than '"' and '\\'.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// scanString skips the string literal at d.i (a '"'). esc reports an escape
// in it, nonASCII a byte above 0x7F.
func (d *decoder) scanString() (esc, nonASCII, ok bool) {
	b := d.b
	i := d.i + 1
	for {
		for i < len(b) && plainByte[b[i]] {
			i++
		}
		if i >= len(b) {
			return false, false, false
		}
		switch c := b[i]; {
		case c == '"':
			d.i = i + 1
			return esc, nonASCII, true
		case c == '\\':
			esc = true
			if i+1 >= len(b) {
				return false, false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+5 >= len(b) {
					return false, false, false
				}
				for _, h := range b[i+2 : i+6] {
					if !isHex(h) {
						return false, false, false
					}
				}
				i += 6
			default:
				return false, false, false
			}
		case c < 0x20:
			return false, false, false
		default:
			nonASCII = true
			i++
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// text returns the string the literal d.b[start:end] (quotes included)
// stands for, as encoding/json decodes it.
func (d *decoder) text(start, end int, esc, nonASCII bool) string {
	in := d.b[start+1 : end-1]
	if !esc {
		if !nonASCII {
			return intern(in)
		}
		if utf8.Valid(in) {
			return string(in)
		}
	}
	return string(unquote(in))
}

// unquote is encoding/json's unquoteBytes for the contents of a literal
// scanString accepted: escapes resolved, invalid UTF-8 and unpaired
// surrogates replaced by U+FFFD.
func unquote(s []byte) []byte {
	r := 0
	for r < len(s) {
		c := s[r]
		if c == '\\' || c == '"' || c < ' ' {
			break
		}
		rr, size := utf8.DecodeRune(s[r:])
		if rr == utf8.RuneError && size == 1 {
			break
		}
		r += size
	}
	if r == len(s) {
		return s
	}
	b := make([]byte, len(s)+2*utf8.UTFMax)
	w := copy(b, s[0:r])
	for r < len(s) {
		// Out of room? Only when s is full of malformed UTF-8, each
		// byte of which becomes a three-byte RuneError.
		if w >= len(b)-2*utf8.UTFMax {
			nb := make([]byte, (len(b)+utf8.UTFMax)*2)
			copy(nb, b[0:w])
			b = nb
		}
		switch c := s[r]; {
		case c == '\\':
			r++
			if r >= len(s) {
				return b[:w]
			}
			switch s[r] {
			case '"', '\\', '/', '\'':
				b[w] = s[r]
				r++
				w++
			case 'b':
				b[w] = '\b'
				r++
				w++
			case 'f':
				b[w] = '\f'
				r++
				w++
			case 'n':
				b[w] = '\n'
				r++
				w++
			case 'r':
				b[w] = '\r'
				r++
				w++
			case 't':
				b[w] = '\t'
				r++
				w++
			case 'u':
				r--
				rr := getu4(s[r:])
				if rr < 0 {
					return b[:w]
				}
				r += 6
				if utf16.IsSurrogate(rr) {
					rr1 := getu4(s[r:])
					if dec := utf16.DecodeRune(rr, rr1); dec != unicode.ReplacementChar {
						// A valid pair; consume.
						r += 6
						w += utf8.EncodeRune(b[w:], dec)
						break
					}
					// Invalid surrogate; fall back to replacement rune.
					rr = unicode.ReplacementChar
				}
				w += utf8.EncodeRune(b[w:], rr)
			default:
				return b[:w]
			}
		case c < utf8.RuneSelf:
			b[w] = c
			r++
			w++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			r += size
			w += utf8.EncodeRune(b[w:], rr)
		}
	}
	return b[:w]
}

// getu4 decodes \uXXXX from the beginning of s, returning the hex value,
// or -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c = c - '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

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

// Leaf decoders: each consumes one value into a wire type, with the rules of
// its UnmarshalJSON method.

// str decodes a Str.
func (d *decoder) str(dst *Str) bool {
	switch c := d.peek(); {
	case c == '"':
		start := d.i
		esc, nonASCII, ok := d.scanString()
		if !ok {
			return false
		}
		*dst = Str(d.text(start, d.i, esc, nonASCII))
		return true
	case c == 'n':
		if !d.lit("null") {
			return false
		}
		*dst = ""
		return true
	case c == 't' || c == 'f' || c == '-' || isDigit(c):
		v, ok := d.value()
		if !ok {
			return false
		}
		*dst = Str(intern(v)) // the literal's text
		return true
	}
	return d.mismatch()
}

// int decodes an Int.
func (d *decoder) int(dst *Int) bool {
	switch c := d.peek(); {
	case c == '"':
		start := d.i
		esc, nonASCII, ok := d.scanString()
		if !ok {
			return false
		}
		if !esc && !nonASCII {
			if n, ok := smallInt(d.b[start+1 : d.i-1]); ok {
				*dst = Int(n)
				return true
			}
		}
		s := strings.TrimSpace(d.text(start, d.i, esc, nonASCII))
		if s == "" {
			*dst = 0
			return true
		}
		return d.intText(s, dst, start)
	case c == '-' || isDigit(c):
		start := d.i
		if !d.scanNumber() {
			return false
		}
		if n, ok := smallInt(d.b[start:d.i]); ok {
			*dst = Int(n)
			return true
		}
		return d.intText(string(d.b[start:d.i]), dst, start)
	case c == 'n':
		if !d.lit("null") {
			return false
		}
		*dst = 0
		return true
	}
	return d.mismatch()
}

func (d *decoder) intText(s string, dst *Int, at int) bool {
	n, err := intText(s)
	if err != nil {
		if !d.bad {
			d.bad, d.badAt = true, at
		}
		return true
	}
	*dst = n
	return true
}

// smallInt reads -?[0-9]{1,18}: what Int reads with strconv.ParseInt,
// without allocating.
func smallInt(v []byte) (int64, bool) {
	neg := len(v) > 0 && v[0] == '-'
	if neg {
		v = v[1:]
	}
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// bool decodes a Bool.
func (d *decoder) bool(dst *Bool) bool {
	d.ws()
	at := d.i
	v, ok := d.value()
	if !ok {
		return false
	}
	if dst.UnmarshalJSON(v) != nil && !d.bad {
		d.bad, d.badAt = true, at
	}
	return true
}

// obj decodes an Object: the object's bytes (aliasing the input), or nil
// for any other value.
func (d *decoder) obj(dst *Object) bool {
	isObject := d.peek() == '{'
	v, ok := d.value()
	if !ok {
		return false
	}
	if isObject {
		*dst = Object(v)
	} else {
		*dst = nil
	}
	return true
}

// raw decodes a json.RawMessage field: the value's bytes, aliasing the input.
func (d *decoder) raw(dst *[]byte) bool {
	v, ok := d.value()
	*dst = v
	return ok
}

// strings decodes a Strings.
func (d *decoder) strings(dst *Strings) bool {
	switch d.peek() {
	case 'n':
		if !d.lit("null") {
			return false
		}
		*dst = nil
		return true
	case '[':
	default:
		var one Str
		if !d.str(&one) {
			return false
		}
		if one == "" {
			*dst = nil
		} else {
			*dst = strings.Split(string(one), ",")
		}
		return true
	}
	if !d.enter() {
		return false
	}
	out := []string{}
	for first := true; ; first = false {
		done, ok := d.elem(first)
		if !ok {
			return false
		}
		if done {
			*dst = out
			return true
		}
		var s Str
		if !d.str(&s) {
			return false
		}
		out = append(out, string(s))
	}
}

// textPtr decodes a *string (a plain string, not a Str).
func (d *decoder) textPtr(dst **string) bool {
	switch d.peek() {
	case 'n':
		if !d.lit("null") {
			return false
		}
		*dst = nil
		return true
	case '"':
		start := d.i
		esc, nonASCII, ok := d.scanString()
		if !ok {
			return false
		}
		if *dst == nil {
			*dst = new(string)
		}
		**dst = d.text(start, d.i, esc, nonASCII)
		return true
	}
	return d.mismatch()
}

// interned are values that recur in every message (categories, types,
// receiver and entity kinds, statuses, roles, scopes): they are shared
// instead of allocated per message.
var interned = func() map[string]string {
	m := map[string]string{}
	for _, v := range []string{"user", "group", "message", "text", "custom", "action", "call", "media", "image",
		"video", "audio", "file", "available", "online", "offline", "default", "chat", "groupchat", "participant",
		"moderator", "admin", "owner", "public", "private", "password", "initiated", "ongoing", "ended",
		"unanswered", "rejected", "busy", "cancelled", "joined", "left", "kicked", "banned", "unbanned", "added",
		"invited", "scopeChanged", "edited", "deleted", "delivered", "read", "started", "groupMember",
		"typing_indicator", "receipts", "presence", "true", "false", "0", "1"} {
		m[v] = v
	}
	return m
}()

func intern(b []byte) string {
	if len(b) <= 16 {
		if v, ok := interned[string(b)]; ok {
			return v
		}
	}
	return string(b)
}
