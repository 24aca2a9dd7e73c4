package cometchat

// Benchmarks of the hot paths (issue 7), each beside a baseline doing the
// minimum on the same bytes: json.Unmarshal into a plain struct, and for the
// socket path gorilla ReadMessage + json.Unmarshal.
//
//	go test -run='^$' -bench=. -benchmem .
//
// Frames: text and action messages are the recorded ones of
// testdata/captures (basic.jsonl seq 40, groups.jsonl seq 61); media, custom
// and call messages are testdata/bench/frames.json, recorded from the fake
// server. Every iteration starts from a fresh copy of the frame (as
// ReadMessage returns one) carrying a new message id, because the SDK drops
// ids it has already delivered.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

var benchCategories = []string{"text", "media", "custom", "action", "call"}

var benchFrames = sync.OnceValues(func() (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, c := range []struct {
		file, key string
		seq       int
	}{
		{"testdata/captures/basic.jsonl", "text", 40},
		{"testdata/captures/groups.jsonl", "action", 61},
	} {
		f, err := os.Open(c.file)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		for sc.Scan() {
			var rec struct {
				Seq   int             `json:"seq"`
				Frame json.RawMessage `json:"frame"`
			}
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Seq == c.seq {
				out[c.key] = append([]byte(nil), rec.Frame...)
			}
		}
		f.Close()
	}
	raw, err := os.ReadFile("testdata/bench/frames.json")
	if err != nil {
		return nil, err
	}
	var gen map[string]json.RawMessage
	if err := json.Unmarshal(raw, &gen); err != nil {
		return nil, err
	}
	for k, v := range gen {
		var b bytes.Buffer
		if err := json.Compact(&b, v); err != nil {
			return nil, err
		}
		out[k] = b.Bytes()
	}
	// A fixed-width id so that each iteration can write a new one in place.
	for k, f := range out {
		i := bytes.Index(f, []byte(`"body":{"id":"`))
		if i < 0 {
			panic("bench frame " + k + " has no body id")
		}
		i += len(`"body":{"id":"`)
		j := i + bytes.IndexByte(f[i:], '"')
		out[k] = append(append(append([]byte(nil), f[:i]...), "0000000000"...), f[j:]...)
	}
	return out, nil
})

// idFrame is a frame template whose message id can be rewritten.
type idFrame struct {
	tmpl []byte
	at   int // offset of the 10 id digits
}

func benchFrame(b *testing.B, category string) idFrame {
	b.Helper()
	frames, err := benchFrames()
	if err != nil {
		b.Fatal(err)
	}
	f := frames[category]
	return idFrame{tmpl: f, at: bytes.Index(f, []byte(`"body":{"id":"`)) + len(`"body":{"id":"`)}
}

// next returns a fresh copy of the frame with message id n.
func (f idFrame) next(n int) []byte {
	out := append(make([]byte, 0, len(f.tmpl)), f.tmpl...)
	f.put(out, n)
	return out
}

// put writes id n into frame (10 digits, zero-padded).
func (f idFrame) put(frame []byte, n int) {
	for i := f.at + 9; i >= f.at; i-- {
		frame[i] = byte('0' + n%10)
		n /= 10
	}
}

// body returns the message object of a fresh copy (for decodeMessage).
func (f idFrame) body(n int) []byte {
	fr := f.next(n)
	i := bytes.Index(fr, []byte(`"body":`)) + len(`"body":`)
	return fr[i : len(fr)-1]
}

// Plain structs: what a minimal client would decode the same bytes into.
type plainUser struct {
	UID          string `json:"uid"`
	GUID         string `json:"guid"`
	Name         string `json:"name"`
	Avatar       string `json:"avatar"`
	Role         string `json:"role"`
	Type         string `json:"type"`
	Status       string `json:"status"`
	Scope        string `json:"scope"`
	Owner        string `json:"owner"`
	CreatedAt    int64  `json:"createdAt"`
	LastActiveAt int64  `json:"lastActiveAt"`
	JoinedAt     int64  `json:"joinedAt"`
	HasJoined    bool   `json:"hasJoined"`
	MembersCount int    `json:"membersCount"`
	// call entities
	SessionID   string         `json:"sessionid"`
	Sender      string         `json:"sender"`
	Receiver    string         `json:"receiver"`
	InitiatedAt int64          `json:"initiatedAt"`
	Data        map[string]any `json:"data"`
}

type plainEntity struct {
	EntityType string    `json:"entityType"`
	Entity     plainUser `json:"entity"`
}

type plainMessage struct {
	ID             string `json:"id"`
	MUID           string `json:"muid"`
	ConversationID string `json:"conversationId"`
	Sender         string `json:"sender"`
	Receiver       string `json:"receiver"`
	ReceiverType   string `json:"receiverType"`
	Category       string `json:"category"`
	Type           string `json:"type"`
	SentAt         int64  `json:"sentAt"`
	UpdatedAt      int64  `json:"updatedAt"`
	Data           struct {
		Text        string         `json:"text"`
		Action      string         `json:"action"`
		URL         string         `json:"url"`
		CustomData  map[string]any `json:"customData"`
		Metadata    map[string]any `json:"metadata"`
		Attachments []struct {
			Name      string `json:"name"`
			Extension string `json:"extension"`
			MimeType  string `json:"mimeType"`
			Size      int64  `json:"size"`
			URL       string `json:"url"`
		} `json:"attachments"`
		Entities map[string]plainEntity `json:"entities"`
		Extras   struct {
			Scope struct{ Old, New string } `json:"scope"`
		} `json:"extras"`
	} `json:"data"`
}

type plainFrame struct {
	AppID        string       `json:"appId"`
	Receiver     string       `json:"receiver"`
	ReceiverType string       `json:"receiverType"`
	DeviceID     string       `json:"deviceId"`
	Type         string       `json:"type"`
	Sender       string       `json:"sender"`
	Body         plainMessage `json:"body"`
}

// BenchmarkDecodeMessage is decodeMessage alone on a message object.
func BenchmarkDecodeMessage(b *testing.B) {
	for _, cat := range benchCategories {
		b.Run(cat, func(b *testing.B) {
			f := benchFrame(b, cat)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				body := f.body(i)
				if _, err := decodeMessage(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBaselineUnmarshalMessage is json.Unmarshal of the same message
// object into a plain struct.
func BenchmarkBaselineUnmarshalMessage(b *testing.B) {
	for _, cat := range benchCategories {
		b.Run(cat, func(b *testing.B) {
			f := benchFrame(b, cat)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				body := f.body(i)
				var m plainMessage
				if err := json.Unmarshal(body, &m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchClient is a client that is not logged in: handleFrame and the
// dispatcher work without I/O.
func benchClient(b *testing.B) *Client {
	b.Helper()
	c, err := New("bench-app", AppSettings{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Close() })
	return c
}

// countingListeners registers listeners that count every message kind.
func countingListeners(c *Client, n *atomic.Int64, copies int) {
	inc := func() { n.Add(1) }
	for i := range copies {
		id := "bench-" + strconv.Itoa(i)
		c.AddMessageListener(id, MessageListener{
			OnTextMessageReceived:   func(*TextMessage) { inc() },
			OnMediaMessageReceived:  func(*MediaMessage) { inc() },
			OnCustomMessageReceived: func(*CustomMessage) { inc() },
		})
		c.AddGroupListener(id, GroupListener{
			OnGroupMemberScopeChanged: func(*Action, *User, GroupMemberScope, GroupMemberScope, *Group) { inc() },
		})
		c.AddCallListener(id, CallListener{OnIncomingCallReceived: func(*Call) { inc() }})
	}
}

func waitCount(b *testing.B, n *atomic.Int64, want int64) {
	deadline := time.Now().Add(30 * time.Second)
	for n.Load() < want {
		if time.Now().After(deadline) {
			b.Fatalf("listeners got %d of %d events", n.Load(), want)
		}
		time.Sleep(50 * time.Microsecond)
	}
}

// BenchmarkHandleFrame is the SDK's receive path from a frame's bytes to the
// listener: envelope, message decode, dedupe, dispatch queue, listener.
func BenchmarkHandleFrame(b *testing.B) {
	for _, cat := range benchCategories {
		b.Run(cat, func(b *testing.B) {
			f := benchFrame(b, cat)
			c := benchClient(b)
			var n atomic.Int64
			countingListeners(c, &n, 1)
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				c.handleFrame(ctx, f.next(i))
			}
			waitCount(b, &n, int64(i))
		})
	}
}

// BenchmarkBaselineUnmarshalFrame is json.Unmarshal of the same frame into a
// plain struct.
func BenchmarkBaselineUnmarshalFrame(b *testing.B) {
	for _, cat := range benchCategories {
		b.Run(cat, func(b *testing.B) {
			f := benchFrame(b, cat)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				var fr plainFrame
				if err := json.Unmarshal(f.next(i), &fr); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDispatch is queueing a decoded message and running it through
// 1 or 10 registered listeners on the dispatcher goroutine.
func BenchmarkDispatch(b *testing.B) {
	for _, listeners := range []int{1, 10} {
		b.Run("listeners="+strconv.Itoa(listeners), func(b *testing.B) {
			f := benchFrame(b, "text")
			msg, err := decodeMessage(f.body(1))
			if err != nil {
				b.Fatal(err)
			}
			c := benchClient(b)
			var n atomic.Int64
			countingListeners(c, &n, listeners)
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				_ = c.disp.pushWait(ctx, len(msg.Base().Raw), func() { c.deliver(msg) })
			}
			waitCount(b, &n, int64(i*listeners))
		})
	}
}

// BenchmarkBaselineDispatch hands the same message to one goroutine over a
// buffered channel and calls 1 or 10 functions.
func BenchmarkBaselineDispatch(b *testing.B) {
	for _, listeners := range []int{1, 10} {
		b.Run("listeners="+strconv.Itoa(listeners), func(b *testing.B) {
			f := benchFrame(b, "text")
			msg, err := decodeMessage(f.body(1))
			if err != nil {
				b.Fatal(err)
			}
			var n atomic.Int64
			fns := make([]func(*TextMessage), listeners)
			for i := range fns {
				fns[i] = func(*TextMessage) { n.Add(1) }
			}
			ch := make(chan Message, 10000)
			done := make(chan struct{})
			go func() {
				defer close(done)
				for m := range ch {
					for _, fn := range fns {
						fn(m.(*TextMessage))
					}
				}
			}()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				ch <- msg
			}
			close(ch)
			<-done
		})
	}
}

// wsPair starts a loopback websocket server that writes count frames from
// frame (rewriting the id of each) and returns the client side.
func wsPair(b *testing.B, f idFrame, count int) *websocket.Conn {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	up := websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096}
	var wg sync.WaitGroup
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer ws.Close()
			buf := append([]byte(nil), f.tmpl...)
			for i := 1; i <= count; i++ {
				f.put(buf, i)
				if ws.WriteMessage(websocket.TextMessage, buf) != nil {
					return
				}
			}
			_, _, _ = ws.ReadMessage() // until the client closes
		}()
	})}
	go func() { _ = srv.Serve(ln) }()
	d := websocket.Dialer{ReadBufferSize: 4096, WriteBufferSize: 4096}
	ws, _, err := d.Dial("ws://"+ln.Addr().String(), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		ws.Close()
		_ = srv.Close()
		wg.Wait()
	})
	return ws
}

// BenchmarkSocketReceive is the SDK's socket path on loopback: gorilla
// ReadMessage, then handleFrame up to the listener.
func BenchmarkSocketReceive(b *testing.B) {
	for _, cat := range benchCategories {
		b.Run(cat, func(b *testing.B) {
			f := benchFrame(b, cat)
			c := benchClient(b)
			var n atomic.Int64
			countingListeners(c, &n, 1)
			ws := wsPair(b, f, b.N)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				_, raw, err := ws.ReadMessage()
				if err != nil {
					b.Fatal(err)
				}
				c.handleFrame(ctx, raw)
			}
			waitCount(b, &n, int64(b.N))
		})
	}
}

// BenchmarkBaselineSocketReceive is gorilla ReadMessage + json.Unmarshal
// into a plain struct, on the same frames.
func BenchmarkBaselineSocketReceive(b *testing.B) {
	for _, cat := range benchCategories {
		b.Run(cat, func(b *testing.B) {
			f := benchFrame(b, cat)
			ws := wsPair(b, f, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				_, raw, err := ws.ReadMessage()
				if err != nil {
					b.Fatal(err)
				}
				var fr plainFrame
				if err := json.Unmarshal(raw, &fr); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var benchMe = &User{UID: "superhero1", Name: "Iron Man", Avatar: "https://data-us.cometchat.io/assets/images/avatars/ironman.png",
	Role: "default", Status: UserStatusOnline, LastActiveAt: 1795785551}

// plainSignal is a minimal typing/receipt frame.
type plainSignal struct {
	AppID         string `json:"appId"`
	Receiver      string `json:"receiver"`
	ReceiverType  string `json:"receiverType"`
	DeviceID      string `json:"deviceId"`
	Type          string `json:"type"`
	Sender        string `json:"sender"`
	MessageSender string `json:"messageSender,omitempty"`
	Body          struct {
		Action    string `json:"action"`
		MessageID string `json:"messageId,omitempty"`
		User      struct {
			UID          string `json:"uid"`
			Name         string `json:"name"`
			Avatar       string `json:"avatar"`
			Role         string `json:"role"`
			Status       string `json:"status"`
			LastActiveAt int64  `json:"lastActiveAt"`
		} `json:"user"`
	} `json:"body"`
}

func plainSignalOf(c *Client, typ, action, messageID string) plainSignal {
	var p plainSignal
	p.AppID, p.Receiver, p.ReceiverType, p.DeviceID, p.Type, p.Sender = c.appID, "superhero2", "user", c.sessionID, typ, benchMe.UID
	p.Body.Action, p.Body.MessageID = action, messageID
	p.Body.User.UID, p.Body.User.Name, p.Body.User.Avatar, p.Body.User.Role = benchMe.UID, benchMe.Name, benchMe.Avatar, benchMe.Role
	p.Body.User.Status, p.Body.User.LastActiveAt = string(benchMe.Status), benchMe.LastActiveAt
	if messageID != "" {
		p.MessageSender = "superhero2"
	}
	return p
}

// BenchmarkEncode is what sendFrame and the REST layer encode: a typing
// frame, a receipt frame and a text message body.
func BenchmarkEncode(b *testing.B) {
	c := benchClient(b)
	t := NewTypingIndicator("superhero2", ReceiverTypeUser)
	m := NewTextMessage("superhero2", ReceiverTypeUser, "hello from the benchmark")
	m.MUID = "go-abc-0123456789abcdef"
	b.Run("typing", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(c.typingFrame(benchMe.clone(), t, "started")); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("receipt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(c.receiptFrame(benchMe.clone(), 42, "superhero2", ReceiverTypeUser, "superhero2", "read")); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("text_body", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(textBodyOf(m)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkBaselineEncode marshals plain structs with the same content.
func BenchmarkBaselineEncode(b *testing.B) {
	c := benchClient(b)
	b.Run("typing", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(plainSignalOf(c, "typing_indicator", "started", "")); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("receipt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(plainSignalOf(c, "receipts", "read", "42")); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("text_body", func(b *testing.B) {
		type data struct {
			Text string `json:"text"`
		}
		type body struct {
			MUID         string `json:"muid"`
			Type         string `json:"type"`
			ReceiverType string `json:"receiverType"`
			Category     string `json:"category"`
			Data         data   `json:"data"`
			Text         string `json:"text"`
			Receiver     string `json:"receiver"`
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(body{"go-abc-0123456789abcdef", "text", "user", "message", data{"hello from the benchmark"},
				"hello from the benchmark", "superhero2"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// signalFrames are the recorded typing and receipt frames of basic.jsonl
// (seq 45: typing started; seq 59: delivered receipt), by name.
var signalFrames = sync.OnceValues(func() (map[string][]byte, error) {
	b, err := os.ReadFile("testdata/captures/basic.jsonl")
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, line := range bytes.Split(b, []byte("\n")) {
		var rec struct {
			Seq   int             `json:"seq"`
			Frame json.RawMessage `json:"frame"`
		}
		if json.Unmarshal(line, &rec) != nil {
			continue
		}
		switch rec.Seq {
		case 45:
			out["typing"] = append([]byte(nil), rec.Frame...)
		case 59:
			out["receipt"] = append([]byte(nil), rec.Frame...)
		}
	}
	if len(out) != 2 {
		return nil, os.ErrNotExist
	}
	return out, nil
})

// BenchmarkHandleFrameSignal is the receive path of a typing indicator and
// of a delivery receipt, from the frame's bytes to the listener.
func BenchmarkHandleFrameSignal(b *testing.B) {
	frames, err := signalFrames()
	if err != nil {
		b.Fatal(err)
	}
	for _, kind := range []string{"typing", "receipt"} {
		b.Run(kind, func(b *testing.B) {
			tmpl := frames[kind]
			c := benchClient(b)
			var n atomic.Int64
			c.AddMessageListener("bench", MessageListener{
				OnTypingStarted:     func(*TypingIndicator) { n.Add(1) },
				OnMessagesDelivered: func(*MessageReceipt) { n.Add(1) },
			})
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				c.handleFrame(ctx, append(make([]byte, 0, len(tmpl)), tmpl...))
			}
			waitCount(b, &n, int64(i))
		})
	}
}
