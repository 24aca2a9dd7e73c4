package fakeserver

import (
	"fmt"
	"net/http"
)

// apiError is a CometChat error reply: {"error":{"code","message","details"}}
// with an HTTP status.
type apiError struct {
	Status  int
	Code    string
	Message string
	Details map[string][]string
	// RetryAfter (seconds) and ResetAt (unix seconds) become the Retry-After
	// and X-Rate-Limit-Reset headers when set.
	RetryAfter int
	ResetAt    int64
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func newErr(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// badRequest is ERR_BAD_REQUEST with per-field details.
func badRequest(field, msg string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "ERR_BAD_REQUEST", Message: "Validation failed.",
		Details: map[string][]string{field: {msg}}}
}

// Constructors for CometChat's error codes, one per situation.

func errEmptyAppID() *apiError {
	return newErr(401, "AUTH_ERR_EMPTY_APPID", "The appId header is missing.")
}
func errInvalidAppID(app string) *apiError {
	return newErr(401, "AUTH_ERR_INVALID_APPID", "The app %s does not exist in this region.", app)
}
func errEmptyAPIKey() *apiError {
	return newErr(401, "AUTH_ERR_EMPTY_APIKEY", "The apiKey header is missing.")
}

// errAPIKeyNotFound never echoes the key: a reply or a log may be seen by
// someone who should not learn a credential (nor a near miss of one).
func errAPIKeyNotFound() *apiError {
	return newErr(401, "AUTH_ERR_APIKEY_NOT_FOUND", "The apiKey does not exist.")
}
func errNoAccess() *apiError {
	return newErr(403, "AUTH_ERR_NO_ACCESS", "The apiKey does not have access to this operation.")
}
func errEmptyAuthToken() *apiError {
	return newErr(401, "AUTH_ERR_EMPTY_AUTH_TOKEN", "The authToken header is missing.")
}

// errTokenNotFound never echoes the token (see errAPIKeyNotFound).
func errTokenNotFound() *apiError {
	return newErr(401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND", "The auth token does not exist.")
}
func errAPINotFound(method, path string) *apiError {
	return newErr(404, "ERR_API_NOT_FOUND", "The endpoint %s %s does not exist.", method, path)
}
func errUIDNotFound(uid string) *apiError {
	return newErr(404, "ERR_UID_NOT_FOUND", "The user %s does not exist.", uid)
}
func errUIDExists(uid string) *apiError {
	return newErr(409, "ERR_UID_ALREADY_EXISTS", "The user %s already exists.", uid)
}
func errGUIDNotFound(guid string) *apiError {
	return newErr(404, "ERR_GUID_NOT_FOUND", "The group %s does not exist.", guid)
}
func errGUIDExists(guid string) *apiError {
	return newErr(409, "ERR_GUID_ALREADY_EXISTS", "The group %s already exists.", guid)
}
func errEmptyGroupPass(guid string) *apiError {
	return newErr(400, "ERR_EMPTY_GROUP_PASS", "A password is required for the password group %s.", guid)
}
func errWrongGroupPass(guid string) *apiError {
	return newErr(403, "ERR_WRONG_GROUP_PASS", "Wrong password for the group %s.", guid)
}
func errJoinNotAllowed(guid string) *apiError {
	return newErr(403, "ERR_GROUP_JOIN_NOT_ALLOWED", "The group %s is private; members must be added by an admin.", guid)
}
func errAlreadyJoined(uid, guid string) *apiError {
	return newErr(409, "ERR_ALREADY_JOINED", "The user %s has already joined the group %s.", uid, guid)
}
func errBannedMember(uid, guid string) *apiError {
	return newErr(403, "ERR_BANNED_GROUPMEMBER", "The user %s is banned from the group %s.", uid, guid)
}
func errNotJoined(uid, guid string) *apiError {
	return newErr(403, "ERR_GROUP_NOT_JOINED", "The user %s has not joined the group %s.", uid, guid)
}
func errNotAMember(uid, guid string) *apiError {
	return newErr(404, "ERR_NOT_A_MEMBER", "The user %s is not a member of the group %s.", uid, guid)
}
func errNoClearance(uid, scope, target, guid string) *apiError {
	return newErr(403, "ERR_GROUP_NO_CLEARANCE", "The user %s (%s) cannot do this to %s in the group %s.", uid, scope, target, guid)
}
func errNoScopeClearance(uid, target, scope string) *apiError {
	return newErr(403, "ERR_GROUP_NO_SCOPE_CLEARANCE", "The user %s cannot change the scope of %s to %s.", uid, target, scope)
}
func errNoModeratorScope(uid, guid string) *apiError {
	return newErr(403, "ERR_GROUP_NO_MODERATOR_SCOPE", "The user %s must be a moderator or admin of the group %s.", uid, guid)
}
func errNoAdminScope(uid, guid string) *apiError {
	return newErr(403, "ERR_GROUP_NO_ADMIN_SCOPE", "The user %s must be an admin of the group %s.", uid, guid)
}
func errNoSelfAction(uid string) *apiError {
	return newErr(403, "ERR_GROUP_NO_SELF_ACTION", "The user %s cannot perform this action on themselves.", uid)
}
func errSameScope(uid, scope string) *apiError {
	return newErr(400, "ERR_SAME_SCOPE", "The user %s already has the scope %s.", uid, scope)
}
func errAlreadyBanned(uid, guid string) *apiError {
	return newErr(409, "ERR_ALREADY_BANNED", "The user %s is already banned from the group %s.", uid, guid)
}
func errNotBanned(uid, guid string) *apiError {
	return newErr(404, "ERR_NOT_A_BANNED_USER", "The user %s is not banned from the group %s.", uid, guid)
}
func errMessageNotFound(id string) *apiError {
	return newErr(404, "ERR_MESSAGE_ID_NOT_FOUND", "The message %s does not exist.", id)
}
func errMessageNoAccess(uid, id string) *apiError {
	return newErr(403, "ERR_MESSAGE_NO_ACCESS", "The user %s cannot access the message %s.", uid, id)
}
func errNotSender(id string) *apiError {
	return newErr(403, "ERR_MESSAGE_NOT_A_SENDER", "Only the sender can edit or delete the message %s.", id)
}
func errActionNotAllowed(id string) *apiError {
	return newErr(403, "ERR_MESSAGE_ACTION_NOT_ALLOWED", "The message %s cannot be edited or deleted.", id)
}
func errBlockedReceiver(uid, receiver string) *apiError {
	return newErr(403, "ERR_BLOCKED_RECEIVER", "The user %s has blocked %s.", uid, receiver)
}
func errBlockedSender(uid, receiver string) *apiError {
	return newErr(403, "ERR_BLOCKED_SENDER", "The user %s has been blocked by %s.", uid, receiver)
}
func errCannotBlockSelf() *apiError {
	return newErr(400, "ERR_CANNOT_BLOCK_SELF", "A user cannot block themselves.")
}
func errConversationNotFound(kind, id string) *apiError {
	return newErr(404, "ERR_CONVERSATION_NOT_FOUND", "The conversation with the %s %s does not exist.", kind, id)
}
func errConversationNotAccessible(guid string) *apiError {
	return newErr(403, "ERR_CONVERSATION_NOT_ACCESSIBLE", "The conversation of the group %s is not accessible.", guid)
}
func errTooManyRequests(retryAfter int, resetAt int64) *apiError {
	e := newErr(429, "ERR_TOO_MANY_REQUESTS", "Too many requests.")
	e.RetryAfter, e.ResetAt = retryAfter, resetAt
	return e
}
func errFileTooLarge(limit int64) *apiError {
	return newErr(413, "ERR_FILE_SIZE_EXCEEDED", "The upload exceeds the limit of %d bytes.", limit)
}
func errInternal() *apiError {
	return newErr(500, "ERR_MISSION_FAILED", "Internal error.")
}
