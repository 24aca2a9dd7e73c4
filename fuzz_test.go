package cometchat

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/gocometchat/cometchat/internal/rest"
)

func seedFrames(f *testing.F) {
	f.Helper()
	recs := make([]captureRecord, 0)
	for _, name := range []string{"basic.jsonl", "groups.jsonl", "history.jsonl"} {
		b, err := os.ReadFile("testdata/captures/" + name)
		if err != nil {
			f.Fatal(err)
		}
		for _, line := range splitLines(b) {
			var r captureRecord
			if json.Unmarshal(line, &r) == nil {
				recs = append(recs, r)
			}
		}
	}
	for _, r := range recs {
		if r.Kind == "ws_frame" && r.Dir == "s2c" {
			f.Add([]byte(r.Frame))
		}
	}
	f.Add([]byte(`{"type":"message","body":{"id":"x","category":"message","type":"text","data":{"text":5}}}`))
	f.Add([]byte(`{"type":"message","body":{"id":1e400}}`))
	f.Add([]byte(`{"type":"receipts","body":{"user":"bob","messageId":"12"}}`))
	f.Add([]byte(`[1,2,3]`))
	f.Add([]byte(`not json`))
}

func splitLines(b []byte) [][]byte {
	var out [][]byte
	start := 0
	for i, c := range b {
		if c == '\n' {
			out = append(out, b[start:i])
			start = i + 1
		}
	}
	if start < len(b) {
		out = append(out, b[start:])
	}
	return out
}

// FuzzHandleFrame feeds arbitrary server frames through the whole receive
// path: nothing may panic, and a message frame whose body is a JSON object of
// category message (or an unknown category) must reach a listener.
func FuzzHandleFrame(f *testing.F) {
	seedFrames(f)
	f.Fuzz(func(t *testing.T, frame []byte) {
		c, err := New("fuzz-app", AppSettings{})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		got := 0
		count := func() { got++ }
		c.AddMessageListener("l", MessageListener{
			OnTextMessageReceived:    func(*TextMessage) { count() },
			OnMediaMessageReceived:   func(*MediaMessage) { count() },
			OnCustomMessageReceived:  func(*CustomMessage) { count() },
			OnUnknownMessageReceived: func(*UnknownMessage) { count() },
		})
		c.handleFrame(context.Background(), frame)
		if err := c.disp.drained(context.Background()); err != nil {
			t.Fatal(err)
		}
		var env struct {
			Type     string          `json:"type"`
			DeviceID json.RawMessage `json:"deviceId"`
			Body     json.RawMessage `json:"body"`
		}
		if json.Unmarshal(frame, &env) != nil || env.Type != "message" || len(env.Body) == 0 || env.Body[0] != '{' {
			return
		}
		var cat struct {
			Category json.RawMessage `json:"category"`
		}
		if json.Unmarshal(env.Body, &cat) != nil {
			return
		}
		switch string(cat.Category) {
		case `"action"`, `"call"`:
			return
		}
		if got != 1 {
			t.Fatalf("a message frame reached %d listeners, want 1: %s", got, frame)
		}
	})
}

// FuzzDecodeMessage checks that any JSON message decodes without panicking
// and keeps the raw bytes.
func FuzzDecodeMessage(f *testing.F) {
	for _, name := range []string{"basic.jsonl", "groups.jsonl", "history.jsonl"} {
		b, err := os.ReadFile("testdata/captures/" + name)
		if err != nil {
			f.Fatal(err)
		}
		for _, line := range splitLines(b) {
			var r struct {
				Frame struct {
					Type string          `json:"type"`
					Body json.RawMessage `json:"body"`
				} `json:"frame"`
			}
			if json.Unmarshal(line, &r) == nil && r.Frame.Type == "message" {
				f.Add([]byte(r.Frame.Body)) // text, action (every groupMember verb) and the categories seen
			}
		}
	}
	f.Add([]byte(`{"id":"1","category":"call","type":"audio","data":{"action":"initiated","entities":{"on":{"entityType":"call","entity":{"sessionid":"s","data":{"entities":{"sender":{"entityType":"user","entity":{"uid":"a"}}}}}}}}}`))
	f.Add([]byte(`{"id":"2","category":"action","type":"groupMember","data":{"action":"scopeChanged","extras":{"scope":{"old":"participant","new":"admin"}},"entities":{"on":{"entityType":"message","entity":{"id":"1","category":"message","type":"text"}}}}}`))
	f.Add([]byte(`{"id":"3","category":"message","type":"image","data":{"attachments":[{"size":"12","name":5}]}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := decodeMessage(raw)
		if err != nil {
			return
		}
		if string(m.Base().Raw) != string(raw) {
			t.Fatalf("raw not kept")
		}
	})
}

// FuzzRESTDecode checks the REST envelope decoder on arbitrary bodies.
func FuzzRESTDecode(f *testing.F) {
	f.Add([]byte(`{"data":{"uid":"a"}}`))
	f.Add([]byte(`{"error":{"code":"ERR_UID_NOT_FOUND","message":"x","details":{}}}`))
	f.Add([]byte(`{"data":null}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		resp, err := rest.Decode(200, nil, raw)
		if (resp == nil) == (err == nil) {
			t.Fatalf("exactly one of response and error expected: %v %v", resp, err)
		}
	})
}
