package cometchat

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/gocometchat/cometchat/internal/rest"
	"github.com/gocometchat/cometchat/internal/wire"
)

// UnreadCounts holds unread message counts by conversation partner. A
// conversation without unread messages is absent (read it as 0).
type UnreadCounts struct {
	Users  map[string]int
	Groups map[string]int
}

type countRow struct {
	EntityID   wire.Str `json:"entityId"`
	EntityType wire.Str `json:"entityType"`
	Count      wire.Int `json:"count"`
}

func (c *Client) unreadRows(ctx context.Context, path string, q []rest.KV) ([]countRow, error) {
	resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodGet, Path: path, Query: q})
	if err != nil {
		return nil, err
	}
	var rows []countRow
	if err := json.Unmarshal(resp.Data, &rows); err != nil {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server sent unread counts that cannot be read", Err: err}
	}
	return rows, nil
}

func hideKV(hide bool) rest.KV { return rest.KV{Key: "hideMessagesFromBlockedUsers", Value: bit(hide)} }

var unreadKV = []rest.KV{{Key: "unread", Value: "1"}, {Key: "count", Value: "1"}}

// UnreadMessageCount returns the unread counts of every conversation
// (Cordova: getUnreadMessageCount).
func (c *Client) UnreadMessageCount(ctx context.Context, hideMessagesFromBlockedUsers bool) (*UnreadCounts, error) {
	rows, err := c.unreadRows(ctx, "messages", append(append([]rest.KV(nil), unreadKV...), hideKV(hideMessagesFromBlockedUsers)))
	if err != nil {
		return nil, err
	}
	out := &UnreadCounts{Users: map[string]int{}, Groups: map[string]int{}}
	for _, r := range rows {
		if r.EntityType == "group" {
			out.Groups[string(r.EntityID)] = int(r.Count)
		} else {
			out.Users[string(r.EntityID)] = int(r.Count)
		}
	}
	return out, nil
}

// UnreadMessageCountForAllUsers returns the unread counts of every
// one-to-one conversation (Cordova: getUnreadMessageCountForAllUsers).
func (c *Client) UnreadMessageCountForAllUsers(ctx context.Context, hideMessagesFromBlockedUsers bool) (map[string]int, error) {
	return c.unreadMap(ctx, "messages", "user", []rest.KV{hideKV(hideMessagesFromBlockedUsers), {Key: "receiverType", Value: "user"}, unreadKV[0], unreadKV[1]})
}

// UnreadMessageCountForAllGroups returns the unread counts of every group
// (Cordova: getUnreadMessageCountForAllGroups).
func (c *Client) UnreadMessageCountForAllGroups(ctx context.Context, hideMessagesFromBlockedUsers bool) (map[string]int, error) {
	return c.unreadMap(ctx, "messages", "group", []rest.KV{hideKV(hideMessagesFromBlockedUsers), {Key: "receiverType", Value: "group"}, unreadKV[0], unreadKV[1]})
}

// UnreadMessageCountForUser returns the unread count of the conversation
// with uid (Cordova: getUnreadMessageCountForUser).
func (c *Client) UnreadMessageCountForUser(ctx context.Context, uid string, hideMessagesFromBlockedUsers bool) (int, error) {
	if err := checkUID(uid); err != nil {
		return 0, err
	}
	m, err := c.unreadMap(ctx, "users/"+uid+"/messages", "user", []rest.KV{hideKV(hideMessagesFromBlockedUsers), unreadKV[0], unreadKV[1], {Key: "uid", Value: uid}})
	if err != nil {
		return 0, err
	}
	return m[uid], nil
}

// UnreadMessageCountForGroup returns the unread count of a group (Cordova:
// getUnreadMessageCountForGroup).
func (c *Client) UnreadMessageCountForGroup(ctx context.Context, guid string, hideMessagesFromBlockedUsers bool) (int, error) {
	if err := checkGUID(guid); err != nil {
		return 0, err
	}
	m, err := c.unreadMap(ctx, "groups/"+guid+"/messages", "group", []rest.KV{hideKV(hideMessagesFromBlockedUsers), unreadKV[0], unreadKV[1], {Key: "guid", Value: guid}})
	if err != nil {
		return 0, err
	}
	return m[guid], nil
}

func (c *Client) unreadMap(ctx context.Context, path, kind string, q []rest.KV) (map[string]int, error) {
	rows, err := c.unreadRows(ctx, path, q)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, r := range rows {
		t := string(r.EntityType)
		if t == "" || t == kind {
			out[string(r.EntityID)] = int(r.Count)
		}
	}
	return out, nil
}
