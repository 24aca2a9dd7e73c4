package cometchat

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/gocometchat/cometchat/internal/wire"
)

// A hand-written, reflection-free decoder for the two shapes on the receive
// hot path: the websocket envelope (wire.Envelope) and a message
// (fastMessage). It fills exactly the structs json.Unmarshal fills, calling
// the same UnmarshalJSON methods of the wire types on the same value bytes,
// so the result is the same; but it reads the input once instead of
// validating it first (checkValid) and then decoding it by reflection.
//
// It is deliberately narrow: whenever it meets something it does not cover
// exactly as encoding/json would (invalid JSON, a key that only matches a
// field case-insensitively, an escaped key, a type mismatch, a field it does
// not handle, very deep nesting), it gives up and the caller decodes with
// json.Unmarshal instead. TestScanMatchesUnmarshal and FuzzScanMatchesUnmarshal
// check that whenever it succeeds, json.Unmarshal succeeds with an identical
// result.

// scanner reads one JSON document.
type scanner struct {
	b []byte
	i int
}

// maxScanDepth bounds nesting; deeper documents go to json.Unmarshal.
const maxScanDepth = 200

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte (0 at the end).
func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// str skips a string literal starting at s.i (a '"'). plain reports that it
// holds no escape and only ASCII.
func (s *scanner) str() (plain, ok bool) {
	b := s.b
	i := s.i + 1
	plain = true
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			s.i = i + 1
			return plain, true
		case c == '\\':
			plain = false
			if i+1 >= len(b) {
				return false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+5 >= len(b) {
					return false, false
				}
				for _, h := range b[i+2 : i+6] {
					if !isHex(h) {
						return false, false
					}
				}
				i += 6
			default:
				return false, false
			}
		case c < 0x20:
			return false, false
		case c >= 0x80:
			plain = false
			i++
		default:
			i++
		}
	}
	return false, false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// num skips a number literal (JSON grammar).
func (s *scanner) num() bool {
	b, i := s.b, s.i
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
	s.i = i
	return true
}

func (s *scanner) lit(word string) bool {
	if !bytes.HasPrefix(s.b[s.i:], []byte(word)) {
		return false
	}
	s.i += len(word)
	return true
}

// skip validates and skips one value.
func (s *scanner) skip(depth int) bool {
	if depth > maxScanDepth {
		return false
	}
	switch s.peek() {
	case '"':
		_, ok := s.str()
		return ok
	case '{':
		s.i++
		if s.peek() == '}' {
			s.i++
			return true
		}
		for {
			if s.peek() != '"' {
				return false
			}
			if _, ok := s.str(); !ok {
				return false
			}
			if s.peek() != ':' {
				return false
			}
			s.i++
			if !s.skip(depth + 1) {
				return false
			}
			switch s.peek() {
			case ',':
				s.i++
			case '}':
				s.i++
				return true
			default:
				return false
			}
		}
	case '[':
		s.i++
		if s.peek() == ']' {
			s.i++
			return true
		}
		for {
			if !s.skip(depth + 1) {
				return false
			}
			switch s.peek() {
			case ',':
				s.i++
			case ']':
				s.i++
				return true
			default:
				return false
			}
		}
	case 't':
		return s.lit("true")
	case 'f':
		return s.lit("false")
	case 'n':
		return s.lit("null")
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return s.num()
	}
	return false
}

// value validates and skips one value and returns its bytes.
func (s *scanner) value(depth int) ([]byte, bool) {
	s.ws()
	start := s.i
	if !s.skip(depth) {
		return nil, false
	}
	return s.b[start:s.i], true
}

// object walks an object at s.i; field is called with each key (its raw
// bytes, without escapes) and s positioned before the value, and must
// consume the value. An escaped key makes the walk fail.
func (s *scanner) object(depth int, field func(key []byte) bool) bool {
	if depth > maxScanDepth || s.peek() != '{' {
		return false
	}
	s.i++
	if s.peek() == '}' {
		s.i++
		return true
	}
	for {
		if s.peek() != '"' {
			return false
		}
		start := s.i + 1
		plain, ok := s.str()
		if !ok || !plain {
			return false // escaped or non-ASCII keys: leave them to encoding/json
		}
		key := s.b[start : s.i-1]
		if s.peek() != ':' {
			return false
		}
		s.i++
		s.ws()
		if !field(key) {
			return false
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return true
		default:
			return false
		}
	}
}

// unknown skips the value of a key the struct has no field for; it fails
// when the key matches a field name case-insensitively (encoding/json would
// decode it) or names a field the scanner does not handle.
func (s *scanner) unknown(depth int, key []byte, known []string) bool {
	for _, k := range known {
		if bytes.EqualFold(key, []byte(k)) {
			return false
		}
	}
	return s.skip(depth)
}

// Field decoders: each consumes one value.

func (s *scanner) wstr(depth int, dst *wire.Str) bool {
	if s.peek() == '"' {
		start := s.i
		plain, ok := s.str()
		if !ok {
			return false
		}
		if in := s.b[start+1 : s.i-1]; plain {
			*dst = wire.Str(intern(in))
			return true
		} else if bytes.IndexByte(in, '\\') < 0 && utf8.Valid(in) {
			*dst = wire.Str(in) // what wire.Str reads from an unescaped literal
			return true
		}
		return dst.UnmarshalJSON(s.b[start:s.i]) == nil
	}
	v, ok := s.value(depth)
	return ok && dst.UnmarshalJSON(v) == nil
}

func (s *scanner) wint(depth int, dst *wire.Int) bool {
	v, ok := s.value(depth)
	if !ok {
		return false
	}
	if n, ok := smallInt(v); ok {
		*dst = wire.Int(n)
		return true
	}
	return dst.UnmarshalJSON(v) == nil
}

// smallInt reads -?[0-9]{1,18}, bare or quoted: what wire.Int reads with
// strconv.ParseInt, without allocating.
func smallInt(v []byte) (int64, bool) {
	if len(v) >= 2 && v[0] == '"' {
		v = v[1 : len(v)-1]
	}
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

func (s *scanner) wbool(depth int, dst *wire.Bool) bool {
	v, ok := s.value(depth)
	return ok && dst.UnmarshalJSON(v) == nil
}

func (s *scanner) wobj(depth int, dst *wire.Object) bool {
	v, ok := s.value(depth)
	return ok && dst.UnmarshalJSON(v) == nil
}

func (s *scanner) wstrs(depth int, dst *wire.Strings) bool {
	v, ok := s.value(depth)
	return ok && dst.UnmarshalJSON(v) == nil
}

// raw is a json.RawMessage field. The bytes alias the input.
func (s *scanner) raw(depth int, dst *json.RawMessage) bool {
	v, ok := s.value(depth)
	*dst = v
	return ok
}

// null consumes a null literal if one is next.
func (s *scanner) null() bool {
	if s.peek() == 'n' {
		return s.lit("null")
	}
	return false
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
		"invited", "scopeChanged", "edited", "deleted", "delivered", "read", "started"} {
		m[v] = v
	}
	return m
}()

func intern(b []byte) string {
	if len(b) <= 12 {
		if v, ok := interned[string(b)]; ok {
			return v
		}
	}
	return string(b)
}

// Known keys of each decoded struct (every json name, embedded fields
// included): see jsonKeys.
var (
	envelopeKeys   = jsonKeys(reflect.TypeFor[wire.Envelope]())
	messageKeys    = jsonKeys(reflect.TypeFor[fastMessage]())
	dataKeys       = jsonKeys(reflect.TypeFor[fastData]())
	entitiesKeys   = jsonKeys(reflect.TypeFor[fastEntities]())
	refKeys        = jsonKeys(reflect.TypeFor[fastRef]())
	entityKeys     = jsonKeys(reflect.TypeFor[fastEntity]())
	attachmentKeys = jsonKeys(reflect.TypeFor[wire.Attachment]())
	extrasKeys     = jsonKeys(reflect.TypeFor[wire.Extras]())
	scopeKeys      = jsonKeys(reflect.TypeFor[wire.ScopeChange]())
)

// jsonKeys lists the json names of t's fields, embedded structs included
// (shadowed names too: a superset only makes the scanner give up more often).
func jsonKeys(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && tag == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			out = append(out, jsonKeys(ft)...)
			continue
		}
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	return out
}

// scanEnvelope decodes a websocket frame as json.Unmarshal into
// wire.Envelope would; Body aliases raw. ok is false when the caller must
// use json.Unmarshal.
func scanEnvelope(raw []byte, env *wire.Envelope) bool {
	ok, _ := scanFrame(raw, env, nil)
	return ok
}

// scanFrame is scanEnvelope that also decodes the body into msg, in the same
// pass, when the frame is a "message" (its type comes before its body, as
// servers send it). msgOK reports that msg holds the decode of env.Body as
// scanMessage would give it.
func scanFrame(raw []byte, env *wire.Envelope, msg *fastMessage) (ok, msgOK bool) {
	s := scanner{b: raw}
	ok = s.object(0, func(key []byte) bool {
		switch string(key) {
		case "appId":
			return s.wstr(1, &env.AppID)
		case "receiver":
			return s.wstr(1, &env.Receiver)
		case "receiverType":
			return s.wstr(1, &env.ReceiverType)
		case "deviceId":
			return s.wstr(1, &env.DeviceID)
		case "type":
			return s.wstr(1, &env.Type)
		case "sender":
			return s.wstr(1, &env.Sender)
		case "messageSender":
			return s.wstr(1, &env.MessageSender)
		case "action":
			return s.wstr(1, &env.Action)
		case "body":
			msgOK = false
			if msg != nil && env.Type == "message" && s.peek() == '{' {
				start := s.i
				*msg = fastMessage{}
				if s.message(0, msg) {
					env.Body = s.b[start:s.i]
					msgOK = true
					return true
				}
				s.i = start
			}
			return s.raw(1, &env.Body)
		}
		return s.unknown(1, key, envelopeKeys)
	})
	s.ws()
	ok = ok && s.i == len(raw)
	return ok, ok && msgOK
}

// scanMessage decodes a message object as json.Unmarshal into fastMessage
// would. ok is false when the caller must use json.Unmarshal.
func scanMessage(raw []byte, w *fastMessage) bool {
	s := scanner{b: raw}
	ok := s.message(0, w)
	s.ws()
	return ok && s.i == len(raw)
}

// message decodes the message object at s.i; depth is the object's own
// depth (as for a standalone document, so that the result does not depend
// on where the message sits).
func (s *scanner) message(depth int, w *fastMessage) bool {
	return s.object(depth, func(key []byte) bool {
		switch string(key) {
		case "id":
			return s.wint(1, &w.ID)
		case "muid":
			return s.wstr(1, &w.MUID)
		case "conversationId":
			return s.wstr(1, &w.ConversationID)
		case "sender":
			return s.raw(1, &w.Sender)
		case "receiver":
			return s.raw(1, &w.Receiver)
		case "receiverType":
			return s.wstr(1, &w.ReceiverType)
		case "category":
			return s.wstr(1, &w.Category)
		case "type":
			return s.wstr(1, &w.Type)
		case "data":
			if s.null() {
				w.Data = nil
				return true
			}
			if w.Data == nil {
				w.Data = new(fastData)
			}
			return s.data(1, w.Data)
		case "sentAt":
			return s.wint(1, &w.SentAt)
		case "updatedAt":
			return s.wint(1, &w.UpdatedAt)
		case "deliveredAt":
			return s.wint(1, &w.DeliveredAt)
		case "readAt":
			return s.wint(1, &w.ReadAt)
		case "deliveredToMeAt":
			return s.wint(1, &w.DeliveredToMeAt)
		case "readByMeAt":
			return s.wint(1, &w.ReadByMeAt)
		case "editedAt":
			return s.wint(1, &w.EditedAt)
		case "editedBy":
			return s.wstr(1, &w.EditedBy)
		case "deletedAt":
			return s.wint(1, &w.DeletedAt)
		case "deletedBy":
			return s.wstr(1, &w.DeletedBy)
		case "parentId":
			return s.wint(1, &w.ParentID)
		case "replyCount":
			return s.wint(1, &w.ReplyCount)
		case "tags":
			return s.wstrs(1, &w.Tags)
		case "status":
			return s.wstr(1, &w.Status)
		}
		// myReceipt, receipts: left to encoding/json.
		return s.unknown(1, key, messageKeys)
	})
}

func (s *scanner) data(depth int, d *fastData) bool {
	return s.object(depth, func(key []byte) bool {
		switch string(key) {
		case "text":
			if s.null() {
				d.Text = nil
				return true
			}
			if s.peek() != '"' {
				return false
			}
			start := s.i
			plain, ok := s.str()
			if !ok {
				return false
			}
			var str string
			if in := s.b[start+1 : s.i-1]; plain || bytes.IndexByte(in, '\\') < 0 && utf8.Valid(in) {
				str = string(in)
			} else if json.Unmarshal(s.b[start:s.i], &str) != nil {
				return false
			}
			if d.Text == nil {
				d.Text = new(string)
			}
			*d.Text = str
			return true
		case "metadata":
			return s.wobj(depth+1, &d.Metadata)
		case "customData":
			return s.wobj(depth+1, &d.CustomData)
		case "subType":
			return s.wstr(depth+1, &d.SubType)
		case "url":
			return s.wstr(depth+1, &d.URL)
		case "action":
			return s.wstr(depth+1, &d.Action)
		case "attachments":
			return s.attachments(depth+1, &d.Attachments)
		case "extras":
			if s.null() {
				d.Extras = nil
				return true
			}
			if d.Extras == nil {
				d.Extras = new(wire.Extras)
			}
			return s.extras(depth+1, d.Extras)
		case "entities":
			if s.null() {
				d.Entities = nil
				return true
			}
			if d.Entities == nil {
				d.Entities = new(fastEntities)
			}
			return s.entities(depth+1, d.Entities)
		}
		return s.unknown(depth+1, key, dataKeys)
	})
}

func (s *scanner) attachments(depth int, dst *[]wire.Attachment) bool {
	if s.null() {
		*dst = nil
		return true
	}
	if *dst != nil || s.peek() != '[' {
		return false // a repeated key merges element by element in encoding/json
	}
	s.i++
	out := []wire.Attachment{}
	if s.peek() == ']' {
		s.i++
		*dst = out
		return true
	}
	for {
		var a wire.Attachment
		if !s.null() {
			ok := s.object(depth+1, func(key []byte) bool {
				switch string(key) {
				case "name":
					return s.wstr(depth+2, &a.Name)
				case "extension":
					return s.wstr(depth+2, &a.Extension)
				case "mimeType":
					return s.wstr(depth+2, &a.MimeType)
				case "size":
					return s.wint(depth+2, &a.Size)
				case "url":
					return s.wstr(depth+2, &a.URL)
				}
				return s.unknown(depth+2, key, attachmentKeys)
			})
			if !ok {
				return false
			}
		}
		out = append(out, a)
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			*dst = out
			return true
		default:
			return false
		}
	}
}

func (s *scanner) extras(depth int, e *wire.Extras) bool {
	return s.object(depth, func(key []byte) bool {
		if string(key) != "scope" {
			return s.unknown(depth+1, key, extrasKeys)
		}
		if s.null() {
			e.Scope = nil
			return true
		}
		if e.Scope == nil {
			e.Scope = new(wire.ScopeChange)
		}
		sc := e.Scope
		return s.object(depth+1, func(key []byte) bool {
			switch string(key) {
			case "old":
				return s.wstr(depth+2, &sc.Old)
			case "new":
				return s.wstr(depth+2, &sc.New)
			}
			return s.unknown(depth+2, key, scopeKeys)
		})
	})
}

func (s *scanner) entities(depth int, e *fastEntities) bool {
	return s.object(depth, func(key []byte) bool {
		var dst **fastRef
		switch string(key) {
		case "sender":
			dst = &e.Sender
		case "receiver":
			dst = &e.Receiver
		case "by":
			dst = &e.By
		case "on":
			dst = &e.On
		case "for":
			dst = &e.For
		default:
			return s.unknown(depth+1, key, entitiesKeys)
		}
		if s.null() {
			*dst = nil
			return true
		}
		if *dst == nil {
			*dst = new(fastRef)
		}
		return s.ref(depth+1, *dst)
	})
}

func (s *scanner) ref(depth int, r *fastRef) bool {
	return s.object(depth, func(key []byte) bool {
		switch string(key) {
		case "entityType":
			return s.wstr(depth+1, &r.EntityType)
		case "entity":
			if s.null() {
				r.Entity = nil
				return true
			}
			if r.Entity == nil {
				r.Entity = new(fastEntity)
			}
			return s.entity(depth+1, r.Entity)
		}
		return s.unknown(depth+1, key, refKeys)
	})
}

func (s *scanner) entity(depth int, e *fastEntity) bool {
	u := &e.User
	d := depth + 1
	return s.object(depth, func(key []byte) bool {
		switch string(key) {
		case "uid":
			return s.wstr(d, &u.UID)
		case "name":
			return s.wstr(d, &u.Name)
		case "avatar":
			return s.wstr(d, &u.Avatar)
		case "link":
			return s.wstr(d, &u.Link)
		case "role":
			return s.wstr(d, &u.Role)
		case "metadata":
			return s.wobj(d, &u.Metadata)
		case "status":
			return s.wstr(d, &u.Status)
		case "statusMessage":
			return s.wstr(d, &u.StatusMessage)
		case "lastActiveAt":
			return s.wint(d, &u.LastActiveAt)
		case "tags":
			return s.wstrs(d, &u.Tags)
		case "hasBlockedMe":
			return s.wbool(d, &u.HasBlockedMe)
		case "blockedByMe":
			return s.wbool(d, &u.BlockedByMe)
		case "deactivatedAt":
			return s.wint(d, &u.DeactivatedAt)
		case "createdAt":
			return s.wint(d, &u.CreatedAt)
		case "updatedAt":
			return s.wint(d, &u.UpdatedAt)
		case "authToken":
			return s.wstr(d, &u.AuthToken)
		case "jwt":
			return s.wstr(d, &u.JWT)
		case "settings":
			return s.wobj(d, &u.Settings)
		case "scope":
			return s.wstr(d, &u.Scope)
		case "joinedAt":
			return s.wint(d, &u.JoinedAt)
		case "guid":
			return s.wstr(d, &u.GUID)
		case "conversationId":
			return s.wstr(d, &e.ConversationID)
		case "blockedByMeAt":
			return s.wint(d, &e.BlockedByMeAt)
		case "blockedAt":
			return s.wint(d, &e.BlockedAt)
		case "type":
			return s.wstr(d, &e.Type)
		case "icon":
			return s.wstr(d, &e.Icon)
		case "description":
			return s.wstr(d, &e.Description)
		case "owner":
			return s.wstr(d, &e.Owner)
		case "hasJoined":
			return s.wbool(d, &e.HasJoined)
		case "membersCount":
			return s.wint(d, &e.MembersCount)
		case "updatedBy":
			return s.wstr(d, &e.UpdatedBy)
		case "onlineMembersCount":
			return s.wint(d, &e.OnlineMembersCount)
		}
		return s.unknown(d, key, entityKeys)
	})
}
