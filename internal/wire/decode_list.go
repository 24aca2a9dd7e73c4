package wire

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
