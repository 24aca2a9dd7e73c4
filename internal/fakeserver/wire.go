package fakeserver

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// JSON shapes of what the server sends.

type userJSON struct {
	UID            string          `json:"uid"`
	Name           string          `json:"name"`
	Avatar         string          `json:"avatar,omitempty"`
	Link           string          `json:"link,omitempty"`
	Role           string          `json:"role,omitempty"`
	Metadata       json.RawMessage `json:"metadata,omitempty"`
	Status         string          `json:"status"`
	StatusMessage  string          `json:"statusMessage,omitempty"`
	LastActiveAt   int64           `json:"lastActiveAt,omitempty"`
	Tags           []string        `json:"tags,omitempty"`
	CreatedAt      int64           `json:"createdAt,omitempty"`
	UpdatedAt      int64           `json:"updatedAt,omitempty"`
	DeactivatedAt  int64           `json:"deactivatedAt,omitempty"`
	ConversationID string          `json:"conversationId,omitempty"`
	HasBlockedMe   bool            `json:"hasBlockedMe,omitempty"`
	BlockedByMe    bool            `json:"blockedByMe,omitempty"`
	BlockedByMeAt  int64           `json:"blockedByMeAt,omitempty"`
	BlockedAt      int64           `json:"blockedAt,omitempty"`
	Scope          string          `json:"scope,omitempty"`
	JoinedAt       int64           `json:"joinedAt,omitempty"`
	AuthToken      string          `json:"authToken,omitempty"`
	JWT            string          `json:"jwt,omitempty"`
	WSChannel      *wsChannelJSON  `json:"wsChannel,omitempty"`
	Settings       *settingsJSON   `json:"settings,omitempty"`
}

type wsChannelJSON struct {
	Identity string `json:"identity"`
	Secret   string `json:"secret"`
	Service  string `json:"service"`
}

// settingsJSON is what PUT /me (data.settings) and GET /settings return.
type settingsJSON struct {
	ChatHost               string          `json:"CHAT_HOST"`
	ChatWSSPort            string          `json:"CHAT_WSS_PORT"`
	ChatWSPort             string          `json:"CHAT_WS_PORT"`
	ChatUseSSL             bool            `json:"CHAT_USE_SSL"`
	ClientAPIHost          string          `json:"CLIENT_API_HOST"`
	AdminAPIHost           string          `json:"ADMIN_API_HOST"`
	ChatAPIVersion         string          `json:"CHAT_API_VERSION"`
	WSAPIVersion           string          `json:"WS_API_VERSION"`
	Mode                   string          `json:"MODE"`
	AppVersion             int             `json:"APP_VERSION"`
	Region                 string          `json:"REGION"`
	MainDomain             string          `json:"MAIN_DOMAIN"`
	ExtensionDomain        string          `json:"EXTENSION_DOMAIN"`
	AnalyticsPingDisabled  bool            `json:"ANALYTICS_PING_DISABLED"`
	AnalyticsHost          string          `json:"ANALYTICS_HOST"`
	AnalyticsVersion       string          `json:"ANALYTICS_VERSION"`
	AnalyticsUseSSL        bool            `json:"ANALYTICS_USE_SSL"`
	SettingsHash           string          `json:"settingsHash"`
	SettingsHashReceivedAt int64           `json:"settingsHashReceivedAt"`
	Extensions             []extensionJSON `json:"extensions"`
	Parameters             map[string]bool `json:"parameters"`
}

type extensionJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type groupJSON struct {
	GUID           string             `json:"guid"`
	Name           string             `json:"name"`
	Type           string             `json:"type"`
	Icon           string             `json:"icon,omitempty"`
	Description    string             `json:"description,omitempty"`
	Owner          string             `json:"owner"`
	Metadata       json.RawMessage    `json:"metadata,omitempty"`
	Tags           []string           `json:"tags,omitempty"`
	MembersCount   int                `json:"membersCount"`
	ConversationID string             `json:"conversationId"`
	CreatedAt      int64              `json:"createdAt"`
	UpdatedAt      int64              `json:"updatedAt,omitempty"`
	UpdatedBy      string             `json:"updatedBy,omitempty"`
	HasJoined      bool               `json:"hasJoined"`
	Scope          string             `json:"scope,omitempty"`
	JoinedAt       int64              `json:"joinedAt,omitempty"`
	Members        *groupMembersBlock `json:"members,omitempty"`
}

// groupMembersBlock is data.members of a create-with-members reply.
type groupMembersBlock struct {
	Data addMembersResult `json:"data"`
}

// addMembersResult holds the four result maps of PUT groups/{guid}/members
// (all four must be present).
type addMembersResult struct {
	Admins       map[string]uidResult `json:"admins"`
	Moderators   map[string]uidResult `json:"moderators"`
	Participants map[string]uidResult `json:"participants"`
	UsersToBan   map[string]uidResult `json:"usersToBan"`
}

// uidResult is one per-uid outcome of a bulk operation.
type uidResult struct {
	Success bool            `json:"success"`
	Message string          `json:"message,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
	Error   *errorJSON      `json:"error,omitempty"`
}

type errorJSON struct {
	Code    string              `json:"code"`
	Message string              `json:"message"`
	Details map[string][]string `json:"details"`
}

type entityJSON struct {
	Entity     json.RawMessage `json:"entity"`
	EntityType string          `json:"entityType"`
}

type entitiesJSON struct {
	Sender   *entityJSON `json:"sender,omitempty"`
	Receiver *entityJSON `json:"receiver,omitempty"`
	By       *entityJSON `json:"by,omitempty"`
	On       *entityJSON `json:"on,omitempty"`
	For      *entityJSON `json:"for,omitempty"`
}

type scopeChangeJSON struct {
	New string `json:"new"`
	Old string `json:"old"`
}

type extrasJSON struct {
	Scope scopeChangeJSON `json:"scope"`
}

type actionDataJSON struct {
	Action   string       `json:"action"`
	Entities entitiesJSON `json:"entities"`
	Extras   *extrasJSON  `json:"extras,omitempty"`
}

type callDataJSON struct {
	Entities entitiesJSON    `json:"entities"`
	Metadata json.RawMessage `json:"metadata,omitempty"`
}

type callEntityJSON struct {
	SessionID    string       `json:"sessionid"`
	Status       string       `json:"status"`
	Type         string       `json:"type"`
	ReceiverType string       `json:"receiverType"`
	Sender       string       `json:"sender"`
	Receiver     string       `json:"receiver"`
	InitiatedAt  int64        `json:"initiatedAt"`
	JoinedAt     int64        `json:"joinedAt,omitempty"`
	LeftAt       int64        `json:"leftAt,omitempty"`
	Data         callDataJSON `json:"data"`
}

type myReceiptJSON struct {
	DeliveredAt int64 `json:"deliveredAt,omitempty"`
	ReadAt      int64 `json:"readAt,omitempty"`
}

type receiptJSON struct {
	MessageID   string   `json:"messageId"`
	Recipient   userJSON `json:"recipient"`
	DeliveredAt int64    `json:"deliveredAt,omitempty"`
	ReadAt      int64    `json:"readAt,omitempty"`
}

type receiptsJSON struct {
	Data []receiptJSON `json:"data"`
}

type messageJSON struct {
	ID             string          `json:"id"`
	Muid           string          `json:"muid,omitempty"`
	ConversationID string          `json:"conversationId"`
	Sender         string          `json:"sender"`
	ReceiverType   string          `json:"receiverType"`
	Receiver       string          `json:"receiver"`
	Category       string          `json:"category"`
	Type           string          `json:"type"`
	Data           json.RawMessage `json:"data"`
	SentAt         int64           `json:"sentAt"`
	UpdatedAt      int64           `json:"updatedAt"`
	DeliveredAt    int64           `json:"deliveredAt,omitempty"`
	ReadAt         int64           `json:"readAt,omitempty"`
	MyReceipt      *myReceiptJSON  `json:"myReceipt,omitempty"`
	EditedAt       int64           `json:"editedAt,omitempty"`
	EditedBy       string          `json:"editedBy,omitempty"`
	DeletedAt      int64           `json:"deletedAt,omitempty"`
	DeletedBy      string          `json:"deletedBy,omitempty"`
	ParentID       string          `json:"parentId,omitempty"`
	ReplyCount     int             `json:"replyCount,omitempty"`
	Tags           []string        `json:"tags,omitempty"`
	Receipts       *receiptsJSON   `json:"receipts,omitempty"`
}

type conversationJSON struct {
	ConversationID     string          `json:"conversationId"`
	ConversationType   string          `json:"conversationType"`
	ConversationWith   json.RawMessage `json:"conversationWith"`
	LastMessage        json.RawMessage `json:"lastMessage,omitempty"`
	UnreadMessageCount string          `json:"unreadMessageCount"`
	Tags               []string        `json:"tags"`
	CreatedAt          int64           `json:"createdAt,omitempty"`
	UpdatedAt          int64           `json:"updatedAt,omitempty"`
}

type unreadCountJSON struct {
	EntityID   string `json:"entityId"`
	EntityType string `json:"entityType"`
	Count      int    `json:"count"`
}

type paginationJSON struct {
	Total       int `json:"total"`
	Count       int `json:"count"`
	PerPage     int `json:"per_page"`
	CurrentPage int `json:"current_page"`
	TotalPages  int `json:"total_pages"`
}

type cursorJSON struct {
	Affix     string `json:"affix,omitempty"`
	ID        string `json:"id,omitempty"`
	UpdatedAt int64  `json:"updatedAt,omitempty"`
}

type metaJSON struct {
	Pagination *paginationJSON `json:"pagination,omitempty"`
	Cursor     *cursorJSON     `json:"cursor,omitempty"`
}

type successJSON struct {
	Success bool   `json:"success"`
	Message string `json:"message,omitempty"`
}

// pushEnvelope is the envelope of every server-to-client frame except pong
// , keys in the SDK's order.
type pushEnvelope struct {
	AppID         string          `json:"appId"`
	Receiver      string          `json:"receiver,omitempty"`
	ReceiverType  string          `json:"receiverType,omitempty"`
	DeviceID      string          `json:"deviceId,omitempty"`
	Type          string          `json:"type"`
	Sender        string          `json:"sender,omitempty"`
	MessageSender string          `json:"messageSender,omitempty"`
	Body          json.RawMessage `json:"body"`
}

type authReplyBody struct {
	Code    string `json:"code"`
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
}

type presenceBody struct {
	Action    string   `json:"action"`
	Timestamp int64    `json:"timestamp"`
	User      userJSON `json:"user"`
}

var pongFrame = []byte(`{"action":"pong"}`)

// marshal encodes v without HTML escaping (like JSON.stringify).
func marshal[T any](v T) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only values with channels or functions fail; none are encoded here.
		panic("fakeserver: marshal: " + err.Error())
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
