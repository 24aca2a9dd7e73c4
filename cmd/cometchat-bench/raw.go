package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// rawLogin logs uid in over REST and opens an authenticated raw socket; it
// returns the socket and the user's auth token. It does only what the
// protocol needs: the floor the SDK is measured against.
func (t *target) rawLogin(ctx context.Context, uid string) (*websocket.Conn, string, error) {
	call := func(method, path, token, key string, out any) error {
		req, err := http.NewRequestWithContext(ctx, method, t.base+"/"+path, strings.NewReader(`{"platform":"GO","deviceId":"raw"}`))
		if err != nil {
			return err
		}
		req.Header.Set("appId", appID)
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("apiKey", key)
		}
		if token != "" {
			req.Header.Set("authToken", token)
		}
		resp, err := t.hc.Do(req)
		if err != nil {
			return err
		}
		defer func() { _ = resp.Body.Close() }()
		var env struct {
			Data json.RawMessage `json:"data"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || len(env.Data) == 0 {
			return fmt.Errorf("%s %s: HTTP %d", method, path, resp.StatusCode)
		}
		return json.Unmarshal(env.Data, out)
	}
	var tok struct {
		AuthToken string `json:"authToken"`
	}
	if err := call(http.MethodPost, "users/"+uid+"/auth_tokens", "", authKey, &tok); err != nil {
		return nil, "", err
	}
	var me struct {
		JWT string `json:"jwt"`
	}
	if err := call(http.MethodPut, "me", tok.AuthToken, "", &me); err != nil {
		return nil, "", err
	}
	d := websocket.Dialer{TLSClientConfig: t.tlsConf, HandshakeTimeout: 10 * time.Second}
	ws, _, err := d.DialContext(ctx, t.ws, nil)
	if err != nil {
		return nil, "", err
	}
	auth, _ := json.Marshal(map[string]any{"appId": appID, "deviceId": "raw-" + uid, "type": "auth", "sender": uid,
		"body": map[string]any{"auth": me.JWT, "deviceId": "raw-" + uid, "presenceSubscription": "NONE"}})
	_ = ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if err := ws.WriteMessage(websocket.TextMessage, auth); err != nil {
		_ = ws.Close()
		return nil, "", err
	}
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, raw, err := ws.ReadMessage()
		if err != nil {
			_ = ws.Close()
			return nil, "", err
		}
		var f struct {
			Type string `json:"type"`
			Body struct {
				Code string `json:"code"`
			} `json:"body"`
		}
		if json.Unmarshal(raw, &f) == nil && f.Type == "auth" {
			if f.Body.Code != "200" {
				_ = ws.Close()
				return nil, "", fmt.Errorf("raw auth refused: %s", raw)
			}
			_ = ws.SetReadDeadline(time.Time{})
			return ws, tok.AuthToken, nil
		}
	}
}

// rawSend posts a text message over REST as the owner of token, with only
// the headers the protocol needs, and returns when the reply is read.
func (t *target) rawSend(ctx context.Context, token, receiver, text string) error {
	body, _ := json.Marshal(map[string]any{"receiver": receiver, "receiverType": "user", "category": "message",
		"type": "text", "data": map[string]string{"text": text}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.base+"/messages", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("appId", appID)
	req.Header.Set("authToken", token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.ctl.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("raw send: HTTP %d", resp.StatusCode)
	}
	return nil
}

// idOf finds a message frame's id without decoding the frame: the floor's
// receiver decodes just that.
func idOf(frame []byte) (string, bool) {
	i := bytes.Index(frame, []byte(`"id":"`))
	if i < 0 {
		return "", false
	}
	rest := frame[i+6:]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return "", false
	}
	return string(rest[:j]), true
}
