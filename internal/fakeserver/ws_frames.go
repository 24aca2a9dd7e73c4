package fakeserver

import (
	"encoding/json"
	"errors"
	"strings"
)

// clientFrame is a client-to-server frame. Pings have only
// action (and ack); every other frame uses the common envelope.
type clientFrame struct {
	Action        flexString      `json:"action"`
	AppID         flexString      `json:"appId"`
	Receiver      flexString      `json:"receiver"`
	ReceiverType  flexString      `json:"receiverType"`
	DeviceID      flexString      `json:"deviceId"`
	Type          flexString      `json:"type"`
	Sender        flexString      `json:"sender"`
	MessageSender flexString      `json:"messageSender"`
	Body          json.RawMessage `json:"body"`
}

// decodeClientFrame decodes one text frame; it fails for anything that is
// not a JSON object.
func decodeClientFrame(data []byte) (clientFrame, error) {
	var f clientFrame
	if !isJSONObject(data) {
		return f, errors.New("frame is not a JSON object")
	}
	err := json.Unmarshal(data, &f)
	return f, err
}

type authParams struct {
	Roles    stringList `json:"roles"`
	Platform flexString `json:"platform"`
}

type authFrameBody struct {
	Auth                 flexString `json:"auth"`
	DeviceID             flexString `json:"deviceId"`
	PresenceSubscription flexString `json:"presenceSubscription"`
	Params               authParams `json:"params"`
}

func decodeAuthBody(raw json.RawMessage) authFrameBody {
	var b authFrameBody
	if isJSONObject(raw) {
		if json.Unmarshal(raw, &b) != nil {
			return authFrameBody{}
		}
	}
	return b
}

func (s *Server) handleFrame(c *wsConn, data []byte) {
	f, err := decodeClientFrame(data)
	if err != nil {
		return // not JSON: ignored
	}
	if f.Action == "ping" {
		c.send(pongFrame)
		return
	}
	switch f.Type {
	case "auth":
		s.handleAuth(c, f)
	case "typing_indicator", "transient_message":
		s.relayTransient(c, f)
	case "receipts":
		s.handleReceipt(c, f)
	}
	// presence frames from clients are dead code in 3.0.13; others unknown
}

func (s *Server) handleAuth(c *wsConn, f clientFrame) {
	b := decodeAuthBody(f.Body)
	session := strings.TrimSpace(string(b.DeviceID))
	if session == "" {
		session = strings.TrimSpace(string(f.DeviceID))
	}
	sender := normID(string(f.Sender))
	claims, err := verifyJWT(s.jwtKey, string(b.Auth), s.cfg.Now())
	reason := ""
	switch {
	case b.Auth == "":
		reason = "The auth frame carries no JWT."
	case err != nil:
		reason = "Invalid JWT: " + err.Error() + "."
	case sender != "" && normID(claims.UID) != sender:
		reason = "The JWT does not belong to " + sender + "."
	case !s.appOK(claims.AppID) || (f.AppID != "" && string(f.AppID) != claims.AppID):
		reason = "The JWT does not belong to this app."
	}
	uid := normID(claims.UID)
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.closeQueued() {
		return // timed out or refused already
	}
	if reason == "" && s.st.user(uid) == nil {
		reason = "The user " + uid + " does not exist."
	}
	if reason == "" && !s.st.tokenLive(claims.TID) {
		reason = "The auth token of this JWT was revoked."
	}
	if reason == "" && c.authed && c.uid != uid {
		reason = "The socket is already authenticated as " + c.uid + "."
	}
	if reason != "" {
		s.log.Info("ws auth refused", "conn", c.id, "reason", reason)
		c.send(marshal(pushEnvelope{AppID: string(f.AppID), Type: "auth", Sender: sender, DeviceID: session,
			Body: marshal(authReplyBody{Code: "401", Status: "UNAUTHORIZED", Message: reason})}))
		c.closeWith(CloseUnauthorized, "Unauthorized")
		return
	}
	reply := marshal(pushEnvelope{AppID: claims.AppID, Type: "auth", Sender: uid, DeviceID: session,
		Body: marshal(authReplyBody{Code: "200", Status: "OK"})})
	if c.authed {
		c.send(reply)
		return
	}
	if s.hooks.failAuth[uid] > 0 {
		s.hooks.failAuth[uid]--
		c.send(marshal(pushEnvelope{AppID: claims.AppID, Type: "auth", Sender: uid, DeviceID: session,
			Body: marshal(authReplyBody{Code: "401", Status: "UNAUTHORIZED", Message: "Refused by a test hook."})}))
		c.closeWith(CloseUnauthorized, "Unauthorized")
		return
	}
	if max := s.cfg.MaxSocketsPerUser; max > 0 && len(s.conns[uid]) >= max {
		s.log.Warn("ws closed: too many sockets for one user", "conn", c.id, "uid", uid, "limit", max)
		c.closeWith(CloseTooManySockets, "Too many sockets")
		return
	}
	if c.authTimer != nil {
		c.authTimer.Stop()
	}
	s.pending--
	c.authed, c.appID, c.uid, c.tid, c.session = true, claims.AppID, uid, claims.TID, session
	c.presence = strings.ToUpper(strings.TrimSpace(string(b.PresenceSubscription)))
	if c.presence == "" {
		c.presence = "NONE"
	}
	c.roles = lowerAll(b.Params.Roles)
	if c.presence != "NONE" {
		if s.presenceSubs == nil {
			s.presenceSubs = map[*wsConn]struct{}{}
		}
		s.presenceSubs[c] = struct{}{}
	}
	first := len(s.conns[uid]) == 0
	if first {
		s.conns[uid] = map[*wsConn]struct{}{}
	}
	s.conns[uid][c] = struct{}{}
	c.send(reply)
	s.log.Info("ws auth", "conn", c.id, "uid", uid)
	if first {
		s.broadcastPresenceLocked(uid, "online", session)
	}
	s.notifyLocked()
}

// normReceiverType maps the legacy chat/groupchat values.
func normReceiverType(t string) string {
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "user", "chat":
		return "user"
	case "group", "groupchat":
		return "group"
	}
	return ""
}

// relayTransient relays typing indicators and transient messages.
func (s *Server) relayTransient(c *wsConn, f clientFrame) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !c.authed || (f.Sender != "" && normID(string(f.Sender)) != c.uid) {
		return
	}
	rt := normReceiverType(string(f.ReceiverType))
	receiver := normID(string(f.Receiver))
	body, ok := s.stampedBodyLocked(c, f.Body)
	if !ok {
		return
	}
	frame := marshal(pushEnvelope{AppID: c.appID, Receiver: receiver, ReceiverType: rt, DeviceID: c.session,
		Type: string(f.Type), Sender: c.uid, Body: marshal(body)})
	switch rt {
	case "user":
		if s.st.user(receiver) == nil || s.st.blockedEither(c.uid, receiver) {
			return
		}
		s.sendToUserLocked(receiver, c.session, frame)
	case "group":
		g := s.st.groups[receiver]
		if g == nil || g.members[c.uid] == nil {
			return
		}
		for uid := range g.members {
			s.sendToUserLocked(uid, c.session, frame)
		}
	}
}

// stampedBodyLocked decodes the body of a relayed frame (an empty object
// when it is not one) and replaces its "user" with the server's record of
// the socket's authenticated user, so that nobody can relay as someone else.
// False when the user no longer exists. Server.mu held.
func (s *Server) stampedBodyLocked(c *wsConn, raw json.RawMessage) (map[string]json.RawMessage, bool) {
	u := s.st.user(c.uid)
	if u == nil {
		return nil, false
	}
	var body map[string]json.RawMessage
	if !isJSONObject(raw) || json.Unmarshal(raw, &body) != nil || body == nil {
		body = map[string]json.RawMessage{}
	}
	body["user"] = marshal(s.renderUser(u, ""))
	return body, true
}

// handleReceipt persists a delivered/read receipt and relays it with the
// server's timestamp.
func (s *Server) handleReceipt(c *wsConn, f clientFrame) {
	var body map[string]json.RawMessage
	if !isJSONObject(f.Body) || json.Unmarshal(f.Body, &body) != nil {
		return
	}
	var id, action flexString
	_ = json.Unmarshal(body["messageId"], &id)
	_ = json.Unmarshal(body["action"], &action)
	if action != "delivered" && action != "read" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !c.authed || (f.Sender != "" && normID(string(f.Sender)) != c.uid) {
		return
	}
	m := s.st.message(string(id))
	if m == nil || !s.st.canSee(c.uid, m) {
		return
	}
	body, ok := s.stampedBodyLocked(c, f.Body)
	if !ok {
		return
	}
	now := s.now()
	s.applyReceiptLocked(c.uid, m, string(action), now)
	body["timestamp"] = json.RawMessage(itoa(now))
	body["messageId"] = marshal(m.idString())
	body["action"] = marshal(string(action))
	// the receiver is the message's conversation as the reader sees it,
	// whatever the client wrote
	receiver := m.otherParty(c.uid)
	if m.receiverType == "group" {
		receiver = m.receiver
	}
	frame := marshal(pushEnvelope{AppID: c.appID, Receiver: receiver, ReceiverType: m.receiverType,
		DeviceID: c.session, Type: "receipts", Sender: c.uid, MessageSender: m.sender, Body: marshal(body)})
	if m.receiverType == "group" {
		if g := s.st.groups[m.receiver]; g != nil {
			for uid := range g.members {
				s.sendToUserLocked(uid, c.session, frame)
			}
		}
		return
	}
	if s.st.blockedEither(c.uid, m.sender) {
		return
	}
	s.sendToUserLocked(m.sender, c.session, frame)
}
