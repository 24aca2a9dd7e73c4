package wire

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

const (
	classNone entityClass = iota
	classUserGroup
	classMessage
	classCall
)
