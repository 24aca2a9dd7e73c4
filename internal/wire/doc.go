// Package wire holds the JSON shapes of CometChat's v3.0 protocol as they
// travel over REST and the websocket, and the SDK's one decoder of what the
// server sends.
//
// It owns the field names and the tolerance rules (ids and timestamps may
// arrive as numbers or as strings of digits); it must not know the public SDK
// types, listeners or transport.
//
// # Decoding
//
// DecodeMessage (a message object), DecodeFrame (a websocket frame: its
// envelope, and its body by frame type: a Message, or a SignalBody for
// typing_indicator, receipts, presence and transient_message) and
// DecodeMessageList (a REST message list) read their input once, without
// reflection, and fill the wire types whole: the message, its data, and each
// entity of data.entities decoded by its entityType (see EntityRef), nested
// messages and call entities included. MessageID, DecodeGroup and
// DecodeCallEntity serve the SDK's fallbacks.
//
// The result is, by definition, what json.Unmarshal into the same types
// gives, and a decoder fails exactly when json.Unmarshal fails: the same
// grammar and nesting limit (10000), the same key matching (the exact name,
// else the first field whose name equals the key case-insensitively, with
// encoding/json's Unicode folding; escaped keys are unescaped first),
// repeated keys as encoding/json treats them (the last wins; a pointer to a
// struct, and the elements of a slice, are decoded into what is there
// already), null as encoding/json treats it, strings unescaped and invalid
// UTF-8 replaced as it does, and the rules of each leaf type's UnmarshalJSON
// (Int, Str, Bool, Object, Strings). TestDecodeMatchesUnmarshal and
// FuzzDecodeMatchesUnmarshal hold every decoder to this, on the real SDK's
// captures, recorded call and signal frames, and anything the fuzzer makes of
// them.
//
// # Lenience
//
// Where encoding/json would reject a shape and the SDK accepts it, the SDK
// keeps the lenience it has always had, and that lenience is part of the
// types' own UnmarshalJSON methods (json.go), so that the equivalence above
// covers it too:
//
//   - A message's data (or a call entity's) that is not an object, or that
//     holds a value of the wrong type anywhere in it, is the zero
//     MessageData; the message still decodes.
//   - An entity of data.entities that is not an object, or does not decode
//     as its kind, has no typed value (EntityRef.User, Group, Message and
//     Call stay nil) while the message still decodes; its EntityType and raw
//     Entity are kept. Kinds other than user, group, message and call have
//     no typed value either. A reference that is neither an object nor null,
//     or whose entityType is not a string, is a wrong value of the data (so
//     the data is zero).
//   - A message's top-level sender or receiver (PartyID) is a string (a
//     number or boolean keeps its text), or the uid, failing that the guid,
//     of a user or group object; anything else is "".
//   - The user of a signal frame (UserOrUID) is a user object or a bare uid;
//     anything else, and an object that does not decode as a user, is nil.
//   - A frame whose body does not decode is still a frame (Frame.BodyErr),
//     a list element that does not decode is still an element
//     (ListItem.Err), and MessageID reads the id of a message that does not
//     decode, when that much is readable.
//
// Everything else that encoding/json rejects fails the decode: invalid JSON
// anywhere, nesting deeper than 10000, a value of the wrong type among a
// message's own fields (myReceipt and receipts included), in a signal body,
// or in a frame's envelope. So a message is unreadable exactly when it was
// before data and entities were decoded in the same pass, when only its own
// fields were (the fuzz target checks this too).
//
// A decode never panics, and takes time linear in its input. An entity is
// decoded as it is read: as its kind says when entityType came first, else as
// its first key suggests (servers send "entity" first). A wrong guess, a kind
// changed by a repeated key or a repeated reference without an entity costs
// one more decode of that entity, as every kind at once, remembered for the
// rest of the decode; never a new decode of the entities nested in it
// (TestDecodeIsLinear).
//
// Decoded raw values (json.RawMessage fields, Object) alias the input, with
// no spare capacity: the caller keeps the input unchanged while it uses them.
package wire
