package cometchat

import "github.com/gocometchat/cometchat/internal/rest"

// Code is a stable error code: CometChat's own (ERR_UID_NOT_FOUND, ...) and
// the SDK's (USER_NOT_LOGGED_IN, ...). A Code is itself an error, so that
// errors.Is matches any *Error with that code:
//
//	if errors.Is(err, cometchat.CodeUIDNotFound) { ... }
//
// Codes the server sends that are not listed here are kept as they come.
type Code string

// Error returns the code with its sentence, e.g. "cometchat: CLIENT_CLOSED:
// the client is closed".
func (c Code) Error() string { return "cometchat: " + string(c) + ": " + c.Sentence() }

// Sentence is the code's meaning in plain words (the default message of an
// *Error that has none of its own).
func (c Code) Sentence() string {
	if s, ok := codeSentences[c]; ok {
		return s
	}
	return "CometChat answered with this code"
}

// Codes the SDK produces before or instead of a server call.
const (
	CodeInvalidUID              Code = "ERR_INVALID_UID"
	CodeInvalidGUID             Code = "ERR_INVALID_GUID"
	CodeMissingParameters       Code = "MISSING_PARAMETERS"
	CodeInvalidOption           Code = "INVALID_OPTION"
	CodeLoginInProgress         Code = "LOGIN_IN_PROGRESS"
	CodeNotLoggedIn             Code = "USER_NOT_LOGGED_IN"
	CodeClosed                  Code = "CLIENT_CLOSED"
	CodeNoWebsocketConnection   Code = "NO_WEBSOCKET_CONNECTION"
	CodeWebsocketAuthRejected   Code = "WEBSOCKET_AUTH_REJECTED"
	CodeReceiptsBlocked         Code = "RECEIPTS_TEMPORARILY_BLOCKED"
	CodeTransientBlocked        Code = "TRANSIENT_TEMPORARILY_BLOCKED"
	CodeFailedToFetch           Code = rest.CodeFailedToFetch
	CodeRedirectRefused         Code = rest.CodeRedirectRefused
	CodeInvalidReceiverType     Code = "INVALID_RECEIVER_TYPE"
	CodeInvalidMessage          Code = "INVALID_MESSAGE"
	CodeSetLimitIsCompulsory    Code = "SET_LIMIT_IS_COMPULSORY"
	CodeSetLimitExceeded        Code = "ERROR_SET_LIMIT_EXCEEDED"
	CodeRequestInProgress       Code = "REQUEST_IN_PROGRESS"
	CodeNotEnoughParameters     Code = "NOT_ENOUGH_PARAMETERS"
	CodeCursorStuck             Code = "ERR_CURSOR_NOT_ADVANCING"
	CodeEmptyUsersList          Code = "EMPTY_USERS_LIST"
	CodeInvalidSortBy           Code = "INVALID_SORT_BY"
	CodeInvalidSortByOrder      Code = "INVALID_SORT_BY_ORDER"
	CodeInvalidSearchIn         Code = "INVALID_SEARCH_IN"
	CodeInvalidGroupType        Code = "INVALID_GROUP_TYPE"
	CodeInvalidScope            Code = "INVALID_SCOPE_VALUE"
	CodeGroupTypeIsCompulsory   Code = "GROUP_TYPE_IS_COMPULSORY"
	CodeGroupNameIsCompulsory   Code = "GROUP_NAME_IS_COMPULSORY"
	CodeInvalidGroupTags        Code = "INVALID_GROUP_TAGS"
	CodePasswordIsCompulsory    Code = "PASSWORD_IS_COMPULSORY"
	CodeCallAlreadyInitiated    Code = "CALL_ALREADY_INITIATED"
	CodeCallInProgress          Code = "CALL_IN_PROGRESS"
	CodeConversationNotFound    Code = "CONVERSATION_NOT_FOUND"
	CodeInvalidStatusValue      Code = "INVALID_STATUS_VALUE"
	CodeInvalidDirectionValue   Code = "INVALID_DIRECTION_VALUE"
	CodeInvalidConversationType Code = "INVALID_CONVERSATION_TYPE"
	CodeInvalidExtension        Code = "ERROR_INVALID_EXTENSION"
	CodeExtensionNotFound       Code = "ERROR_EXTENSION_NOT_FOUND"
	CodeInvalidFeature          Code = "ERROR_INVALID_FEATURE"
	CodeFeatureNotFound         Code = "ERROR_FEATURE_NOT_FOUND"
	CodeInvalidGroupList        Code = "ERROR_INVALID_GROUPLIST"
	// The reasons OnResyncRequired gives.
	CodeResyncGapTooLarge    Code = "RESYNC_GAP_TOO_LARGE"
	CodeResyncRecoveryFailed Code = "RESYNC_RECOVERY_FAILED"
	CodeResyncServerBehind   Code = "RESYNC_SERVER_BEHIND"
)

// Codes CometChat's servers send (and the fake server reproduces).
const (
	CodeAuthTokenNotFound   Code = "AUTH_ERR_AUTH_TOKEN_NOT_FOUND"
	CodeAPIKeyNotFound      Code = "AUTH_ERR_APIKEY_NOT_FOUND"
	CodeInvalidAppID        Code = "AUTH_ERR_INVALID_APPID"
	CodeUIDNotFound         Code = "ERR_UID_NOT_FOUND"
	CodeUIDAlreadyExists    Code = "ERR_UID_ALREADY_EXISTS"
	CodeGUIDNotFound        Code = "ERR_GUID_NOT_FOUND"
	CodeGUIDAlreadyExists   Code = "ERR_GUID_ALREADY_EXISTS"
	CodeBadRequest          Code = "ERR_BAD_REQUEST"
	CodeTooManyRequests     Code = "ERR_TOO_MANY_REQUESTS"
	CodeWrongGroupPassword  Code = "ERR_WRONG_GROUP_PASS"
	CodeEmptyGroupPassword  Code = "ERR_EMPTY_GROUP_PASS"
	CodeAlreadyJoined       Code = "ERR_ALREADY_JOINED"
	CodeGroupNotJoined      Code = "ERR_GROUP_NOT_JOINED"
	CodeGroupJoinNotAllowed Code = "ERR_GROUP_JOIN_NOT_ALLOWED"
	CodeBannedGroupMember   Code = "ERR_BANNED_GROUPMEMBER"
	CodeNotAMember          Code = "ERR_NOT_A_MEMBER"
	CodeGroupNoClearance    Code = "ERR_GROUP_NO_CLEARANCE"
	CodeGroupNoModerator    Code = "ERR_GROUP_NO_MODERATOR_SCOPE"
	CodeGroupNoAdmin        Code = "ERR_GROUP_NO_ADMIN_SCOPE"
	CodeGroupNoSelfAction   Code = "ERR_GROUP_NO_SELF_ACTION"
	CodeGroupNoScopeChange  Code = "ERR_GROUP_NO_SCOPE_CLEARANCE"
	CodeSameScope           Code = "ERR_SAME_SCOPE"
	CodeAlreadyBanned       Code = "ERR_ALREADY_BANNED"
	CodeNotABannedUser      Code = "ERR_NOT_A_BANNED_USER"
	CodeMessageNotFound     Code = "ERR_MSG_NOT_FOUND"
	CodeFileSizeExceeded    Code = "ERR_FILE_SIZE_EXCEEDED"
	CodePermissionDenied    Code = "ERR_PERMISSION_DENIED"
	CodeCallSessionNotFound Code = "ERR_CALL_SESSION_NOT_FOUND"
)

var codeSentences = map[Code]string{
	CodeInvalidUID:              "a UID must be 1 to 100 letters, digits, _ or -",
	CodeInvalidGUID:             "a GUID must be 1 to 100 letters, digits, _ or -",
	CodeMissingParameters:       "a required parameter is missing",
	CodeInvalidOption:           "an option given to New is invalid",
	CodeLoginInProgress:         "another login is in progress",
	CodeNotLoggedIn:             "nobody is logged in",
	CodeClosed:                  "the client is closed",
	CodeNoWebsocketConnection:   "the websocket is not connected",
	CodeWebsocketAuthRejected:   "the server rejected the websocket's credentials",
	CodeReceiptsBlocked:         "receipts are disabled for this app",
	CodeTransientBlocked:        "typing indicators and transient messages are disabled for this app",
	CodeFailedToFetch:           "the request did not get a usable answer",
	CodeRedirectRefused:         "the server redirected the request to another host or to plain http; credentials are never sent there",
	CodeInvalidReceiverType:     "the receiver type must be user or group",
	CodeInvalidMessage:          "the message is not valid",
	CodeSetLimitIsCompulsory:    "SetLimit is required",
	CodeSetLimitExceeded:        "the limit is above the maximum",
	CodeRequestInProgress:       "another fetch of this request is in progress",
	CodeNotEnoughParameters:     "the request needs a message id, a timestamp or an update time",
	CodeCursorStuck:             "the server sent the same page again; the listing stopped instead of looping",
	CodeEmptyUsersList:          "at least one UID is required",
	CodeInvalidSortBy:           "the sort field is not valid",
	CodeInvalidSortByOrder:      "the sort order is not valid",
	CodeInvalidSearchIn:         "a search field is not valid",
	CodeInvalidGroupType:        "the group type must be public, private or password",
	CodeInvalidScope:            "the scope must be admin, moderator or participant",
	CodeGroupTypeIsCompulsory:   "a group type is required",
	CodeGroupNameIsCompulsory:   "a group name is required",
	CodeInvalidGroupTags:        "the group tags are not valid",
	CodePasswordIsCompulsory:    "a password group needs a password",
	CodeCallAlreadyInitiated:    "a call is already initiated",
	CodeCallInProgress:          "another call is in progress",
	CodeConversationNotFound:    "the conversation does not exist",
	CodeInvalidStatusValue:      "the status value is not valid",
	CodeInvalidDirectionValue:   "the direction value is not valid",
	CodeInvalidConversationType: "the conversation type must be user or group",
	CodeInvalidExtension:        "the extension id is not valid",
	CodeExtensionNotFound:       "the extension is not enabled",
	CodeInvalidFeature:          "the feature name is not valid",
	CodeFeatureNotFound:         "the feature is not known",
	CodeInvalidGroupList:        "the group list is not valid",
	CodeResyncGapTooLarge:       "more messages were missed than missed-message recovery may fetch",
	CodeResyncRecoveryFailed:    "missed-message recovery failed",
	CodeResyncServerBehind:      "the server's message ids are below the resume position",
	CodeAuthTokenNotFound:       "the server does not accept the auth token",
	CodeAPIKeyNotFound:          "the server does not accept the key",
	CodeInvalidAppID:            "the server does not serve this app id",
	CodeUIDNotFound:             "the user does not exist",
	CodeUIDAlreadyExists:        "a user with this UID already exists",
	CodeGUIDNotFound:            "the group does not exist or is not visible",
	CodeGUIDAlreadyExists:       "a group with this GUID already exists",
	CodeBadRequest:              "the server refused the request's shape",
	CodeTooManyRequests:         "rate limited; retry after RetryAfter",
	CodeWrongGroupPassword:      "the group password is wrong",
	CodeEmptyGroupPassword:      "the group password is empty",
	CodeAlreadyJoined:           "already a member of the group",
	CodeGroupNotJoined:          "not a member of the group",
	CodeGroupJoinNotAllowed:     "the group is private: members must be added by an admin",
	CodeBannedGroupMember:       "banned from the group",
	CodeNotAMember:              "the target is not a member of the group",
	CodeGroupNoClearance:        "no clearance over the target in the group",
	CodeGroupNoModerator:        "the operation needs the moderator scope",
	CodeGroupNoAdmin:            "the operation needs the admin scope",
	CodeGroupNoSelfAction:       "the operation cannot target oneself",
	CodeGroupNoScopeChange:      "no clearance to change this scope",
	CodeSameScope:               "the member already has that scope",
	CodeAlreadyBanned:           "the user is already banned",
	CodeNotABannedUser:          "the user is not banned",
	CodeMessageNotFound:         "the message does not exist",
	CodeFileSizeExceeded:        "the file is larger than the server accepts",
	CodePermissionDenied:        "permission denied",
	CodeCallSessionNotFound:     "the call session does not exist",
}
