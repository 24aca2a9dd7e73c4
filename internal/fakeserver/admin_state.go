package fakeserver

import "encoding/json"

// State the REST API (admin_*.go) adds to the records of state.go.

// appSystemUID is the sender of what the app itself does through the REST
// API without onBehalfOf: messages it sends, members it adds, messages it
// edits. It is no user (it cannot be created, logged in or messaged) and
// renders as CometChat renders it, {"uid":"app_system","name":"System"}.
const appSystemUID = "app_system"

func appSystemJSON() userJSON {
	return userJSON{UID: appSystemUID, Name: "System", Role: "default", Status: "offline"}
}

// tokenMeta is what the REST API keeps about an auth token.
type tokenMeta struct {
	createdAt int64
	platform  string
	userAgent string
	appInfo   json.RawMessage
}

// setTokenMeta records m for the auth token tok (its record is rewritten).
func (st *state) setTokenMeta(tok string, m tokenMeta) {
	if st.tokenMeta == nil {
		st.tokenMeta = map[string]tokenMeta{}
	}
	st.tokenMeta[tok] = m
	st.touch(kToken, tok, "")
}
