package fakeserver

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// captureRecord is one line of a recorded run (testdata/*.jsonl, copied from
// shared/captures).
type captureRecord struct {
	Kind    string            `json:"kind"`
	Dir     string            `json:"dir"`
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
	Frame   json.RawMessage   `json:"frame"`
}

func loadCaptures(t testing.TB) []captureRecord {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.jsonl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no captures in testdata: %v", err)
	}
	var out []captureRecord
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var r captureRecord
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out = append(out, r)
		}
		fh.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// offlineServer is a Server with state but no listener, for driving the
// frame handler directly.
func offlineServer() *Server {
	s := &Server{cfg: Config{AppID: "conformance-app"}.withDefaults(), conns: map[string]map[*wsConn]struct{}{},
		allConns: map[*wsConn]struct{}{}, changed: make(chan struct{}), jwtKey: []byte("fuzz-key")}
	s.log = s.cfg.Logger
	s.hooks.init()
	s.st = s.newSeededState(newIDBase(0))
	return s
}

func (s *Server) offlineConn(uid, session string) *wsConn {
	c := &wsConn{s: s, out: outQueue{ready: make(chan struct{}, 1)}, done: make(chan struct{}), authed: uid != "",
		appID: s.cfg.AppID, uid: uid, session: session, presence: "ALL_USERS"}
	s.allConns[c] = struct{}{}
	if uid != "" {
		if s.conns[uid] == nil {
			s.conns[uid] = map[*wsConn]struct{}{}
		}
		s.conns[uid][c] = struct{}{}
		if s.presenceSubs == nil {
			s.presenceSubs = map[*wsConn]struct{}{}
		}
		s.presenceSubs[c] = struct{}{}
	}
	return c
}

// drain empties c's queue and checks the server's promise: only JSON
// objects go out (the SDK parses every frame without a guard).
func drain(t *testing.T, c *wsConn) {
	for {
		f, ok := c.out.pop()
		if !ok {
			return
		}
		if f.close != nil {
			continue
		}
		if !json.Valid(f.data) || !isJSONObject(f.data) {
			t.Fatalf("server queued a non-JSON frame: %q", f.data)
		}
	}
}

func TestCapturedClientTrafficDecodes(t *testing.T) {
	frames, sends := 0, 0
	for _, r := range loadCaptures(t) {
		switch {
		case r.Kind == "ws_frame" && r.Dir == "c2s":
			f, err := decodeClientFrame(r.Frame)
			if err != nil {
				t.Fatalf("frame %s: %v", r.Frame, err)
			}
			if f.Action == "" && f.Type == "" {
				t.Fatalf("frame without action or type: %s", r.Frame)
			}
			if f.Type == "auth" && decodeAuthBody(f.Body).Auth == "" {
				t.Fatalf("auth frame without JWT: %s", r.Frame)
			}
			frames++
		case r.Kind == "http_request" && r.Method == "POST" && strings.HasSuffix(r.Path, "/messages"):
			req, err := decodeSendMessageReq(r.Body)
			if err != nil {
				t.Fatalf("send body %s: %v", r.Body, err)
			}
			if _, e := validateMessage(req, 0); e != nil {
				t.Fatalf("captured send %s refused: %v", r.Body, e)
			}
			sends++
		case r.Kind == "http_request" && len(r.Body) > 0:
			if _, err := decodeGroupReq(r.Body); err != nil {
				t.Fatalf("%s %s body %s: %v", r.Method, r.Path, r.Body, err)
			}
			if _, err := decodeUserReq(r.Body); err != nil {
				t.Fatalf("%s %s body %s: %v", r.Method, r.Path, r.Body, err)
			}
		}
	}
	if frames == 0 || sends == 0 {
		t.Fatalf("captures had %d frames and %d sends", frames, sends)
	}
}

func addCaptureSeeds(f *testing.F, pick func(captureRecord) json.RawMessage) {
	for _, r := range loadCaptures(f) {
		if b := pick(r); len(b) > 0 {
			f.Add([]byte(b))
		}
	}
}

func FuzzHandleClientFrame(f *testing.F) {
	addCaptureSeeds(f, func(r captureRecord) json.RawMessage {
		if r.Kind == "ws_frame" && r.Dir == "c2s" {
			return r.Frame
		}
		return nil
	})
	for _, seed := range []string{`{"action":"ping","ack":"true"}`, `{"type":"receipts","body":{"messageId":1,"action":"read"}}`,
		`{"type":"typing_indicator","receiverType":"groupchat","receiver":"supergroup","body":[]}`, `null`, `[]`, `"x"`,
		`{"type":"auth","body":{"auth":"a.b.c"}}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := offlineServer()
		if _, err := s.SendText("superhero2", "user", "superhero1", "seed"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SendText("superhero1", "group", "supergroup", "seed"); err != nil {
			t.Fatal(err)
		}
		conns := []*wsConn{s.offlineConn("superhero1", "S1"), s.offlineConn("superhero2", "S2"),
			s.offlineConn("superhero3", "S3"), s.offlineConn("", "")}
		for _, c := range conns {
			drain(t, c)
		}
		if f, err := decodeClientFrame(data); err == nil {
			_ = decodeAuthBody(f.Body)
		}
		s.handleFrame(conns[0], data)
		s.handleFrame(conns[3], data)
		for _, c := range conns {
			drain(t, c)
		}
	})
}

func FuzzSendMessageBody(f *testing.F) {
	addCaptureSeeds(f, func(r captureRecord) json.RawMessage {
		if r.Kind == "http_request" && strings.Contains(r.Path, "messages") {
			return r.Body
		}
		return nil
	})
	f.Add([]byte(`{"receiver":"x","receiverType":"user","category":"custom","type":"t","data":{"customData":{"a":1}}}`))
	f.Add([]byte(`{"receiver":"x","receiverType":"group","category":"message","type":"image","data":{"attachments":[{}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := decodeSendMessageReq(data)
		if err != nil {
			return
		}
		in, e := validateMessage(req, 0)
		if e != nil {
			if e.Code == "" || e.Status < 400 {
				t.Fatalf("bad error %+v", e)
			}
			return
		}
		if in.receiver == "" || in.data == nil || (in.receiverType != "user" && in.receiverType != "group") {
			t.Fatalf("accepted an invalid message: %+v", in)
		}
		if out := marshal(in.data); !json.Valid(out) {
			t.Fatalf("stored data is not JSON: %s", out)
		}
	})
}

func FuzzRESTBodies(f *testing.F) {
	addCaptureSeeds(f, func(r captureRecord) json.RawMessage {
		if r.Kind == "http_request" {
			return r.Body
		}
		return nil
	})
	f.Add([]byte(`{"blockedUids":"a,b","accepted":["c",1]}`))
	f.Add([]byte(`{"members":{"admins":["a"],"usersToBan":"b"},"scope":"admin","tags":"x,y"}`))
	f.Add([]byte(`{"type":"video","receiver":1,"status":"ended","joinedAt":"12"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if u, err := decodeUserReq(data); err == nil {
			rec := &userRec{uid: "u", name: "u"}
			_ = applyUserFields(rec, u)
		}
		if g, err := decodeGroupReq(data); err == nil {
			rec := &groupRec{guid: "g"}
			_ = applyGroupFields(rec, g, true)
			_ = applyGroupFields(rec, g, false)
		}
		_, _ = decodeUIDsReq(data)
		_, _ = decodeCallReq(data)
		_, _ = decodeEditMessageReq(data)
	})
}

func FuzzParseQuery(f *testing.F) {
	f.Add("per_page=2&affix=prepend&hideMessagesFromBlockedUsers=0&unread=0&withTags=0&hideDeleted=0&id=4", 57)
	f.Add("searchKey=a b&c=%zz&tags=x,y&tags=z&&=&k", 0)
	f.Add("page=4611686018427387904&per_page=100", 57)
	f.Add("page=9223372036854775807&per_page=3", 1000)
	f.Add("page=99999999999999999999&per_page=-5", 5)
	f.Fuzz(func(t *testing.T, raw string, n int) {
		q := parseQuery(raw)
		_ = q.list("tags")
		_ = q.int64("id")
		_ = q.flag("unread")
		if n < 0 {
			n = -(n + 1)
		}
		n %= 1 << 20
		for _, maxPer := range []int{50, 100} {
			lo, hi, m := pageBounds(q, n, maxPer)
			p := m.Pagination
			if lo < 0 || lo > hi || hi > n || hi-lo > maxPer || p.TotalPages < 1 || p.Count != hi-lo ||
				p.PerPage < 1 || p.PerPage > maxPer || p.CurrentPage < 1 || p.Total != n {
				t.Fatalf("n=%d: lo %d hi %d pagination %+v", n, lo, hi, p)
			}
		}
	})
}
