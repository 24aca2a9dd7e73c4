package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/gocometchat/cometchat"
)

// What a scenario asks of the server, whether it runs in this process or in
// a child (then over its REST API and its /_fake hooks).

// hook calls one of the child server's /_fake hooks with the auth key.
func (t *target) hook(ctx context.Context, method, path string, out any) error {
	base := strings.TrimSuffix(t.base, "/v3.0")
	req, err := http.NewRequestWithContext(ctx, method, base+"/_fake/"+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("apiKey", authKey)
	resp, err := t.ctl.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("%s /_fake/%s: HTTP %d %s", method, path, resp.StatusCode, b)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// dropAll drops every socket and reports how many.
func (t *target) dropAll(ctx context.Context) (int, error) {
	if t.srv != nil {
		return t.srv.DropSockets(""), nil
	}
	var out struct {
		Affected int `json:"affected"`
	}
	err := t.hook(ctx, http.MethodPost, "sockets/drop", &out)
	return out.Affected, err
}

// authenticated counts the authenticated sockets.
func (t *target) authenticated(ctx context.Context) (int, error) {
	if t.srv != nil {
		return t.srv.AuthenticatedSockets(), nil
	}
	var st struct {
		Sockets int `json:"sockets"`
	}
	err := t.hook(ctx, http.MethodGet, "state", &st)
	return st.Sockets, err
}

// tokens caches auth tokens for sendText in a child server.
var tokens sync.Map // uid -> token

// sendText sends a text from sender as the server's API would.
func (t *target) sendText(ctx context.Context, sender, receiverType, receiver, text string) error {
	if t.srv != nil {
		_, err := t.srv.SendText(sender, receiverType, receiver, text)
		return err
	}
	tok, ok := tokens.Load(sender)
	if !ok {
		token, err := t.authToken(ctx, sender)
		if err != nil {
			return err
		}
		tokens.Store(sender, token)
		tok = token
	}
	if receiverType != "user" {
		return fmt.Errorf("sendText to a child server: only to users")
	}
	return t.rawSend(ctx, tok.(string), receiver, text)
}

// authToken creates an auth token for uid (the user is created if new).
func (t *target) authToken(ctx context.Context, uid string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.base+"/users/"+uid+"/auth_tokens", strings.NewReader(`{}`))
	if err != nil {
		return "", err
	}
	req.Header.Set("appId", appID)
	req.Header.Set("apiKey", authKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.ctl.Do(req)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	var env struct {
		Data struct {
			AuthToken string `json:"authToken"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || env.Data.AuthToken == "" {
		return "", fmt.Errorf("auth token for %s: HTTP %d", uid, resp.StatusCode)
	}
	return env.Data.AuthToken, nil
}

// createUsers creates uids (through their auth tokens) from a few workers.
func (t *target) createUsers(ctx context.Context, uids []string) error {
	return forEach(ctx, len(uids), 8, func(i int) error {
		_, err := t.authToken(ctx, uids[i])
		return err
	})
}

// groupOf creates a public group owned by owner (a logged-in client) holding
// members (users that exist: logged in once), through the SDK.
func groupOf(ctx context.Context, owner *cometchat.Client, guid string, members []string) error {
	if _, err := owner.CreateGroup(ctx, cometchat.NewGroup(guid, "Bench "+guid, cometchat.GroupTypePublic, "")); err != nil {
		return err
	}
	for start := 0; start < len(members); start += 100 {
		end := min(start+100, len(members))
		var batch []*cometchat.GroupMember
		for _, u := range members[start:end] {
			batch = append(batch, cometchat.NewGroupMember(u, cometchat.GroupMemberScopeParticipant))
		}
		res, err := owner.AddMembersToGroup(ctx, guid, batch, nil)
		if err != nil {
			return err
		}
		for uid, r := range res {
			if r != "success" {
				return fmt.Errorf("adding %s to %s: %s", uid, guid, r)
			}
		}
	}
	return nil
}
