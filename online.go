package cometchat

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/gocometchat/cometchat/internal/rest"
)

// onlineBase is the socket service's HTTPS base for online counts. The
// JavaScript SDK uses https://{chat host}/api/{WS_API_VERSION}, implicitly on
// port 443; this SDK uses the websocket's own host and port (443 on
// CometChat, so the same URL there), which also reaches a fake server on any
// port.
func (c *Client) onlineBase() (string, error) {
	ws, err := c.websocketURL()
	if err != nil {
		return "", err
	}
	u, err := url.Parse(ws)
	if err != nil || u.Host == "" {
		return "", &Error{Code: CodeNoWebsocketConnection, Message: "the websocket address cannot be read", Err: err}
	}
	scheme := "https"
	if u.Scheme == "ws" || u.Scheme == "http" {
		scheme = "http"
	}
	return scheme + "://" + u.Host + "/api/" + apiVersion, nil
}

type onlineMembersBody struct {
	Groups []string `json:"groups,omitempty"`
}

// onlineMembers calls POST {socket service}/api/v3.0/online-members with the
// socket JWT in Authorization (raw, no "Bearer"), as the JavaScript SDK does.
func (c *Client) onlineMembers(ctx context.Context, body *onlineMembersBody) (json.RawMessage, error) {
	jwt, _ := c.sess.credential()
	if jwt == "" {
		return nil, errorf(CodeNotLoggedIn, "log in first")
	}
	base, err := c.onlineBase()
	if err != nil {
		return nil, err
	}
	r := &rest.Request{Method: http.MethodPost, BaseURL: base, Path: "online-members", Authorization: jwt, Idempotent: true}
	if body != nil {
		r.Body = body
	}
	resp, err := c.call(ctx, r)
	if err != nil {
		return nil, err
	}
	return resp.Data, nil
}

// OnlineUserCount returns how many users of the app are online now (Cordova:
// getOnlineUserCount).
func (c *Client) OnlineUserCount(ctx context.Context) (int, error) {
	data, err := c.onlineMembers(ctx, nil)
	if err != nil {
		return 0, err
	}
	var v struct {
		OnlineUsersCount *int `json:"onlineUsersCount"`
	}
	if json.Unmarshal(data, &v) != nil || v.OnlineUsersCount == nil {
		return 0, errorf(CodeFailedToFetch, "the server sent an online count that cannot be read")
	}
	return *v.OnlineUsersCount, nil
}

// OnlineGroupMemberCount returns, for each group, how many of its members are
// online now (Cordova: getOnlineGroupMemberCount). GUIDs are validated before
// any I/O; an empty list gives ERROR_INVALID_GROUPLIST. A group the server
// does not report is absent from the map.
func (c *Client) OnlineGroupMemberCount(ctx context.Context, guids ...string) (map[string]int, error) {
	if len(guids) == 0 {
		return nil, errorf(CodeInvalidGroupList, "the group list cannot be empty")
	}
	for _, g := range guids {
		if err := checkGUID(g); err != nil {
			return nil, err
		}
	}
	data, err := c.onlineMembers(ctx, &onlineMembersBody{Groups: append([]string(nil), guids...)})
	if err != nil {
		return nil, err
	}
	var v struct {
		Groups map[string]int `json:"groups"`
	}
	if json.Unmarshal(data, &v) != nil {
		return nil, errorf(CodeFailedToFetch, "the server sent online counts that cannot be read")
	}
	if v.Groups == nil {
		v.Groups = map[string]int{}
	}
	return v.Groups, nil
}
