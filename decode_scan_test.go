package cometchat

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/gocometchat/cometchat/internal/wire"
)

// checkScan checks that, when the scanner decodes raw, json.Unmarshal
// accepts raw and fills identical structs. It reports whether the scanner
// decoded the message and the envelope.
func checkScan(t *testing.T, raw []byte) (msgOK, envOK, framed bool) {
	t.Helper()
	var got fastMessage
	if scanMessage(raw, &got) {
		msgOK = true
		var want fastMessage
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Errorf("scanMessage decoded what json.Unmarshal rejects (%v): %q", err, raw)
		} else if !reflect.DeepEqual(got, want) {
			t.Errorf("scanMessage and json.Unmarshal differ for %q\nscan: %#v\njson: %#v", raw, got, want)
		}
	}
	var env wire.Envelope
	if scanEnvelope(raw, &env) {
		envOK = true
		var want wire.Envelope
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Errorf("scanEnvelope decoded what json.Unmarshal rejects (%v): %q", err, raw)
		} else if !reflect.DeepEqual(env, want) {
			t.Errorf("scanEnvelope and json.Unmarshal differ for %q\nscan: %#v\njson: %#v", raw, env, want)
		}
	}
	var env2 wire.Envelope
	var msg fastMessage
	ok, framed := scanFrame(raw, &env2, &msg)
	if ok != envOK || (ok && !reflect.DeepEqual(env, env2)) {
		t.Errorf("scanFrame and scanEnvelope differ (%v, %v) for %q", ok, envOK, raw)
	}
	if framed {
		var want fastMessage
		if env2.Type != "message" {
			t.Errorf("scanFrame decoded the body of a %q frame: %q", env2.Type, raw)
		} else if err := json.Unmarshal(env2.Body, &want); err != nil {
			t.Errorf("scanFrame decoded a body json.Unmarshal rejects (%v): %q", err, raw)
		} else if !reflect.DeepEqual(msg, want) {
			t.Errorf("scanFrame and json.Unmarshal differ for the body of %q\nscan: %#v\njson: %#v", raw, msg, want)
		}
	}
	return msgOK, envOK, framed
}

// scanCorpus is the message corpus of TestDecodeFastMatchesSlow, the server
// frames of the captures, and variants that the scanner must either decode
// exactly or leave to encoding/json.
func scanCorpus(t *testing.T) [][]byte {
	t.Helper()
	out := messageCorpus(t)
	for _, name := range []string{"basic.jsonl", "groups.jsonl", "history.jsonl"} {
		b, err := os.ReadFile("testdata/captures/" + name)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range splitLines(b) {
			var r captureRecord
			if json.Unmarshal(line, &r) == nil && r.Kind == "ws_frame" && r.Dir == "s2c" {
				out = append(out, []byte(r.Frame))
			}
		}
	}
	frames, err := benchFrames()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range frames {
		out = append(out, f)
	}
	base := len(out)
	for _, m := range out[:base] {
		s := string(m)
		for _, r := range [][2]string{
			{`"id":`, `"ID":`},
			{`"id":`, `"i\u0064":`},
			{`"data":{`, `"data":{"text":"a","text":null,`},
			{`"data":{`, `"data":{"entities":{"sender":{"entity":{"uid":"first"}}},`},
			{`"data":{`, `"data":{"attachments":[{"name":"a"},null,{"size":"12"}],`},
			{`"data":{`, `"data":{"attachments":[],`},
			{`"data":{`, `"data":{"attachments":[],"attachments":[{"name":"b"}],`},
			{`"data":{`, `"data":{"extras":{"scope":{"old":"admin","new":"moderator"}},`},
			{`"data":{`, `"data":{"metadata":{"a":[1,2,{"b":null}]},"text":"\u00e9\n\"\ud83d\ude00",`},
			{`"data":{`, `"data":{"text":"caf` + "\xc3\xa9" + `","x":"` + "\xff" + `",`},
			{`"sentAt":`, `"sentAt":"17","s":`},
			{`"sentAt":`, `"sentAt":1.5e3,"s":`},
			{`"sentAt":`, `"sentAt":12345678901234567890,"s":`},
			{`"sentAt":`, `"sentAt":-0,"s":`},
			{`"sentAt":`, `"sentAt":" 5","s":`},
			{`"sentAt":`, `"sentAt":{},"s":`},
			{`"uid":`, `"uid":12,"x":`},
			{`"uid":`, `"UID":`},
			{`"hasJoined":`, `"hasJoined":"1","x":`},
			{`"entityType":"user"`, `"entityType":"user","entity":null`},
			{`"myReceipt"`, `"myReceipt"`},
			{`"category":`, `"receipts":{"data":[]},"category":`},
			{`"category":`, `"tags":["a",7],"category":`},
			{`"type":`, `"type": "message" ,"t":`},
			{`"body":`, `"body": null,"b":`},
			{`"body":`, `"Body":`},
			{`"body":`, `"type":"message","body":`},
			{`"body":`, `"body":{"id":"1","data":{"text":"first"}},"body":`},
			{`"type":"message"`, `"type":"typing_indicator"`},
			{`"deviceId":`, `"deviceId":null,"d":`},
			{`{`, ` { `},
			{`}`, `]`},
			{`"`, `'`},
			{`:`, `:01`},
			{`:`, `:-`},
			{`:`, `:1.`},
			{`:`, `:1e`},
			{`:`, `:tru`},
			{`,`, `,,`},
			{`"text":"`, `"text":"` + "\x01"},
			{`"text":"`, `"text":"\x"`},
			{`"text":"`, `"text":"\u12"`},
		} {
			if strings.Contains(s, r[0]) {
				out = append(out, []byte(strings.Replace(s, r[0], r[1], 1)))
			}
		}
		out = append(out, []byte(s+" "), []byte(s+"x"), []byte(s[:len(s)/2]))
	}
	return out
}

// TestScanMatchesUnmarshal checks the hand-written decoder against
// encoding/json wherever it applies.
func TestScanMatchesUnmarshal(t *testing.T) {
	msgs, envs, bodies := 0, 0, 0
	corpus := scanCorpus(t)
	for _, raw := range corpus {
		m, e, f := checkScan(t, raw)
		if m {
			msgs++
		}
		if e {
			envs++
		}
		if f {
			bodies++
		}
	}
	if msgs < len(corpus)/4 || envs < len(corpus)/4 || bodies < 100 {
		t.Fatalf("the scanner applied too rarely: %d messages, %d envelopes, %d bodies with their envelope, of %d",
			msgs, envs, bodies, len(corpus))
	}
	t.Logf("scanner decoded %d messages, %d envelopes and %d bodies with their envelope, of %d documents",
		msgs, envs, bodies, len(corpus))
}

// FuzzScanMatchesUnmarshal: whatever the input, the scanner either gives up
// or agrees with encoding/json.
func FuzzScanMatchesUnmarshal(f *testing.F) {
	f.Add([]byte(`{"id":"1","category":"message","type":"text","data":{"text":"hi"}}`))
	f.Add([]byte(`{"type":"message","body":{"id":1e400}}`))
	f.Add([]byte(`{"data":{"attachments":[{"name":"a"},null],"entities":{"by":{"entity":{"uid":5}}}}}`))
	f.Add([]byte(`{"appId":"a","Type":"message","body":[1,{"x":"\u00e9"}]}`))
	if frames, err := benchFrames(); err == nil {
		for _, fr := range frames {
			f.Add(fr)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkScan(t, raw)
	})
}
