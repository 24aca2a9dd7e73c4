package wire

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Reference decodes: encoding/json into the same types.

// refFrame is what DecodeFrame must give: json.Unmarshal into an Envelope,
// then of its body into a Message or a SignalBody by frame type. bodyErr
// reports a body that does not decode.
func refFrame(raw []byte) (f Frame, bodyErr bool, err error) {
	if err := json.Unmarshal(raw, &f.Envelope); err != nil {
		return Frame{}, false, err
	}
	switch bodyClassOf(f.Type) {
	case bodyMessage:
		if len(f.Body) == 0 || json.Unmarshal(f.Body, &f.Message) != nil {
			f.Message, bodyErr = Message{}, true
		}
	case bodySignal:
		if len(f.Body) == 0 || json.Unmarshal(f.Body, &f.Signal) != nil {
			f.Signal, bodyErr = SignalBody{}, true
		}
	}
	return f, bodyErr, nil
}

// legacyMessage is the message as the SDK decoded it before this package
// decoded messages whole: data and parties raw, each decoded on its own
// later, leniently. A message is unreadable exactly when json.Unmarshal
// into legacyMessage fails, then and now.
type legacyMessage struct {
	ID              Int             `json:"id"`
	MUID            Str             `json:"muid"`
	ConversationID  Str             `json:"conversationId"`
	Sender          json.RawMessage `json:"sender"`
	Receiver        json.RawMessage `json:"receiver"`
	ReceiverType    Str             `json:"receiverType"`
	Category        Str             `json:"category"`
	Type            Str             `json:"type"`
	Data            json.RawMessage `json:"data"`
	SentAt          Int             `json:"sentAt"`
	UpdatedAt       Int             `json:"updatedAt"`
	DeliveredAt     Int             `json:"deliveredAt"`
	ReadAt          Int             `json:"readAt"`
	DeliveredToMeAt Int             `json:"deliveredToMeAt"`
	ReadByMeAt      Int             `json:"readByMeAt"`
	MyReceipt       *Receipt        `json:"myReceipt"`
	EditedAt        Int             `json:"editedAt"`
	EditedBy        Str             `json:"editedBy"`
	DeletedAt       Int             `json:"deletedAt"`
	DeletedBy       Str             `json:"deletedBy"`
	ParentID        Int             `json:"parentId"`
	ReplyCount      Int             `json:"replyCount"`
	Tags            Strings         `json:"tags"`
	Status          Str             `json:"status"`
	Receipts        *struct {
		Data []Receipt `json:"data"`
	} `json:"receipts"`
}

// legacySignal is a signal body as the SDK decoded it before, its user raw
// (then decoded with DecodeUser).
type legacySignal struct {
	Action    Str             `json:"action"`
	User      json.RawMessage `json:"user"`
	Metadata  Object          `json:"metadata"`
	MessageID Int             `json:"messageId"`
	Timestamp Int             `json:"timestamp"`
	Data      Object          `json:"data"`
}

// checked counts what checkDecode saw decode.
type checked struct {
	messages, frames, bodies, lists int
}

// checkDecode holds every decoder of the package to encoding/json on raw:
// the same error cases and the same result. It also checks that the
// lenience is today's: a message or a signal body is unreadable exactly
// when it was before.
func checkDecode(t testing.TB, raw []byte) (c checked) {
	t.Helper()
	// DecodeMessage.
	var got, want Message
	gerr := DecodeMessage(raw, &got)
	werr := json.Unmarshal(raw, &want)
	switch {
	case (gerr == nil) != (werr == nil):
		t.Errorf("DecodeMessage: error %v, json.Unmarshal: error %v, for %q", gerr, werr, raw)
	case gerr == nil && !reflect.DeepEqual(got, want):
		t.Errorf("DecodeMessage and json.Unmarshal differ for %q\ndecode: %#v\njson:   %#v", raw, got, want)
	case gerr == nil:
		c.messages++
	}
	var legacy legacyMessage
	if lerr := json.Unmarshal(raw, &legacy); (lerr == nil) != (gerr == nil) {
		t.Errorf("DecodeMessage: error %v, but before: error %v, for %q", gerr, lerr, raw)
	}

	// DecodeFrame.
	var f Frame
	ferr := DecodeFrame(raw, &f)
	wf, wBodyErr, wferr := refFrame(raw)
	switch {
	case (ferr == nil) != (wferr == nil):
		t.Errorf("DecodeFrame: error %v, json.Unmarshal: error %v, for %q", ferr, wferr, raw)
	case ferr != nil:
	case (f.BodyErr != nil) != wBodyErr:
		t.Errorf("DecodeFrame: body error %v, json.Unmarshal: body error %v, for %q", f.BodyErr, wBodyErr, raw)
	default:
		f.BodyErr = nil
		if !reflect.DeepEqual(f, wf) {
			t.Errorf("DecodeFrame and json.Unmarshal differ for %q\ndecode: %#v\njson:   %#v", raw, f, wf)
		}
		c.frames++
		if bodyClassOf(f.Type) != bodyNone && !wBodyErr {
			c.bodies++
		}
	}
	if ferr == nil && bodyClassOf(f.Type) == bodySignal {
		// Before: the body decoded into legacySignal, then its user with
		// DecodeUser; the frame was dropped when either failed (or gave
		// no user).
		var ls legacySignal
		lerr := json.Unmarshal(wf.Body, &ls)
		if len(wf.Body) == 0 {
			lerr = ErrNoBody
		}
		if (lerr == nil) != !wBodyErr {
			t.Errorf("signal body: readable %v, but before: error %v, for %q", !wBodyErr, lerr, raw)
		}
		if lerr == nil {
			u, _ := DecodeUser(ls.User)
			if !reflect.DeepEqual(u, f.Signal.User.User) {
				t.Errorf("signal user %#v, but before %#v, for %q", f.Signal.User.User, u, raw)
			}
		}
	}

	// DecodeMessageList.
	items, lerr := DecodeMessageList(raw)
	var raws []json.RawMessage
	wlerr := json.Unmarshal(raw, &raws)
	switch {
	case (lerr == nil) != (wlerr == nil):
		t.Errorf("DecodeMessageList: error %v, json.Unmarshal: error %v, for %q", lerr, wlerr, raw)
	case lerr != nil:
	case len(items) != len(raws):
		t.Errorf("DecodeMessageList: %d items, json.Unmarshal %d, for %q", len(items), len(raws), raw)
	default:
		for i, r := range raws {
			var m Message
			err := json.Unmarshal(r, &m)
			it := items[i]
			if !bytes.Equal(it.Raw, r) || (it.Err == nil) != (err == nil) || err == nil && !reflect.DeepEqual(it.Message, m) {
				t.Errorf("DecodeMessageList item %d differs from json.Unmarshal for %q\ndecode: %q %v %#v\njson:   %q %v %#v",
					i, raw, it.Raw, it.Err, it.Message, r, err, m)
			}
		}
		c.lists++
	}

	// MessageID.
	id, ok := MessageID(raw)
	var w struct {
		ID Int `json:"id"`
	}
	if err := json.Unmarshal(raw, &w); ok != (err == nil) || ok && id != w.ID {
		t.Errorf("MessageID: %d %v, json.Unmarshal: %d %v, for %q", id, ok, w.ID, err, raw)
	}

	// DecodeGroup, DecodeCallEntity.
	var g, wg Group
	if err, werr := DecodeGroup(raw, &g), json.Unmarshal(raw, &wg); (err == nil) != (werr == nil) || err == nil && !reflect.DeepEqual(g, wg) {
		t.Errorf("DecodeGroup: %#v %v, json.Unmarshal: %#v %v, for %q", g, err, wg, werr, raw)
	}
	var ce, wce CallEntity
	if err, werr := DecodeCallEntity(raw, &ce), json.Unmarshal(raw, &wce); (err == nil) != (werr == nil) || err == nil && !reflect.DeepEqual(ce, wce) {
		t.Errorf("DecodeCallEntity: %#v %v, json.Unmarshal: %#v %v, for %q", ce, err, wce, werr, raw)
	}
	return c
}

// The corpus: what the SDK receives.

// recorded returns the frames of testdata/frames.jsonl (calls and signals
// from the fake server) and of the real SDK's captures, the benchmark
// frames, and every message object, message list and entity in them.
func recorded(t testing.TB) [][]byte {
	t.Helper()
	var out [][]byte
	seen := map[string]bool{}
	add := func(b []byte) {
		if !seen[string(b)] {
			seen[string(b)] = true
			out = append(out, b)
		}
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			_, cat := x["category"]
			_, ent := x["entityType"]
			_, body := x["body"]
			if cat || ent || body {
				b, _ := json.Marshal(x)
				add(b)
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			if len(x) > 0 {
				if m, ok := x[0].(map[string]any); ok && m["category"] != nil {
					b, _ := json.Marshal(x)
					add(b) // a message list
				}
			}
			for _, e := range x {
				walk(e)
			}
		}
	}
	lines := func(name string) {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		for sc.Scan() {
			line := append([]byte(nil), sc.Bytes()...)
			var rec struct {
				Frame json.RawMessage `json:"frame"`
			}
			if json.Unmarshal(line, &rec) == nil && len(rec.Frame) > 0 {
				add(rec.Frame) // a capture record: its frame as sent
			} else if bytes.HasPrefix(line, []byte(`{"appId"`)) {
				add(line) // a recorded frame as sent
			}
			var v any
			if json.Unmarshal(line, &v) == nil {
				walk(v)
			}
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob("../../testdata/captures/*.jsonl")
	if len(files) == 0 {
		t.Fatal("no captures")
	}
	for _, name := range append(files, "testdata/frames.jsonl") {
		lines(name)
	}
	raw, err := os.ReadFile("../../testdata/bench/frames.json")
	if err != nil {
		t.Fatal(err)
	}
	var frames map[string]json.RawMessage
	if err := json.Unmarshal(raw, &frames); err != nil {
		t.Fatal(err)
	}
	for _, f := range frames {
		var b bytes.Buffer
		if err := json.Compact(&b, f); err != nil {
			t.Fatal(err)
		}
		add(b.Bytes())
		add(f) // indented
		var v any
		if json.Unmarshal(f, &v) == nil {
			walk(v)
		}
	}
	return out
}

// variants are edits of the recorded documents: odd but valid shapes
// (case-folded, escaped and repeated keys, values of other types, other
// entity kinds, other key orders) and invalid ones.
var variants = [][2]string{
	// Keys as encoding/json matches them.
	{`"id":`, `"ID":`},
	{`"id":`, `"i\u0064":`},
	{`"uid":`, `"UID":`},
	{`"sender":`, `"ſender":`},
	{`"sessionid":`, `"SessionID":`},
	{`"sessionid":`, `"sessionId":"alt","sessionid":`},
	{`"sessionid":`, `"sessionId":`},
	{`"status":`, `"\u0073tatus":`},
	{`"entityType":`, `"ENTITYTYPE":`},
	{`"entity":`, `"Entity":`},
	{`"body":`, `"Body":`},
	{`"type":`, `"TYPE":`},
	{`"blockedByMe":`, `"blockedbyme":`},
	{`"lastActiveAt":`, `"lastActive\u212At":`},
	{`"text":`, `"te\u0078t":`},
	// Repeated keys.
	{`"data":{`, `"data":{"text":"a","text":null,`},
	{`"data":{`, `"data":{"entities":{"sender":{"entity":{"uid":"first"}}},`},
	{`"data":{`, `"data":{"attachments":[{"name":"a","size":3},null,{"size":"12"}],"attachments":[{"url":"u"},null],`},
	{`"data":{`, `"data":{"attachments":[],"attachments":[{"name":"b"}],`},
	{`"data":{`, `"data":{"attachments":[],`},
	{`"data":{`, `"data":{"attachments":[{"name":"a"},{"name":"b"},{"name":"c"}],"attachments":[{"url":"u"},null],"attachments":[null,{"size":1},{"size":2},{"size":3}],`},
	{`"data":{`, `"data":{"extras":{"scope":{"old":"admin"}},"extras":{"scope":{"new":"moderator"}},`},
	{`"by":{`, `"by":null,"by":{`},
	{`"by":{`, `"by":{"entityType":"group"},"by":{`},
	{`"on":{`, `"on":{"entity":{"uid":"x"}},"on":{`},
	{`"entityType":"user"}`, `"entityType":"user","entityType":"group"}`},
	{`"entityType":"call"}`, `"entityType":"call","entityType":"user"}`},
	{`"entity":{`, `"entity":"str","entity":{`},
	{`"entity":{`, `"entity":{"uid":"u0"},"entity":{`},
	{`,"entityType":"user"}`, `,"entityType":"user"},"sender":{"entityType":"group"}`},
	{`,"entityType":"user"}`, `,"entityType":"user"},"receiver":{"entity":{"uid":"late","guid":"g"}}`},
	{`,"entityType":"call"}`, `,"entityType":"call"},"on":{"entityType":"message"}`},
	{`"body":{`, `"body":{"id":"1","data":{"text":"first"}},"body":{`},
	{`"body":{`, `"body":{"user":"a"},"type":"receipts","body":{`},
	{`"myReceipt":{`, `"myReceipt":{"readAt":5},"myReceipt":{`},
	{`"category":`, `"receipts":{"data":[{"readAt":1},{"deliveredAt":2}]},"receipts":{"data":[{"messageId":"m"}]},"category":`},
	{`"category":`, `"receipts":{"data":[]},"category":`},
	// Entity kinds and orders.
	{`"entityType":"user"`, `"entityType":"group"`},
	{`"entityType":"user"`, `"entityType":"message"`},
	{`"entityType":"user"`, `"entityType":"call"`},
	{`"entityType":"group"`, `"entityType":"other"`},
	{`"entityType":"call"`, `"entityType":"user"`},
	{`"entityType":"message"`, `"entityType":"group"`},
	{`"by":{"entity":`, `"by":{"entityType":"user","entity":`},
	{`"on":{"entity":`, `"on":{"entityType":"call","entity":`},
	{`"on":{"entity":`, `"on":{"entityType":"message","entity":`},
	{`"sender":{"entity":`, `"sender":{"entityType":"group","entity":`},
	{`"entity":{`, `"entity":{"id":"7","uid":"x",`},
	{`"entity":{`, `"entity":{"sessionid":"s","uid":"x",`},
	// Values of other types.
	{`"entityType":"user"`, `"entityType":"user","entity":null`},
	{`"entity":{`, `"entity":null,"x":{`},
	{`"entity":{`, `"entity":{"uid":{},`},
	{`"entity":{`, `"entity":{"membersCount":"many",`},
	{`"entity":{`, `"entity":{"lastActiveAt":"soon",`},
	{`"entityType":"user"`, `"entityType":{}`},
	{`"entityType":"user"`, `"entityType":7`},
	{`"for":{`, `"for":5,"x":{`},
	{`"entities":{`, `"entities":[],"z":{`},
	{`"data":{`, `"data":null,"x":{`},
	{`"data":{`, `"data":"","x":{`},
	{`"data":{`, `"data":{"attachments":"x",`},
	{`"data":{`, `"data":{"text":5,`},
	{`"data":{`, `"data":{"extras":{"scope":{"old":1,"new":true}},`},
	{`"data":{`, `"data":{"extras":[],`},
	{`"data":{`, `"data":{"metadata":{"a":[1,2,{"b":null}]},"text":"\u00e9\n\"\ud83d\ude00",`},
	{`"data":{`, `"data":{"text":"caf` + "\xc3\xa9" + `","x":"` + "\xff" + `",`},
	{`"data":{`, `"data":{"text":"\ud800x\udc00\ud83d",`},
	{`"data":{`, `"data":{"customData":{"k":[]},"subType":7,"url":null,`},
	{`"sentAt":`, `"sentAt":"17","s":`},
	{`"sentAt":`, `"sentAt":1.5e3,"s":`},
	{`"sentAt":`, `"sentAt":12345678901234567890,"s":`},
	{`"sentAt":`, `"sentAt":-0,"s":`},
	{`"sentAt":`, `"sentAt":" 5","s":`},
	{`"sentAt":`, `"sentAt":"+5","s":`},
	{`"sentAt":`, `"sentAt":"0x1p4","s":`},
	{`"sentAt":`, `"sentAt":"\u0031\u0032","s":`},
	{`"sentAt":`, `"sentAt":{},"s":`},
	{`"sentAt":`, `"sentAt":true,"s":`},
	{`"initiatedAt":`, `"initiatedAt":"later","i":`},
	{`"uid":`, `"uid":12,"x":`},
	{`"uid":`, `"uid":false,"x":`},
	{`"hasJoined":`, `"hasJoined":"1","x":`},
	{`"hasBlockedMe":`, `"hasBlockedMe":"yes","x":`},
	{`"category":`, `"tags":["a",7,null],"category":`},
	{`"category":`, `"tags":"a,b","category":`},
	{`"category":`, `"tags":{},"category":`},
	{`"category":`, `"myReceipt":5,"category":`},
	{`"category":"message"`, `"category":"call"`},
	{`"category":"action"`, `"category":"message"`},
	{`"category":"call"`, `"category":"custom"`},
	{`"metadata":`, `"metadata":"","y":`},
	{`"metadata":`, `"metadata":[1],"y":`},
	{`"sender":"`, `"sender":7,"zz":"`},
	{`"sender":"`, `"sender":{"uid":"obj"},"x":"`},
	{`"sender":"`, `"sender":{"guid":"g"},"x":"`},
	{`"receiver":"`, `"receiver":{"uid":5,"guid":"g2"},"x":"`},
	{`"receiver":"`, `"receiver":{"uid":"","guid":"g3","type":[]},"x":"`},
	{`"receiver":"`, `"receiver":[1],"x":"`},
	{`"receiver":"`, `"receiver":{},"x":"`},
	{`"user":{`, `"user":"bob","u":{`},
	{`"user":{`, `"user":5,"u":{`},
	{`"user":{`, `"user":{"uid":[]},"u":{`},
	{`"user":{`, `"user":null,"u":{`},
	{`"messageId":`, `"messageId":{},"m":`},
	{`"timestamp":`, `"timestamp":"x","t":`},
	{`"action":`, `"action":[],"a":`},
	// Frames.
	{`"type":"message"`, `"type":"receipts"`},
	{`"type":"message"`, `"type":"typing_indicator"`},
	{`"type":"typing_indicator"`, `"type":"message"`},
	{`"type":"presence"`, `"type":"transient_message"`},
	{`"type":`, `"type": "message" ,"t":`},
	{`"body":`, `"body": null,"b":`},
	{`"body":`, `"type":"message","body":`},
	{`"deviceId":`, `"deviceId":null,"d":`},
	{`"body":`, `"bodx":`},
	{`"deviceId":`, `"deviceId":{},"d":`},
	{`"receiver":`, `"receiver":[],"r":`},
	// Syntax.
	{`{`, ` { `},
	{`}`, `]`},
	{`"`, `'`},
	{`:`, `:01`},
	{`:`, `:-`},
	{`:`, `:1.`},
	{`:`, `:1e`},
	{`:`, `:tru`},
	{`,`, `,,`},
	{`,`, ` , `},
	{`"text":"`, `"text":"` + "\x01"},
	{`"text":"`, `"text":"\x"`},
	{`"text":"`, `"text":"\u12"`},
	{`"text":"`, `"text":"\'`},
}

// moveTypeLast moves a frame's "type" member after its body (servers send
// it before).
func moveTypeLast(s string) (string, bool) {
	for _, typ := range []string{"message", "typing_indicator", "receipts", "presence", "transient_message"} {
		m := `"type":"` + typ + `",`
		if strings.HasPrefix(s, `{"appId"`) && strings.Contains(s, m) && strings.HasSuffix(s, "}") {
			return strings.Replace(s, m, "", 1)[:len(s)-len(m)-1] + `,"type":"` + typ + `"}`, true
		}
	}
	return "", false
}

// structure is raw with its string and number values blanked: documents of
// one structure exercise the decoder alike.
func structure(raw []byte) string {
	var b strings.Builder
	d := decoder{b: raw}
	for d.i < len(raw) {
		switch c := raw[d.i]; {
		case c == '"':
			start := d.i
			if _, _, ok := d.scanString(); !ok {
				return string(raw)
			}
			if d.peek() == ':' {
				b.Write(raw[start:d.i]) // a key
			} else {
				b.WriteString(`""`)
			}
		case c == '-' || isDigit(c):
			if !d.scanNumber() {
				return string(raw)
			}
			b.WriteByte('0')
		default:
			b.WriteByte(c)
			d.i++
		}
	}
	return b.String()
}

func corpus(t testing.TB) [][]byte {
	t.Helper()
	out := recorded(t)
	seen := map[string]bool{}
	var bases [][]byte
	for _, m := range out {
		if k := structure(m); !seen[k] {
			seen[k] = true
			bases = append(bases, m)
		}
	}
	for _, m := range bases {
		s := string(m)
		for _, r := range variants {
			if strings.Contains(s, r[0]) {
				out = append(out, []byte(strings.Replace(s, r[0], r[1], 1)))
			}
		}
		if v, ok := moveTypeLast(s); ok {
			out = append(out, []byte(v))
		}
		out = append(out, []byte(s+" "), []byte(s+"x"), []byte(s[:len(s)/2]), []byte("["+s+","+s+"]"))
	}
	return out
}

// TestDecodeMatchesUnmarshal checks every decoder against encoding/json on
// the recorded traffic and its variants.
func TestDecodeMatchesUnmarshal(t *testing.T) {
	docs := corpus(t)
	var total checked
	for _, raw := range docs {
		c := checkDecode(t, raw)
		total.messages += c.messages
		total.frames += c.frames
		total.bodies += c.bodies
		total.lists += c.lists
	}
	t.Logf("%d documents: %d decoded as messages, %d as frames (%d with a decoded body), %d as message lists",
		len(docs), total.messages, total.frames, total.bodies, total.lists)
	if total.messages < len(docs)/10 || total.bodies < 200 || total.lists < 100 {
		t.Fatalf("the corpus holds too few real shapes: %+v of %d", total, len(docs))
	}
}

// FuzzDecodeMatchesUnmarshal: whatever the input, every decoder agrees with
// encoding/json (and a message or signal body is unreadable exactly when it
// was before this package decoded them whole).
func FuzzDecodeMatchesUnmarshal(f *testing.F) {
	for _, raw := range recorded(f) {
		f.Add(raw)
	}
	f.Add([]byte(`{"id":"1","category":"message","type":"text","data":{"text":"hi"}}`))
	f.Add([]byte(`{"type":"message","body":{"id":1e400}}`))
	f.Add([]byte(`{"data":{"attachments":[{"name":"a"},null],"entities":{"by":{"entity":{"uid":5}}}}}`))
	f.Add([]byte(`{"appId":"a","Type":"message","body":[1,{"x":"\u00e9"}]}`))
	f.Add([]byte(`{"body":{"user":"bob","messageId":"12"},"type":"receipts"}`))
	f.Add([]byte(`[{"id":"1"},null,5,{"id":{}}]`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkDecode(t, raw)
	})
}

// nested returns a message whose metadata nests to depth levels in all.
func nested(depth int) []byte {
	open := depth - 3 // the message, its data, the metadata
	return []byte(`{"id":"1","data":{"metadata":{"a":` + strings.Repeat("[", open) + strings.Repeat("]", open) + `}}}`)
}

// TestDepthLimit: the decoders accept what encoding/json accepts, up to its
// nesting limit, and nothing deeper.
func TestDepthLimit(t *testing.T) {
	for _, depth := range []int{maxDepth - 1, maxDepth, maxDepth + 1, 3 * maxDepth} {
		raw := nested(depth)
		var m Message
		err := DecodeMessage(raw, &m)
		if (err == nil) != (depth <= maxDepth) {
			t.Errorf("depth %d: %v", depth, err)
		}
		checkDecode(t, raw)
	}
	// Entities nested in entities: each level a message, its data,
	// entities, a reference.
	var b strings.Builder
	levels := maxDepth/4 + 1
	for range levels {
		b.WriteString(`{"id":"1","data":{"entities":{"on":{"entityType":"message","entity":`)
	}
	b.WriteString(`{}`)
	for range levels {
		b.WriteString(`}}}}`)
	}
	checkDecode(t, []byte(b.String()))
}

// TestDecodeIsLinear: however entities nest, repeat or change kind, a decode
// reads each key of its input a bounded number of times (a wrong guess of
// an entity's kind does not multiply the work of the entities in it).
func TestDecodeIsLinear(t *testing.T) {
	for _, c := range []struct{ name, open, close string }{
		{"kind guessed wrong", `{"id":1,"data":{"entities":{"on":{"entity":`, `,"entityType":"call"}}}}`},
		{"kind after", `{"id":1,"data":{"entities":{"on":{"entity":`, `,"entityType":"message"}}}}`},
		{"kind changed", `{"id":1,"data":{"entities":{"on":{"entityType":"message","entity":`,
			`,"entityType":"call","entityType":"group","entityType":"message"}}}}`},
		{"repeated reference", `{"id":1,"data":{"entities":{"on":{"entityType":"message","entity":`,
			`},"on":{"entityType":"call"},"on":{"entityType":"message"}}}}`},
		{"repeated entity", `{"id":1,"data":{"entities":{"on":{"entityType":"message","entity":{"id":2},"entity":`,
			`,"entityType":"call"}}}}`},
		{"call", `{"sessionid":"s","data":{"entities":{"on":{"entity":`, `,"entityType":"call"},"sender":{"entityType":"user"}}}}`},
	} {
		for _, levels := range []int{1, 10, 100, 1000} {
			raw := []byte(strings.Repeat(c.open, levels) + `{"id":0}` + strings.Repeat(c.close, levels))
			count := decoder{b: raw}
			if !count.skip() {
				t.Fatalf("%s: invalid test input", c.name)
			}
			d := decoder{b: raw}
			var m Message
			if !d.messageValue(&m) {
				t.Fatalf("%s, %d levels: does not decode", c.name, levels)
			}
			if d.keysRead > 8*count.keysRead {
				t.Errorf("%s, %d levels: %d keys read for %d keys", c.name, levels, d.keysRead, count.keysRead)
			}
			if levels <= 10 {
				checkDecode(t, raw)
			}
		}
	}
}
