package cometchat

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"
)

// captureRecord is one line of testdata/captures/*.jsonl (see its README).
type captureRecord struct {
	Kind    string          `json:"kind"`
	Dir     string          `json:"dir"`
	ID      int             `json:"id"`
	Method  string          `json:"method"`
	Path    string          `json:"path"`
	Headers map[string]any  `json:"headers"`
	Body    json.RawMessage `json:"body"`
	Frame   json.RawMessage `json:"frame"`
	Status  int             `json:"status"`
	URL     string          `json:"url"`
}

func loadCapture(t *testing.T, name string) []captureRecord {
	t.Helper()
	f, err := os.Open("testdata/captures/" + name)
	require.NoError(t, err)
	defer f.Close()
	var out []captureRecord
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		var r captureRecord
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r))
		out = append(out, r)
	}
	require.NoError(t, sc.Err())
	return out
}

// shape reduces JSON to its key structure and value types (decision 26).
func shape(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := map[string]any{}
		for k, e := range x {
			m[k] = shape(e)
		}
		return m
	case []any:
		if len(x) == 0 {
			return []any{}
		}
		return []any{shape(x[0])}
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func shapeOf(t *testing.T, raw []byte, drop ...string) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	for _, path := range drop {
		deletePath(v, strings.Split(path, "."))
	}
	return shape(v)
}

func deletePath(v any, path []string) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	if len(path) == 1 {
		delete(m, path[0])
		return
	}
	deletePath(m[path[0]], path[1:])
}

type stubRequest struct {
	method, path string
	header       http.Header
	body         []byte
}

// replayStub answers with the recorded server replies of the capture and
// records what the Go client sends.
type replayStub struct {
	srv    *httptest.Server
	mu     sync.Mutex
	reqs   []stubRequest
	frames chan []byte
	push   []byte
}

func newReplayStub(t *testing.T, recs []captureRecord) *replayStub {
	t.Helper()
	st := &replayStub{frames: make(chan []byte, 32)}
	replies := map[string][]byte{}
	sdkIDs := map[int]bool{}
	for _, r := range recs {
		if r.Kind == "http_request" && strings.HasPrefix(fmt.Sprint(r.Headers["sdk"]), "javascript") {
			sdkIDs[r.ID] = true
		}
		if r.Kind == "http_response" && sdkIDs[r.ID] {
			replies[r.Method+" "+r.Path] = r.Body
		}
		if r.Kind == "ws_frame" && r.Dir == "s2c" && strings.Contains(string(r.Frame), `"PEER-`) && strings.Contains(string(r.Frame), `"type":"message"`) {
			st.push = r.Frame
		}
	}
	require.NotNil(t, st.push, "capture has a peer message frame")
	up := websocket.Upgrader{}
	st.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" && websocket.IsWebSocketUpgrade(r) {
			ws, err := up.Upgrade(w, r, nil)
			if err != nil {
				return
			}
			defer ws.Close()
			for {
				_, b, err := ws.ReadMessage()
				if err != nil {
					return
				}
				st.frames <- b
				if strings.Contains(string(b), `"type":"auth"`) {
					_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"auth","body":{"code":"200","status":"OK"}}`))
					_ = ws.WriteMessage(websocket.TextMessage, st.push)
				}
				if strings.Contains(string(b), `"action":"ping"`) {
					_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"pong"}`))
				}
			}
		}
		body, _ := io.ReadAll(r.Body)
		st.mu.Lock()
		st.reqs = append(st.reqs, stubRequest{r.Method, r.URL.Path, r.Header.Clone(), body})
		st.mu.Unlock()
		reply, ok := replies[r.Method+" "+r.URL.Path]
		if !ok {
			w.WriteHeader(404)
			_, _ = w.Write([]byte(`{"error":{"code":"ERR_NOT_FOUND","message":"not in the capture"}}`))
			return
		}
		host := st.srv.Listener.Addr().String()
		port := host[strings.LastIndexByte(host, ':')+1:]
		s := strings.ReplaceAll(string(reply), "127.0.0.1:39959", host)
		s = strings.ReplaceAll(s, `"39959"`, `"`+port+`"`)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(s))
	}))
	st.srv.StartTLS()
	t.Cleanup(st.srv.Close)
	return st
}

func (st *replayStub) request(t *testing.T, method, path string) stubRequest {
	t.Helper()
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, r := range st.reqs {
		if r.method == method && r.path == path {
			return r
		}
	}
	t.Fatalf("the Go client sent no %s %s", method, path)
	return stubRequest{}
}

func (st *replayStub) frame(t *testing.T, match string) []byte {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case f := <-st.frames:
			if strings.Contains(string(f), match) {
				return f
			}
		case <-deadline:
			t.Fatalf("no frame containing %s", match)
		}
	}
}

// TestGoldenBasic drives the Go client through the capture's basic steps
// against a stub that replays the recorded replies, and checks that every
// request and frame carries the keys (and value types) the real SDK sent.
func TestGoldenBasic(t *testing.T) {
	recs := loadCapture(t, "basic.jsonl")
	st := newReplayStub(t, recs)
	tlsCfg := st.srv.Client().Transport.(*http.Transport).TLSClientConfig
	base := st.srv.URL + "/v3.0"
	c, err := New("conformance-app", AppSettings{AdminHost: base, ClientHost: base,
		PresenceSubscription: PresenceSubscriptionAllUsers}, WithTLSConfig(tlsCfg.Clone()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	got := make(chan *TextMessage, 1)
	c.AddMessageListener("golden", MessageListener{OnTextMessageReceived: func(m *TextMessage) { got <- m }})

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = c.Login(ctx, "superhero1", "conformance-auth-key")
	require.NoError(t, err)
	require.NoError(t, c.WaitConnected(ctx))
	authFrame := st.frame(t, `"type":"auth"`)
	var peerMsg *TextMessage
	select {
	case peerMsg = <-got:
	case <-ctx.Done():
		t.Fatal("the replayed peer message never reached the listener")
	}
	require.Equal(t, "superhero2", peerMsg.Sender.UID)
	_, err = c.SendMessage(ctx, NewTextMessage("superhero2", ReceiverTypeUser, "hello from go"))
	require.NoError(t, err)
	require.NoError(t, c.StartTyping(ctx, NewTypingIndicator("superhero2", ReceiverTypeUser)))
	started := st.frame(t, `"action":"started"`)
	require.NoError(t, c.EndTyping(ctx, NewTypingIndicator("superhero2", ReceiverTypeUser)))
	ended := st.frame(t, `"action":"ended"`)
	require.NoError(t, c.MarkAsDelivered(ctx, peerMsg))
	delivered := st.frame(t, `"action":"delivered"`)
	require.NoError(t, c.MarkAsRead(ctx, peerMsg))
	read := st.frame(t, `"action":"read"`)
	require.NoError(t, c.Logout(ctx))

	// What the real SDK sent, by step.
	var sdkFrames = map[string][]byte{}
	sdkBodies := map[string][]byte{}
	sdkHeaders := map[string][]string{}
	for _, r := range recs {
		if r.Kind == "http_request" && strings.HasPrefix(fmt.Sprint(r.Headers["sdk"]), "javascript") {
			sdkBodies[r.Method+" "+r.Path] = r.Body
		}
		if r.Kind == "ws_frame" && r.Dir == "c2s" && strings.Contains(string(r.Frame), `"WEB-`) {
			var f struct {
				Type string `json:"type"`
				Body struct {
					Action string `json:"action"`
				} `json:"body"`
			}
			require.NoError(t, json.Unmarshal(r.Frame, &f))
			sdkFrames[f.Type+"/"+f.Body.Action] = r.Frame
		}
	}
	for _, r := range loadCapture(t, "basic.client-a.jsonl") {
		if r.Kind == "fetch_request" {
			var names []string
			for k := range r.Headers {
				names = append(names, strings.ToLower(k))
			}
			sort.Strings(names)
			u, err := url.Parse(r.URL)
			require.NoError(t, err)
			sdkHeaders[r.Method+" "+u.Path] = names
		}
	}

	// REST bodies: the same keys; the Go SDK adds muid to sends (decision 24).
	for _, k := range []string{"POST /v3.0/users/superhero1/auth_tokens", "PUT /v3.0/me", "POST /v3.0/messages"} {
		parts := strings.SplitN(k, " ", 2)
		goReq := st.request(t, parts[0], parts[1])
		require.Equal(t, shapeOf(t, sdkBodies[k]), shapeOf(t, goReq.body, "muid"), "body of %s", k)
		require.NotEmpty(t, sdkHeaders[k], "capture has the headers of %s", k)
		for _, h := range sdkHeaders[k] {
			require.NotEmpty(t, goReq.header.Get(h), "header %s on %s", h, k)
		}
	}
	require.NotEmpty(t, st.request(t, "POST", "/v3.0/users/superhero1/auth_tokens").header.Get("apiKey"))
	require.NotEmpty(t, st.request(t, "POST", "/v3.0/messages").header.Get("authToken"))
	del := st.request(t, "DELETE", "/v3.0/me")
	require.Empty(t, del.body, "logout sends no body")

	// Socket frames: the same keys. The Cordova plain-object endTyping quirk
	// (receiverType "chat" plus an empty metadata) is deliberately not copied.
	require.Equal(t, shapeOf(t, sdkFrames["auth/"]), shapeOf(t, authFrame))
	require.Equal(t, shapeOf(t, sdkFrames["typing_indicator/started"]), shapeOf(t, started))
	require.Equal(t, shapeOf(t, sdkFrames["typing_indicator/ended"], "body.metadata"), shapeOf(t, ended))
	require.Contains(t, string(ended), `"receiverType":"user"`)
	require.Equal(t, shapeOf(t, sdkFrames["receipts/delivered"]), shapeOf(t, delivered))
	require.Equal(t, shapeOf(t, sdkFrames["receipts/read"]), shapeOf(t, read))
	require.Contains(t, string(delivered), `"messageId":"2"`)
	require.Contains(t, string(delivered), `"messageSender":"superhero2"`)
	require.Contains(t, string(delivered), `"receiver":"superhero2"`)
}
