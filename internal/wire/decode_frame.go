package wire

import (
	"errors"
)

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

const (
	bodyNone bodyClass = iota
	bodyMessage
	bodySignal
)
