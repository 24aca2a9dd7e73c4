package wire

import (
	"encoding/json"
)

// encoding/json's view of the structured types whose decoding is not a
// plain struct decode: what json.Unmarshal into them gives. It is the
// specification DecodeMessage, DecodeFrame and the other decoders of this
// package are held to (TestDecodeMatchesUnmarshal, FuzzDecodeMatchesUnmarshal):
// they give exactly the same result, and fail exactly when json.Unmarshal
// fails, without reflection and in one pass. The SDK itself never decodes
// these types with encoding/json.

// UnmarshalJSON implements json.Unmarshaler: b replaces the data; a data that
// is not an object, or that does not decode, is the zero MessageData.
func (d *MessageData) UnmarshalJSON(b []byte) error {
	type plain MessageData
	var p plain
	if len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &p) != nil {
		*d = MessageData{}
		return nil
	}
	*d = MessageData(p)
	return nil
}

// UnmarshalJSON implements json.Unmarshaler. null clears the reference. An
// object updates entityType and entity as encoding/json updates a struct (a
// repeated key keeps what the new object does not give again), then the
// entity is decoded by its kind: an entity that is not an object or that
// does not decode as its kind has no typed value, without error. A reference
// that is neither an object nor null, or whose entityType is not a string,
// is an error.
func (r *EntityRef) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*r = EntityRef{}
		return nil
	}
	v := struct {
		EntityType Str             `json:"entityType"`
		Entity     json.RawMessage `json:"entity"`
	}{r.EntityType, append(json.RawMessage(nil), r.Entity...)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = EntityRef{EntityType: v.EntityType, Entity: v.Entity}
	if len(r.Entity) == 0 || r.Entity[0] != '{' {
		return nil
	}
	switch r.EntityType {
	case "user":
		var u User
		if json.Unmarshal(r.Entity, &u) == nil {
			r.User = &u
		}
	case "group":
		var g Group
		if json.Unmarshal(r.Entity, &g) == nil {
			r.Group = &g
		}
	case "message":
		var m Message
		if json.Unmarshal(r.Entity, &m) == nil {
			r.Message = &m
		}
	case "call":
		var c CallEntity
		if json.Unmarshal(r.Entity, &c) == nil {
			r.Call = &c
		}
	}
	return nil
}

// UnmarshalJSON implements json.Unmarshaler; it never fails (see PartyID).
func (p *PartyID) UnmarshalJSON(b []byte) error {
	*p = ""
	if len(b) > 0 && b[0] == '{' {
		var u User
		if json.Unmarshal(b, &u) == nil && u.UID != "" {
			*p = PartyID(u.UID)
			return nil
		}
		var g Group
		if json.Unmarshal(b, &g) == nil {
			*p = PartyID(g.GUID)
		}
		return nil
	}
	var s Str
	if s.UnmarshalJSON(b) == nil {
		*p = PartyID(s)
	}
	return nil
}

// UnmarshalJSON implements json.Unmarshaler; it never fails (see UserOrUID).
func (u *UserOrUID) UnmarshalJSON(b []byte) error {
	u.User = nil
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '"':
		var uid string
		if json.Unmarshal(b, &uid) == nil {
			u.User = &User{UID: Str(uid)}
		}
	case '{':
		var w User
		if json.Unmarshal(b, &w) == nil {
			u.User = &w
		}
	}
	return nil
}
