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
// has a code (validation, state, transport). Match it with errors.Is against
// a Code, or take it apart with errors.As:
//
//	if errors.Is(err, cometchat.CodeUIDNotFound) { ... }
//	var e *cometchat.Error
//	if errors.As(err, &e) && e.RetryAfter > 0 { ... }
//
// Every error the SDK returns is a new value (never a shared one that a
// caller could change). Error strings never contain auth keys, REST API keys,
// auth tokens or JWTs.
type Error struct {
	// Code is the stable code, e.g. CodeUIDNotFound ("ERR_UID_NOT_FOUND").
	Code Code
	// Message is the human-readable text (the code's sentence when the
	// server sent none).
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

// Error returns "cometchat: CODE: message[: cause]".
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Code.Sentence()
	}
	s := "cometchat: " + string(e.Code) + ": " + msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is e's Code, or an *Error with the same Code.
func (e *Error) Is(target error) bool {
	switch t := target.(type) {
	case Code:
		return e.Code == t
	case *Error:
		return t != nil && t.Code == e.Code
	}
	return false
}

func errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// fromREST converts a transport/server failure into *Error.
func fromREST(err error) error {
	if err == nil {
		return nil
	}
	var ae *rest.APIError
	if errors.As(err, &ae) {
		return &Error{Code: Code(ae.Code), Message: ae.Message, Details: ae.Details, HTTPStatus: ae.Status, RetryAfter: ae.RetryAfter, Err: ae.Cause}
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

// errClosed is the error of every call on a closed client.
func errClosed() error { return &Error{Code: CodeClosed} }
