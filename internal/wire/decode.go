package wire

import (
	"errors"
	"slices"
)

// The decoders of the protocol's shapes: messages with their data and
// entities, frames with their bodies, message lists. Each struct decoder
// matches a key first exactly (a switch), then as encoding/json does for a
// key that is no field's exact name (keyTable.fold); the key tables list the
// json names in field order, as TestKeyTablesMatchStructs checks.

// DecodeMessage decodes a message object into m (reset first): the message,
// its data and every entity of data.entities, in one pass. The result and
// the error cases are those of json.Unmarshal into a Message (see the
// package comment for what is lenient). null is an empty message.
func DecodeMessage(raw []byte, m *Message) error {
	*m = Message{}
	d := decoder{b: raw}
	return d.done(d.messageValue(m))
}

// messageValue decodes a value that should be a message, in the current
// scope: null leaves m as it is, anything but an object is a type error.
func (d *decoder) messageValue(m *Message) bool {
	switch d.peek() {
	case '{':
		return d.message(m)
	case 'n':
		return d.lit("null")
	}
	return d.mismatch()
}

var messageKeys = keys("id", "muid", "conversationId", "sender", "receiver", "receiverType", "category", "type",
	"data", "sentAt", "updatedAt", "deliveredAt", "readAt", "deliveredToMeAt", "readByMeAt", "myReceipt", "editedAt",
	"editedBy", "deletedAt", "deletedBy", "parentId", "replyCount", "tags", "status", "receipts")

// message decodes the message object at d.i.
func (d *decoder) message(m *Message) bool {
	if !d.enter() {
		return false
	}
	for first := true; ; first = false {
		key, done, ok := d.member(first)
		if !ok {
			return false
		}
		if done {
			return true
		}
		if !d.messageField(key, m) {
			return false
		}
	}
}

func (d *decoder) messageField(key []byte, m *Message) bool {
	switch string(key) {
	case "id":
		return d.int(&m.ID)
	case "muid":
		return d.str(&m.MUID)
	case "conversationId":
		return d.str(&m.ConversationID)
	case "sender":
		return d.party(&m.Sender)
	case "receiver":
		return d.party(&m.Receiver)
	case "receiverType":
		return d.str(&m.ReceiverType)
	case "category":
		return d.str(&m.Category)
	case "type":
		return d.str(&m.Type)
	case "data":
		hint := d.onHint
		d.onHint = classNone
		if m.Category == "call" {
			d.onHint = classCall
		}
		ok := d.messageData(&m.Data)
		d.onHint = hint
		return ok
	case "sentAt":
		return d.int(&m.SentAt)
	case "updatedAt":
		return d.int(&m.UpdatedAt)
	case "deliveredAt":
		return d.int(&m.DeliveredAt)
	case "readAt":
		return d.int(&m.ReadAt)
	case "deliveredToMeAt":
		return d.int(&m.DeliveredToMeAt)
	case "readByMeAt":
		return d.int(&m.ReadByMeAt)
	case "myReceipt":
		return structPtr(d, &m.MyReceipt, d.receipt)
	case "editedAt":
		return d.int(&m.EditedAt)
	case "editedBy":
		return d.str(&m.EditedBy)
	case "deletedAt":
		return d.int(&m.DeletedAt)
	case "deletedBy":
		return d.str(&m.DeletedBy)
	case "parentId":
		return d.int(&m.ParentID)
	case "replyCount":
		return d.int(&m.ReplyCount)
	case "tags":
		return d.strings(&m.Tags)
	case "status":
		return d.str(&m.Status)
	case "receipts":
		return structPtr(d, &m.Receipts, d.receipts)
	}
	if k := messageKeys.fold(key); k != nil {
		return d.messageField(k, m)
	}
	return d.skip()
}

// object walks the object at d.i (after the caller checked its '{'),
// calling field for each member; field consumes the member's value. (A
// closure that captures its destination, rather than a function taking it,
// keeps the destination on the caller's stack.)
func (d *decoder) object(field func(key []byte) bool) bool {
	if !d.enter() {
		return false
	}
	for first := true; ; first = false {
		key, done, ok := d.member(first)
		if !ok {
			return false
		}
		if done {
			return true
		}
		if !field(key) {
			return false
		}
	}
}

// structPtr decodes a *T field as encoding/json does: null sets nil, an
// object decodes into the existing value (a repeated key merges) or a new
// one, anything else is a type error.
func structPtr[T any](d *decoder, dst **T, decode func(*T) bool) bool {
	switch d.peek() {
	case 'n':
		if !d.lit("null") {
			return false
		}
		*dst = nil
		return true
	case '{':
		if *dst == nil {
			*dst = new(T)
		}
		return decode(*dst)
	}
	return d.mismatch()
}

// slice decodes a []T field as encoding/json does: null sets nil; an array
// decodes element i into the existing element i, within the capacity the
// slice already has (a repeated key merges), and an empty array is an empty
// slice; an element null leaves its element as it is; anything else is a
// type error.
func slice[T any](d *decoder, dst *[]T, decode func(*T) bool) bool {
	switch d.peek() {
	case 'n':
		if !d.lit("null") {
			return false
		}
		*dst = nil
		return true
	case '[':
	default:
		return d.mismatch()
	}
	if !d.enter() {
		return false
	}
	s := *dst
	i := 0
	for first := true; ; first = false {
		done, ok := d.elem(first)
		if !ok {
			return false
		}
		if done {
			break
		}
		if i >= cap(s) {
			s = slices.Grow(s, 1)
		}
		if i >= len(s) {
			s = s[:i+1]
		}
		switch d.peek() {
		case 'n':
			if !d.lit("null") {
				return false
			}
		case '{':
			if !decode(&s[i]) {
				return false
			}
		default:
			if !d.mismatch() {
				return false
			}
		}
		i++
	}
	if i < len(s) {
		s = s[:i]
	}
	if i == 0 {
		s = []T{}
	}
	*dst = s
	return true
}

var receiptKeys = keys("messageId", "recipient", "deliveredAt", "readAt")

func (d *decoder) receipt(r *Receipt) bool {
	return d.object(func(key []byte) bool { return d.receiptField(key, r) })
}

func (d *decoder) receiptField(key []byte, r *Receipt) bool {
	switch string(key) {
	case "messageId":
		return d.str(&r.MessageID)
	case "recipient":
		return d.raw((*[]byte)(&r.Recipient))
	case "deliveredAt":
		return d.int(&r.DeliveredAt)
	case "readAt":
		return d.int(&r.ReadAt)
	}
	if k := receiptKeys.fold(key); k != nil {
		return d.receiptField(k, r)
	}
	return d.skip()
}

var receiptsKeys = keys("data")

func (d *decoder) receipts(r *Receipts) bool {
	return d.object(func(key []byte) bool { return d.receiptsField(key, r) })
}

func (d *decoder) receiptsField(key []byte, r *Receipts) bool {
	if string(key) == "data" || receiptsKeys.fold(key) != nil {
		return slice(d, &r.Data, d.receipt)
	}
	return d.skip()
}

var dataKeys = keys("text", "metadata", "customData", "subType", "url", "attachments", "action", "extras", "entities")

// messageData decodes a MessageData field: its own lenient scope, replaced
// by the zero MessageData when it is not an object or holds a value of the
// wrong type.
func (d *decoder) messageData(dst *MessageData) bool {
	*dst = MessageData{}
	if d.peek() != '{' {
		return d.skip()
	}
	bad, at := d.scope()
	ok := d.object(func(key []byte) bool { return d.dataField(key, dst) })
	if !d.end(bad, at) {
		*dst = MessageData{}
	}
	return ok
}

func (d *decoder) dataField(key []byte, m *MessageData) bool {
	switch string(key) {
	case "text":
		return d.textPtr(&m.Text)
	case "metadata":
		return d.obj(&m.Metadata)
	case "customData":
		return d.obj(&m.CustomData)
	case "subType":
		return d.str(&m.SubType)
	case "url":
		return d.str(&m.URL)
	case "attachments":
		return slice(d, &m.Attachments, d.attachment)
	case "action":
		return d.str(&m.Action)
	case "extras":
		return structPtr(d, &m.Extras, d.extras)
	case "entities":
		if m.Action == "edited" || m.Action == "deleted" {
			d.onHint = classMessage
		}
		return structPtr(d, &m.Entities, d.entities)
	}
	if k := dataKeys.fold(key); k != nil {
		return d.dataField(k, m)
	}
	return d.skip()
}

var attachmentKeys = keys("name", "extension", "mimeType", "size", "url")

func (d *decoder) attachment(a *Attachment) bool {
	return d.object(func(key []byte) bool { return d.attachmentField(key, a) })
}

func (d *decoder) attachmentField(key []byte, a *Attachment) bool {
	switch string(key) {
	case "name":
		return d.str(&a.Name)
	case "extension":
		return d.str(&a.Extension)
	case "mimeType":
		return d.str(&a.MimeType)
	case "size":
		return d.int(&a.Size)
	case "url":
		return d.str(&a.URL)
	}
	if k := attachmentKeys.fold(key); k != nil {
		return d.attachmentField(k, a)
	}
	return d.skip()
}

var (
	extrasKeys = keys("scope")
	scopeKeys  = keys("old", "new")
)

func (d *decoder) extras(e *Extras) bool {
	return d.object(func(key []byte) bool { return d.extrasField(key, e) })
}

func (d *decoder) extrasField(key []byte, e *Extras) bool {
	if string(key) == "scope" || extrasKeys.fold(key) != nil {
		return structPtr(d, &e.Scope, d.scopeChange)
	}
	return d.skip()
}

func (d *decoder) scopeChange(s *ScopeChange) bool {
	return d.object(func(key []byte) bool { return d.scopeField(key, s) })
}

func (d *decoder) scopeField(key []byte, s *ScopeChange) bool {
	switch string(key) {
	case "old":
		return d.str(&s.Old)
	case "new":
		return d.str(&s.New)
	}
	if k := scopeKeys.fold(key); k != nil {
		return d.scopeField(k, s)
	}
	return d.skip()
}

var entitiesKeys = keys("sender", "receiver", "by", "on", "for")

func (d *decoder) entities(e *Entities) bool {
	return d.object(func(key []byte) bool { return d.entitiesField(key, e) })
}

func (d *decoder) entitiesField(key []byte, e *Entities) bool {
	switch string(key) {
	case "sender":
		return d.entityRef(&e.Sender, classNone)
	case "receiver":
		return d.entityRef(&e.Receiver, classNone)
	case "by":
		return d.entityRef(&e.By, classNone)
	case "on":
		return d.entityRef(&e.On, d.onHint)
	case "for":
		return d.entityRef(&e.For, classNone)
	}
	if k := entitiesKeys.fold(key); k != nil {
		return d.entitiesField(k, e)
	}
	return d.skip()
}

// entityClass is how an entity decodes: as a user or group (one decoder
// serves both), a message, a call entity, or not at all.
type entityClass uint8

const (
	classNone entityClass = iota
	classUserGroup
	classMessage
	classCall
)

func classOf(kind Str) entityClass {
	switch kind {
	case "user", "group":
		return classUserGroup
	case "message":
		return classMessage
	case "call":
		return classCall
	}
	return classNone
}

// guessClass guesses how the entity object at d.i decodes when its
// entityType has not been read yet (servers send "entity" first): by its
// first key, else as hint says (see decoder.onHint), else as a user or
// group. A wrong guess costs a second decode, never a wrong result.
func (d *decoder) guessClass(hint entityClass) entityClass {
	rest := d.b[d.i+1:]
	for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r') {
		rest = rest[1:]
	}
	switch {
	case hasKey(rest, "id"):
		return classMessage
	case hasKey(rest, "sessionid"), hasKey(rest, "sessionId"):
		return classCall
	case hint != classNone:
		return hint
	}
	return classUserGroup
}

func hasKey(b []byte, key string) bool {
	return len(b) >= len(key)+2 && b[0] == '"' && string(b[1:1+len(key)]) == key && b[1+len(key)] == '"'
}

// decodedEntity is an entity decoded as some class, or resolved (class
// classAll: decoded as every class at once).
type decodedEntity struct {
	class entityClass
	at    []byte // the entity's bytes
	ug    userGroup
	msg   *Message
	call  *CallEntity
	all   *resolved
}

// classAll marks a decodedEntity that holds a resolved entity.
const classAll entityClass = 255

// decodeEntity decodes the entity object at d.i as class c, in its own
// scope, speculatively: the entity's kind may turn out to be another.
func (d *decoder) decodeEntity(c entityClass, e *decodedEntity) bool {
	start := d.i
	e.class = c
	bad, at := d.scope()
	var ok bool
	switch c {
	case classUserGroup:
		e.ug = userGroup{}
		ok = d.userGroup(&e.ug)
	case classMessage:
		e.msg = new(Message)
		ok = d.message(e.msg)
		if d.bad {
			e.msg = nil
		}
	case classCall:
		e.call = new(CallEntity)
		ok = d.object(func(key []byte) bool { return d.callField(key, e.call) })
		if d.bad {
			e.call = nil
		}
	}
	d.end(bad, at)
	e.at = d.b[start:d.i:d.i]
	return ok
}

var refKeys = keys("entityType", "entity")

// entityRef decodes an EntityRef field as its UnmarshalJSON method does.
//
// The entity is decoded as it is read, as its kind says when entityType came
// first, else as its first key suggests (servers send "entity" first). When
// that turns out wrong (the kind is another, or changed by a repeated key,
// or the entity is an earlier one), the entity is resolved: decoded as every
// kind at once, once, with every entity nested in it (resolve). So each
// entity is decoded at most twice, whatever the input: a decode costs time
// linear in the input.
func (d *decoder) entityRef(r *EntityRef, hint entityClass) bool {
	switch d.peek() {
	case 'n':
		if !d.lit("null") {
			return false
		}
		*r = EntityRef{}
		return true
	case '{':
	default:
		return d.mismatch()
	}
	kind, ent := r.EntityType, []byte(r.Entity)
	var got decodedEntity
	if !d.enter() {
		return false
	}
	for first := true; ; first = false {
		key, done, ok := d.member(first)
		if !ok {
			return false
		}
		if done {
			break
		}
		if !d.refField(key, &kind, &ent, &got, hint) {
			return false
		}
	}
	*r = EntityRef{EntityType: kind, Entity: ent}
	if len(ent) == 0 || ent[0] != '{' {
		return true
	}
	c := classOf(kind)
	if c == classNone {
		return true
	}
	if got.class == classNone || &got.at[0] != &ent[0] || got.class != c && got.class != classAll {
		got.class, got.all = classAll, d.resolveSpan(ent)
	}
	if got.class == classAll {
		got.ug = got.all.ug
		got.msg, got.call = nil, nil
		if !got.all.msgBad {
			got.msg = &got.all.msg
		}
		if !got.all.callBad {
			got.call = &got.all.call
		}
	}
	switch {
	case kind == "user" && !got.ug.userBad:
		u := got.ug.u
		r.User = &u
	case kind == "group" && !got.ug.groupBad:
		r.Group = got.ug.group()
	case c == classMessage:
		r.Message = got.msg
	case c == classCall:
		r.Call = got.call
	}
	return true
}

func (d *decoder) refField(key []byte, kind *Str, ent *[]byte, got *decodedEntity, hint entityClass) bool {
	switch string(key) {
	case "entityType":
		return d.str(kind)
	case "entity":
		if d.peek() != '{' {
			got.class = classNone
			return d.raw(ent)
		}
		start := d.i
		if d.resolving {
			// Decode as every kind (or find it resolved).
			all, ok := d.resolveHere()
			if !ok {
				return false
			}
			got.class, got.all, got.at = classAll, all, d.b[start:d.i:d.i]
			*ent = got.at
			return true
		}
		c := classOf(*kind)
		if c == classNone && *kind == "" {
			c = d.guessClass(hint)
		}
		if c == classNone {
			got.class = classNone
			return d.raw(ent)
		}
		if !d.decodeEntity(c, got) {
			return false
		}
		*ent = got.at
		return true
	}
	if k := refKeys.fold(key); k != nil {
		return d.refField(k, kind, ent, got, hint)
	}
	return d.skip()
}

// resolved is an entity decoded as every kind at once.
type resolved struct {
	n       int // its length in bytes
	ug      userGroup
	msg     Message
	msgBad  bool
	call    CallEntity
	callBad bool
}

// resolveCache maps the first byte of each resolved entity to its decode.
type resolveCache map[*byte]*resolved

// resolveSpan resolves the entity ent, an object of the input that was read
// (and validated) already.
func (d *decoder) resolveSpan(ent []byte) *resolved {
	if d.cache == nil {
		d.cache = resolveCache{}
	}
	if all := d.cache[&ent[0]]; all != nil {
		return all
	}
	sub := decoder{b: ent, resolving: true, cache: d.cache}
	all, _ := sub.resolveHere()
	d.keysRead += sub.keysRead
	return all
}

// resolveHere resolves the entity object at d.i, or skips it when it was
// resolved already; d is a resolving reader. Entities nested in it are
// resolved in turn, each once.
func (d *decoder) resolveHere() (*resolved, bool) {
	if all := d.cache[&d.b[d.i]]; all != nil {
		d.i += all.n
		return all, true
	}
	start := d.i
	all := new(resolved)
	bad, at := d.scope()
	ok := d.resolve(all)
	d.end(bad, at)
	if !ok {
		return nil, false
	}
	all.n = d.i - start
	d.cache[&d.b[start]] = all
	return all, true
}

// resolve decodes the object at d.i as a user or group, a message and a
// call entity at once: each member is decoded by the first of them that has
// it, then read again from its bytes by the others (entities nested in it
// are resolved by the first read, and skipped by the others).
func (d *decoder) resolve(all *resolved) bool {
	if !d.enter() {
		return false
	}
	for first := true; ; first = false {
		key, done, ok := d.member(first)
		if !ok {
			return false
		}
		if done {
			return true
		}
		inUG, inMsg, inCall := userGroupKeys.has(key), messageKeys.has(key), callKeys.has(key)
		if !inUG && !inMsg && !inCall {
			if !d.skip() {
				return false
			}
			continue
		}
		d.ws()
		start := d.i
		read := d // the first reader decodes from d, the others from the value's bytes
		var end int
		next := func() *decoder {
			if read == d {
				end = d.i
				read = new(decoder)
			}
			d.keysRead += read.keysRead
			*read = decoder{b: d.b[:end], i: start, depth: d.depth, resolving: true, cache: d.cache}
			return read
		}
		if inUG {
			read.bad = false
			in, ok := read.userGroupField(key, &all.ug)
			if !ok {
				return false
			}
			if read.bad {
				all.ug.userBad = all.ug.userBad || in&inUser != 0
				all.ug.groupBad = all.ug.groupBad || in&inGroup != 0
			}
		}
		if inMsg {
			r := read
			if inUG {
				r = next()
			}
			r.bad = false
			if !r.messageField(key, &all.msg) {
				return false
			}
			all.msgBad = all.msgBad || r.bad
		}
		if inCall {
			r := read
			if inUG || inMsg {
				r = next()
			}
			r.bad = false
			if !r.callField(key, &all.call) {
				return false
			}
			all.callBad = all.callBad || r.bad
		}
		if read != d {
			d.keysRead += read.keysRead
		}
		d.bad = false
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

// userGroup is an entity decoded as a user and as a group at once (their
// fields overlap), with whether each decode failed.
type userGroup struct {
	u                  User
	gType              Str
	icon               Str
	description        Str
	owner              Str
	hasJoined          Bool
	membersCount       Int
	updatedBy          Str
	onlineMembersCount Int
	userBad, groupBad  bool
}

func (g *userGroup) group() *Group {
	u := &g.u
	return &Group{GUID: u.GUID, Name: u.Name, Type: g.gType, Icon: g.icon, Description: g.description, Owner: g.owner,
		Metadata: u.Metadata, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, HasJoined: g.hasJoined,
		JoinedAt: u.JoinedAt, MembersCount: g.membersCount, Scope: u.Scope, Tags: u.Tags,
		ConversationID: u.ConversationID, UpdatedBy: g.updatedBy, OnlineMembersCount: g.onlineMembersCount}
}

// Which of User and Group have a key.
const (
	inUser = 1 << iota
	inGroup
	inBoth = inUser | inGroup
)

// userGroupKeys are the json names of User, then those of Group that User
// lacks (no two of them fold alike, so one table serves both structs).
var userGroupKeys = keys("uid", "name", "avatar", "link", "role", "metadata", "status", "statusMessage",
	"lastActiveAt", "tags", "hasBlockedMe", "blockedByMe", "deactivatedAt", "createdAt", "updatedAt", "authToken",
	"jwt", "settings", "conversationId", "blockedByMeAt", "blockedAt", "scope", "joinedAt", "guid",
	"type", "icon", "description", "owner", "hasJoined", "membersCount", "updatedBy", "onlineMembersCount")

// userGroup decodes the object at d.i as a User and as a Group.
func (d *decoder) userGroup(g *userGroup) bool {
	bad, at := d.scope()
	if !d.enter() {
		return false
	}
	for first := true; ; first = false {
		key, done, ok := d.member(first)
		if !ok {
			return false
		}
		if done {
			break
		}
		d.bad = false
		in, ok := d.userGroupField(key, g)
		if !ok {
			return false
		}
		if d.bad {
			g.userBad = g.userBad || in&inUser != 0
			g.groupBad = g.groupBad || in&inGroup != 0
		}
	}
	d.end(bad, at)
	return true
}

func (d *decoder) userGroupField(key []byte, g *userGroup) (in int, ok bool) {
	u := &g.u
	switch string(key) {
	case "uid":
		return inUser, d.str(&u.UID)
	case "name":
		return inBoth, d.str(&u.Name)
	case "avatar":
		return inUser, d.str(&u.Avatar)
	case "link":
		return inUser, d.str(&u.Link)
	case "role":
		return inUser, d.str(&u.Role)
	case "metadata":
		return inBoth, d.obj(&u.Metadata)
	case "status":
		return inUser, d.str(&u.Status)
	case "statusMessage":
		return inUser, d.str(&u.StatusMessage)
	case "lastActiveAt":
		return inUser, d.int(&u.LastActiveAt)
	case "tags":
		return inBoth, d.strings(&u.Tags)
	case "hasBlockedMe":
		return inUser, d.bool(&u.HasBlockedMe)
	case "blockedByMe":
		return inUser, d.bool(&u.BlockedByMe)
	case "deactivatedAt":
		return inUser, d.int(&u.DeactivatedAt)
	case "createdAt":
		return inBoth, d.int(&u.CreatedAt)
	case "updatedAt":
		return inBoth, d.int(&u.UpdatedAt)
	case "authToken":
		return inUser, d.str(&u.AuthToken)
	case "jwt":
		return inUser, d.str(&u.JWT)
	case "settings":
		return inUser, d.obj(&u.Settings)
	case "conversationId":
		return inBoth, d.str(&u.ConversationID)
	case "blockedByMeAt":
		return inUser, d.int(&u.BlockedByMeAt)
	case "blockedAt":
		return inUser, d.int(&u.BlockedAt)
	case "scope":
		return inBoth, d.str(&u.Scope)
	case "joinedAt":
		return inBoth, d.int(&u.JoinedAt)
	case "guid":
		return inBoth, d.str(&u.GUID)
	case "type":
		return inGroup, d.str(&g.gType)
	case "icon":
		return inGroup, d.str(&g.icon)
	case "description":
		return inGroup, d.str(&g.description)
	case "owner":
		return inGroup, d.str(&g.owner)
	case "hasJoined":
		return inGroup, d.bool(&g.hasJoined)
	case "membersCount":
		return inGroup, d.int(&g.membersCount)
	case "updatedBy":
		return inGroup, d.str(&g.updatedBy)
	case "onlineMembersCount":
		return inGroup, d.int(&g.onlineMembersCount)
	}
	if k := userGroupKeys.fold(key); k != nil {
		return d.userGroupField(k, g)
	}
	return 0, d.skip()
}

var callKeys = keys("sessionid", "sessionId", "status", "type", "receiverType", "sender", "receiver", "initiatedAt",
	"joinedAt", "leftAt", "endedAt", "data")

func (d *decoder) callField(key []byte, c *CallEntity) bool {
	switch string(key) {
	case "sessionid":
		return d.str(&c.SessionID)
	case "sessionId":
		return d.str(&c.SessionIDAlt)
	case "status":
		return d.str(&c.Status)
	case "type":
		return d.str(&c.Type)
	case "receiverType":
		return d.str(&c.ReceiverType)
	case "sender":
		return d.str(&c.Sender)
	case "receiver":
		return d.str(&c.Receiver)
	case "initiatedAt":
		return d.int(&c.InitiatedAt)
	case "joinedAt":
		return d.int(&c.JoinedAt)
	case "leftAt":
		return d.int(&c.LeftAt)
	case "endedAt":
		return d.int(&c.EndedAt)
	case "data":
		return d.messageData(&c.Data)
	}
	if k := callKeys.fold(key); k != nil {
		return d.callField(k, c)
	}
	return d.skip()
}

// party decodes a PartyID; it never sets bad.
func (d *decoder) party(dst *PartyID) bool {
	switch d.peek() {
	case '{':
		var g userGroup
		if !d.userGroup(&g) {
			return false
		}
		switch {
		case !g.userBad && g.u.UID != "":
			*dst = PartyID(g.u.UID)
		case !g.groupBad:
			*dst = PartyID(g.u.GUID)
		default:
			*dst = ""
		}
		return true
	case '[':
		*dst = ""
		return d.skip()
	}
	var s Str
	if !d.str(&s) {
		return false
	}
	*dst = PartyID(s)
	return true
}

// userOrUID decodes a UserOrUID; it never sets bad.
func (d *decoder) userOrUID(dst *UserOrUID) bool {
	dst.User = nil
	switch d.peek() {
	case '"':
		start := d.i
		esc, nonASCII, ok := d.scanString()
		if !ok {
			return false
		}
		dst.User = &User{UID: Str(d.text(start, d.i, esc, nonASCII))}
		return true
	case '{':
		var g userGroup
		if !d.userGroup(&g) {
			return false
		}
		if !g.userBad {
			u := g.u
			dst.User = &u
		}
		return true
	}
	return d.skip()
}

var signalKeys = keys("action", "user", "metadata", "messageId", "timestamp", "data")

func (d *decoder) signalField(key []byte, s *SignalBody) bool {
	switch string(key) {
	case "action":
		return d.str(&s.Action)
	case "user":
		return d.userOrUID(&s.User)
	case "metadata":
		return d.obj(&s.Metadata)
	case "messageId":
		return d.int(&s.MessageID)
	case "timestamp":
		return d.int(&s.Timestamp)
	case "data":
		return d.obj(&s.Data)
	}
	if k := signalKeys.fold(key); k != nil {
		return d.signalField(k, s)
	}
	return d.skip()
}

// signalValue decodes a value that should be a signal body, in the current
// scope, as messageValue does a message.
func (d *decoder) signalValue(s *SignalBody) bool {
	switch d.peek() {
	case '{':
		return d.object(func(key []byte) bool { return d.signalField(key, s) })
	case 'n':
		return d.lit("null")
	}
	return d.mismatch()
}

// ErrNoBody is Frame.BodyErr for a message or signal frame without a body.
var ErrNoBody = errors.New("wire: the frame has no body")

// bodyClass is how a frame's body decodes.
type bodyClass uint8

const (
	bodyNone bodyClass = iota
	bodyMessage
	bodySignal
)

func bodyClassOf(frameType Str) bodyClass {
	switch frameType {
	case "message":
		return bodyMessage
	case "typing_indicator", "receipts", "presence", "transient_message":
		return bodySignal
	}
	return bodyNone
}

// DecodeFrame decodes a websocket frame into f (reset first): the envelope,
// as json.Unmarshal into an Envelope, and in the same pass the body by frame
// type, as json.Unmarshal into a Message ("message") or a SignalBody
// (typing_indicator, receipts, presence, transient_message). It fails only
// when the frame is not valid JSON or the envelope does not decode (null is
// an empty frame); a body that does not decode sets f.BodyErr. f.Body and the
// raw values of the result alias raw.
func DecodeFrame(raw []byte, f *Frame) error {
	*f = Frame{}
	d := decoder{b: raw}
	var ok bool
	switch d.peek() {
	case '{':
		ok = d.frame(f)
	case 'n':
		ok = d.lit("null")
	default:
		ok = d.mismatch()
	}
	return d.done(ok)
}

var envelopeKeys = keys("appId", "receiver", "receiverType", "deviceId", "type", "sender", "messageSender", "body",
	"action")

// frameBody is what the frame decoder knows of the body so far.
type frameBody struct {
	class bodyClass // the class the body was decoded as
	at    []byte    // the body it was decoded from
	err   error
}

func (d *decoder) frame(f *Frame) bool {
	var body frameBody
	if !d.enter() {
		return false
	}
	for first := true; ; first = false {
		key, done, ok := d.member(first)
		if !ok {
			return false
		}
		if done {
			break
		}
		if !d.envelopeField(key, f, &body) {
			return false
		}
	}
	c := bodyClassOf(f.Type)
	switch {
	case c == bodyNone || len(f.Body) == 0:
		f.Message, f.Signal = Message{}, SignalBody{}
		if c != bodyNone {
			f.BodyErr = ErrNoBody
		}
	case body.class != c || &body.at[0] != &f.Body[0]:
		// The type came after the body, or changed: decode the body
		// again from its bytes (already validated).
		sub := decoder{b: f.Body}
		sub.body(c, f, &body)
		d.keysRead += sub.keysRead
		f.BodyErr = body.err
	default:
		f.BodyErr = body.err
	}
	return true
}

// body decodes the body at d.i as class c, in its own scope.
func (d *decoder) body(c bodyClass, f *Frame, body *frameBody) bool {
	f.Message, f.Signal = Message{}, SignalBody{}
	d.ws()
	start := d.i
	bad, at := d.scope()
	var ok bool
	if c == bodyMessage {
		ok = d.messageValue(&f.Message)
	} else {
		ok = d.signalValue(&f.Signal)
	}
	body.class, body.at, body.err = c, d.b[start:d.i:d.i], nil
	if d.bad {
		body.err = &TypeError{Offset: d.badAt}
		f.Message, f.Signal = Message{}, SignalBody{}
	}
	d.end(bad, at)
	return ok
}

func (d *decoder) envelopeField(key []byte, f *Frame, body *frameBody) bool {
	switch string(key) {
	case "appId":
		return d.str(&f.AppID)
	case "receiver":
		return d.str(&f.Receiver)
	case "receiverType":
		return d.str(&f.ReceiverType)
	case "deviceId":
		return d.str(&f.DeviceID)
	case "type":
		return d.str(&f.Type)
	case "sender":
		return d.str(&f.Sender)
	case "messageSender":
		return d.str(&f.MessageSender)
	case "body":
		if c := bodyClassOf(f.Type); c != bodyNone {
			if !d.body(c, f, body) {
				return false
			}
			f.Body = body.at
			return true
		}
		body.class = bodyNone
		return d.raw((*[]byte)(&f.Body))
	case "action":
		return d.str(&f.Action)
	}
	if k := envelopeKeys.fold(key); k != nil {
		return d.envelopeField(k, f, body)
	}
	return d.skip()
}

// ListItem is one element of a message list.
type ListItem struct {
	Raw     []byte // the element as sent (aliasing the list's bytes)
	Message Message
	Err     error // why the element did not decode as a message
}

// DecodeMessageList decodes a JSON array of messages in one pass. It fails
// only when raw is not valid JSON or not an array (null is an empty list);
// an element that does not decode has its Err set, and the others decode
// all the same (each as DecodeMessage would).
func DecodeMessageList(raw []byte) ([]ListItem, error) {
	d := decoder{b: raw}
	var items []ListItem
	var ok bool
	switch d.peek() {
	case 'n':
		ok = d.lit("null")
	case '[':
		ok = d.messageList(&items)
	default:
		ok = d.mismatch()
	}
	if err := d.done(ok); err != nil {
		return nil, err
	}
	return items, nil
}

func (d *decoder) messageList(items *[]ListItem) bool {
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
		*items = append(*items, ListItem{})
		it := &(*items)[len(*items)-1]
		start := d.i
		bad, at := d.scope()
		if !d.messageValue(&it.Message) {
			return false
		}
		if d.bad {
			it.Message, it.Err = Message{}, &TypeError{Offset: d.badAt}
		}
		d.end(bad, at)
		it.Raw = d.b[start:d.i:d.i]
	}
}

// MessageID returns the id of a message that DecodeMessage may reject, as
// json.Unmarshal into struct{ID Int `json:"id"`} reads it: ok is false when
// raw is not valid JSON, not an object, or has an id that is not an Int.
func MessageID(raw []byte) (id Int, ok bool) {
	d := decoder{b: raw}
	switch d.peek() {
	case '{':
		ok = d.object(func(key []byte) bool {
			if string(key) == "id" || idKeys.fold(key) != nil {
				return d.int(&id)
			}
			return d.skip()
		})
	case 'n':
		ok = d.lit("null")
	default:
		ok = d.mismatch()
	}
	if d.done(ok) != nil {
		return 0, false
	}
	return id, true
}

var idKeys = keys("id")

// DecodeGroup decodes a group object as json.Unmarshal into a Group would.
func DecodeGroup(raw []byte, g *Group) error {
	*g = Group{}
	d := decoder{b: raw}
	var ok bool
	switch d.peek() {
	case '{':
		var ug userGroup
		if ok = d.userGroup(&ug); ok {
			if ug.groupBad {
				d.bad = true
			}
			*g = *ug.group()
		}
	case 'n':
		ok = d.lit("null")
	default:
		ok = d.mismatch()
	}
	return d.done(ok)
}

// DecodeCallEntity decodes a call entity as json.Unmarshal into a CallEntity
// would.
func DecodeCallEntity(raw []byte, c *CallEntity) error {
	*c = CallEntity{}
	d := decoder{b: raw}
	var ok bool
	switch d.peek() {
	case '{':
		ok = d.object(func(key []byte) bool { return d.callField(key, c) })
	case 'n':
		ok = d.lit("null")
	default:
		ok = d.mismatch()
	}
	return d.done(ok)
}
