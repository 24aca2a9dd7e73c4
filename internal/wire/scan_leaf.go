package wire

import "strings"

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
