package fakeserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
)

// Lenient JSON field types for client input: the real SDK sends ids as
// strings or numbers and lists as arrays or comma-joined strings.

// flexString accepts a JSON string, number or boolean; null, objects and
// arrays decode to "".
type flexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		*f = ""
		return nil
	}
	switch b[0] {
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	case '{', '[', 'n':
		*f = ""
	default:
		*f = flexString(b)
	}
	return nil
}

func (f flexString) String() string { return string(f) }

// stringList accepts an array of strings or numbers, or one comma-joined
// string; empty items are dropped.
type stringList []string

// UnmarshalJSON implements json.Unmarshaler.
func (l *stringList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] == 'n' {
		*l = nil
		return nil
	}
	if b[0] == '[' {
		var items []flexString
		if err := json.Unmarshal(b, &items); err != nil {
			return err
		}
		out := make(stringList, 0, len(items))
		for _, it := range items {
			if s := strings.TrimSpace(string(it)); s != "" {
				out = append(out, s)
			}
		}
		*l = out
		return nil
	}
	var s flexString
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	*l = splitList(string(s))
	return nil
}

// flexBool accepts true/false, 1/0 and their string forms.
type flexBool bool

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexBool) UnmarshalJSON(b []byte) error {
	var s flexString
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	*f = flexBool(truthy(string(s)))
	return nil
}

func truthy(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// query is a leniently parsed query string: values are not necessarily
// URL-encoded and lists are comma-joined or repeated.
type query map[string][]string

func parseQuery(raw string) query {
	q := query{}
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if dv, err := url.QueryUnescape(v); err == nil {
			v = dv
		}
		q[k] = append(q[k], v)
	}
	return q
}

func (q query) get(k string) string {
	if v := q[k]; len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}

func (q query) list(k string) []string {
	var out []string
	for _, v := range q[k] {
		out = append(out, splitList(v)...)
	}
	return out
}

func (q query) flag(k string) bool { return truthy(q.get(k)) }

// int64 parses an integer parameter; absent or not a number is 0, and a
// number beyond the int64 range saturates at its bound.
func (q query) int64(k string) int64 {
	n, err := strconv.ParseInt(q.get(k), 10, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0
	}
	return n
}

// intDefault parses an integer parameter; absent or not a number is def, and
// a number beyond the int range saturates at its bound (callers clamp).
func (q query) intDefault(k string, def int) int {
	n, err := strconv.Atoi(q.get(k))
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return def
	}
	return n
}

// Request bodies. Handlers decode them with decodeBody; the decodeXxxReq
// functions are the same decoders with the JSON error, for the fuzz tests.

type userReq struct {
	UID           flexString      `json:"uid"`
	Name          *flexString     `json:"name"`
	Avatar        *flexString     `json:"avatar"`
	Link          *flexString     `json:"link"`
	Role          *flexString     `json:"role"`
	Metadata      json.RawMessage `json:"metadata"`
	StatusMessage *flexString     `json:"statusMessage"`
	Tags          *stringList     `json:"tags"`
	WithAuthToken flexBool        `json:"withAuthToken"`
	// login bodies (PUT /me, auth tokens)
	Platform flexString      `json:"platform"`
	DeviceID flexString      `json:"deviceId"`
	AppInfo  json.RawMessage `json:"appInfo"`
}

func decodeUserReq(b []byte) (userReq, error) {
	var r userReq
	return r, decodeJSON(b, &r)
}

type sendMessageReq struct {
	Receiver     flexString      `json:"receiver"`
	ReceiverID   flexString      `json:"receiverId"`
	ReceiverType flexString      `json:"receiverType"`
	Category     flexString      `json:"category"`
	Type         flexString      `json:"type"`
	Data         json.RawMessage `json:"data"`
	Text         flexString      `json:"text"`
	CustomData   json.RawMessage `json:"customData"`
	Tags         stringList      `json:"tags"`
	Muid         flexString      `json:"muid"`
}

func decodeSendMessageReq(b []byte) (sendMessageReq, error) {
	var r sendMessageReq
	return r, decodeJSON(b, &r)
}

// editMessageReq is the body of PUT messages/{id}: the whole message object
// the SDK holds; only data.text, data.metadata, data.customData and tags count.
type editMessageReq struct {
	Data       json.RawMessage `json:"data"`
	Text       *flexString     `json:"text"`
	Metadata   json.RawMessage `json:"metadata"`
	CustomData json.RawMessage `json:"customData"`
	Tags       *stringList     `json:"tags"`
}

func decodeEditMessageReq(b []byte) (editMessageReq, error) {
	var r editMessageReq
	return r, decodeJSON(b, &r)
}

type uidsReq struct {
	BlockedUIDs stringList `json:"blockedUids"`
	Accepted    stringList `json:"accepted"`
	Friends     stringList `json:"friends"`
}

func decodeUIDsReq(b []byte) (uidsReq, error) {
	var r uidsReq
	return r, decodeJSON(b, &r)
}

type groupReq struct {
	GUID        flexString      `json:"guid"`
	Name        *flexString     `json:"name"`
	Type        *flexString     `json:"type"`
	Password    *flexString     `json:"password"`
	Icon        *flexString     `json:"icon"`
	Description *flexString     `json:"description"`
	Metadata    json.RawMessage `json:"metadata"`
	Tags        *stringList     `json:"tags"`
	Owner       flexString      `json:"owner"`
	Scope       flexString      `json:"scope"`
	Members     *membersReq     `json:"members"`
	// add members (PUT groups/{guid}/members) sends the four lists at the top
	membersReq
}

type membersReq struct {
	Admins       stringList `json:"admins"`
	Moderators   stringList `json:"moderators"`
	Participants stringList `json:"participants"`
	UsersToBan   stringList `json:"usersToBan"`
}

func decodeGroupReq(b []byte) (groupReq, error) {
	var r groupReq
	return r, decodeJSON(b, &r)
}

type conversationReq struct {
	Tags stringList `json:"tags"`
}

type callReq struct {
	Type         flexString      `json:"type"`
	ReceiverType flexString      `json:"receiverType"`
	Receiver     flexString      `json:"receiver"`
	ReceiverID   flexString      `json:"receiverId"`
	Category     flexString      `json:"category"`
	Status       flexString      `json:"status"`
	Metadata     json.RawMessage `json:"metadata"`
	JoinedAt     flexString      `json:"joinedAt"`
}

func decodeCallReq(b []byte) (callReq, error) {
	var r callReq
	return r, decodeJSON(b, &r)
}

type faultReq struct {
	PathPrefix  string `json:"pathPrefix"`
	Method      string `json:"method"`
	Status      int    `json:"status"`
	RetryAfter  int    `json:"retryAfter"`
	Count       int    `json:"count"`
	Code        string `json:"code"`
	Message     string `json:"message"`
	DelayMillis int    `json:"delayMs"`
}

// decodeBody decodes a request body into a T; an empty body is an empty
// object. A body that is not JSON is ERR_BAD_REQUEST on "body".
func decodeBody[T any](b []byte) (T, *apiError) {
	var v T
	if err := decodeJSON(b, &v); err != nil {
		return v, badRequest("body", "The body is not valid JSON.")
	}
	return v, nil
}

// decodeJSON decodes a request body; an empty body is an empty object.
func decodeJSON[T any](b []byte, v *T) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return nil
	}
	return json.Unmarshal(b, v)
}

// isJSONObject reports whether raw holds a JSON object.
func isJSONObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// nonEmptyObject reports whether raw is a JSON object with at least one key.
func nonEmptyObject(raw json.RawMessage) bool {
	if !isJSONObject(raw) {
		return false
	}
	var m map[string]json.RawMessage
	return json.Unmarshal(raw, &m) == nil && len(m) > 0
}

// metadataValue turns a request's metadata into what is stored: nil for
// absent, null or not an object.
func metadataValue(raw json.RawMessage) json.RawMessage {
	if !isJSONObject(raw) {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return marshal(m)
}

func lowerAll(in []string) []string {
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for _, s := range in {
		s = normID(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
