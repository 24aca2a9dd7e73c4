package cometchat

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gocometchat/cometchat/internal/realtime"
	"github.com/gocometchat/cometchat/internal/rest"
)

// Error is every failure CometChat reports, and every failure of this SDK that
// has a CometChat code (validation, state, transport). Match it with
// errors.As, or compare codes with errors.Is against the sentinels below:
//
//	if errors.Is(err, cometchat.ErrUIDNotFound) { ... }
//
// Error strings never contain auth keys, REST API keys or auth tokens.
type Error struct {
	// Code is CometChat's stable code, e.g. "ERR_UID_NOT_FOUND".
	Code string
	// Message is the human-readable text.
	Message string
	// Details is the server's `details` value, raw (often an object).
	Details json.RawMessage
	// HTTPStatus is the response status, 0 when no response was received.
	HTTPStatus int
	// RetryAfter is the server's Retry-After, when it sent one (429).
	RetryAfter time.Duration
	// Err is the underlying cause (network error, context error), if any.
	Err error
}

func (e *Error) Error() string {
	msg := "cometchat: " + e.Code
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error with the same Code (so sentinels
// match any message), or the cause matches.
func (e *Error) Is(target error) bool {
	var t *Error
	if errors.As(target, &t) && t != nil {
		return t.Code == e.Code
	}
	return false
}

// IsCode reports whether err is an *Error with the given code.
func IsCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// Codes produced by this SDK before or instead of a server call.
const (
	CodeInvalidUID              = "ERR_INVALID_UID"
	CodeInvalidGUID             = "ERR_INVALID_GUID"
	CodeMissingParameters       = "MISSING_PARAMETERS"
	CodeLoginInProgress         = "LOGIN_IN_PROGRESS"
	CodeNotLoggedIn             = "USER_NOT_LOGGED_IN"
	CodeClosed                  = "CLIENT_CLOSED"
	CodeNoWebsocketConnection   = "NO_WEBSOCKET_CONNECTION"
	CodeReceiptsBlocked         = "RECEIPTS_TEMPORARILY_BLOCKED"
	CodeFailedToFetch           = rest.CodeFailedToFetch
	CodeRedirectRefused         = rest.CodeRedirectRefused
	CodeInvalidReceiverType     = "INVALID_RECEIVER_TYPE"
	CodeInvalidMessage          = "INVALID_MESSAGE"
	CodeWebsocketAuthRejected   = "WEBSOCKET_AUTH_REJECTED"
	CodeSetLimitIsCompulsory    = "SET_LIMIT_IS_COMPULSORY"
	CodeSetLimitExceeded        = "ERROR_SET_LIMIT_EXCEEDED"
	CodeRequestInProgress       = "REQUEST_IN_PROGRESS"
	CodeNotEnoughParameters     = "NOT_ENOUGH_PARAMETERS"
	CodeCursorStuck             = "ERR_CURSOR_NOT_ADVANCING"
	CodeInvalidGroupType        = "INVALID_GROUP_TYPE"
	CodeInvalidScope            = "INVALID_SCOPE_VALUE"
	CodeGroupTypeIsCompulsory   = "GROUP_TYPE_IS_COMPULSORY"
	CodePasswordIsCompulsory    = "PASSWORD_IS_COMPULSORY"
	CodeCallAlreadyInitiated    = "CALL_ALREADY_INITIATED"
	CodeCallInProgress          = "CALL_IN_PROGRESS"
	CodeConversationNotFound    = "CONVERSATION_NOT_FOUND"
	CodeInvalidStatusValue      = "INVALID_STATUS_VALUE"
	CodeInvalidDirectionValue   = "INVALID_DIRECTION_VALUE"
	CodeInvalidConversationType = "INVALID_CONVERSATION_TYPE"
	CodeInvalidExtension        = "ERROR_INVALID_EXTENSION"
	CodeExtensionNotFound       = "ERROR_EXTENSION_NOT_FOUND"
	CodeInvalidFeature          = "ERROR_INVALID_FEATURE"
	CodeFeatureNotFound         = "ERROR_FEATURE_NOT_FOUND"
	CodeInvalidGroupList        = "ERROR_INVALID_GROUPLIST"
	// The reasons OnResyncRequired gives.
	CodeResyncGapTooLarge    = "RESYNC_GAP_TOO_LARGE"   // more missed than WithMissedMessageRecovery
	CodeResyncRecoveryFailed = "RESYNC_RECOVERY_FAILED" // the server kept failing
	CodeResyncServerBehind   = "RESYNC_SERVER_BEHIND"   // the server's ids are below the resume position
)

// Codes CometChat's servers send (and the fake server reproduces).
const (
	CodeAuthTokenNotFound   = "AUTH_ERR_AUTH_TOKEN_NOT_FOUND"
	CodeAPIKeyNotFound      = "AUTH_ERR_APIKEY_NOT_FOUND"
	CodeInvalidAppID        = "AUTH_ERR_INVALID_APPID"
	CodeUIDNotFound         = "ERR_UID_NOT_FOUND"
	CodeUIDAlreadyExists    = "ERR_UID_ALREADY_EXISTS"
	CodeGUIDNotFound        = "ERR_GUID_NOT_FOUND"
	CodeGUIDAlreadyExists   = "ERR_GUID_ALREADY_EXISTS"
	CodeBadRequest          = "ERR_BAD_REQUEST"
	CodeTooManyRequests     = "ERR_TOO_MANY_REQUESTS"
	CodeWrongGroupPassword  = "ERR_WRONG_GROUP_PASS"
	CodeAlreadyJoined       = "ERR_ALREADY_JOINED"
	CodeGroupNotJoined      = "ERR_GROUP_NOT_JOINED"
	CodeBannedGroupMember   = "ERR_BANNED_GROUPMEMBER"
	CodeNotAMember          = "ERR_NOT_A_MEMBER"
	CodeGroupNoClearance    = "ERR_GROUP_NO_CLEARANCE"
	CodeGroupNoModerator    = "ERR_GROUP_NO_MODERATOR_SCOPE"
	CodeGroupNoAdmin        = "ERR_GROUP_NO_ADMIN_SCOPE"
	CodeGroupNoSelfAction   = "ERR_GROUP_NO_SELF_ACTION"
	CodeGroupNoScopeChange  = "ERR_GROUP_NO_SCOPE_CLEARANCE"
	CodeSameScope           = "ERR_SAME_SCOPE"
	CodeAlreadyBanned       = "ERR_ALREADY_BANNED"
	CodeNotABannedUser      = "ERR_NOT_A_BANNED_USER"
	CodeMessageNotFound     = "ERR_MSG_NOT_FOUND"
	CodeFileSizeExceeded    = "ERR_FILE_SIZE_EXCEEDED"
	CodePermissionDenied    = "ERR_PERMISSION_DENIED"
	CodeCallSessionNotFound = "ERR_CALL_SESSION_NOT_FOUND"
)

// Sentinels for errors.Is. Each matches any *Error with its Code.
var (
	ErrInvalidUID            = &Error{Code: CodeInvalidUID}
	ErrInvalidGUID           = &Error{Code: CodeInvalidGUID}
	ErrMissingParameters     = &Error{Code: CodeMissingParameters}
	ErrLoginInProgress       = &Error{Code: CodeLoginInProgress}
	ErrNotLoggedIn           = &Error{Code: CodeNotLoggedIn}
	ErrClosed                = &Error{Code: CodeClosed}
	ErrNoWebsocketConnection = &Error{Code: CodeNoWebsocketConnection}
	ErrFailedToFetch         = &Error{Code: CodeFailedToFetch}
	ErrAuthTokenNotFound     = &Error{Code: CodeAuthTokenNotFound}
	ErrAPIKeyNotFound        = &Error{Code: CodeAPIKeyNotFound}
	ErrInvalidAppID          = &Error{Code: CodeInvalidAppID}
	ErrUIDNotFound           = &Error{Code: CodeUIDNotFound}
	ErrGUIDNotFound          = &Error{Code: CodeGUIDNotFound}
	ErrTooManyRequests       = &Error{Code: CodeTooManyRequests}
	ErrWrongGroupPassword    = &Error{Code: CodeWrongGroupPassword}
	ErrGroupNotJoined        = &Error{Code: CodeGroupNotJoined}
	ErrGroupNoClearance      = &Error{Code: CodeGroupNoClearance}
	ErrWebsocketAuthRejected = &Error{Code: CodeWebsocketAuthRejected}
)

func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// fromREST converts a transport/server failure into *Error.
func fromREST(err error) error {
	if err == nil {
		return nil
	}
	var ae *rest.APIError
	if errors.As(err, &ae) {
		return &Error{Code: ae.Code, Message: ae.Message, Details: ae.Details, HTTPStatus: ae.Status, RetryAfter: ae.RetryAfter, Err: ae.Cause}
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Code: CodeFailedToFetch, Message: "request failed", Err: err}
}

func fromRealtime(err error) error {
	var e *Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &e):
		return err // the session's own verdict (renewJWT), already scrubbed
	case errors.Is(err, realtime.ErrNotConnected):
		return &Error{Code: CodeNoWebsocketConnection, Message: "the websocket is not connected"}
	case errors.Is(err, realtime.ErrStopped):
		return &Error{Code: CodeNoWebsocketConnection, Message: "the websocket is stopped"}
	}
	var ae *realtime.AuthError
	if errors.As(err, &ae) {
		msg := "the server rejected the websocket credentials (code " + ae.Code + ")"
		if ae.Message != "" {
			msg += ": " + ae.Message // the caller scrubs secrets the server echoed
		}
		return &Error{Code: CodeWebsocketAuthRejected, Message: msg, Err: err}
	}
	return &Error{Code: CodeNoWebsocketConnection, Message: "websocket failure", Err: err}
}
