package fakeserver

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
)

// Call signalling.

func newSessionID(region, app string, now int64) string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return strings.ToLower("v1." + region + "." + app + "." + strconv.FormatInt(now, 10) + hex.EncodeToString(b))
}

func (s *Server) hInitiateCall(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[callReq](rc.body)
	if e != nil {
		return nil, e
	}
	typ := strings.ToLower(strings.TrimSpace(string(req.Type)))
	if typ != "audio" && typ != "video" {
		return nil, badRequest("type", "The call type must be audio or video.")
	}
	if st := strings.ToLower(strings.TrimSpace(string(req.Status))); st != "" && st != callInitiated {
		return nil, badRequest("status", "A new call starts as initiated.")
	}
	receiver := normID(string(req.Receiver))
	if receiver == "" {
		receiver = normID(string(req.ReceiverID))
	}
	if receiver == "" {
		return nil, newErr(400, "ERR_EMPTY_RECEIVER", "The receiver is required.")
	}
	rt := strings.ToLower(strings.TrimSpace(string(req.ReceiverType)))
	if rt != "user" && rt != "group" {
		return nil, newErr(400, "ERR_INVALID_RECEIVER_TYPE", "receiverType must be user or group.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	convID := groupConvID(receiver)
	if rt == "user" {
		if s.st.user(receiver) == nil {
			return nil, errUIDNotFound(receiver)
		}
		if receiver == rc.uid {
			return nil, newErr(400, "ERR_CALLING_SELF", "A user cannot call themselves.")
		}
		if s.st.blocked(rc.uid, receiver) {
			return nil, errBlockedReceiver(rc.uid, receiver)
		}
		if s.st.blocked(receiver, rc.uid) {
			return nil, errBlockedSender(rc.uid, receiver)
		}
		convID = userConvID(rc.uid, receiver)
	} else {
		if _, _, e := s.memberGroupLocked(receiver, rc.uid); e != nil {
			return nil, e
		}
		for _, c := range s.st.calls {
			if c.receiverType == "group" && c.receiver == receiver && c.active() {
				return nil, newErr(409, "ERR_CALL_BUSY_GROUP", "The group %s already has a call in progress.", receiver)
			}
		}
	}
	now := s.now()
	c := &callRec{sessionID: newSessionID(s.cfg.Region, s.cfg.AppID, now), typ: typ, receiverType: rt,
		initiator: rc.uid, receiver: receiver, status: callInitiated, initiatedAt: now,
		metadata: metadataValue(req.Metadata), joined: map[string]bool{}, convID: convID}
	s.st.calls[c.sessionID] = c
	s.st.touch(kCall, c.sessionID, "")
	m := s.callMessageLocked(c, rc.uid, callInitiated)
	s.pushMessageLocked(m, rc.session, s.callAudienceLocked(c))
	return dataReply(s.renderMessage(m, rc.uid)), nil
}

// callAudienceLocked lists the parties of c: both users, or the members.
func (s *Server) callAudienceLocked(c *callRec) []string {
	if c.receiverType == "group" {
		if g := s.st.groups[c.receiver]; g != nil {
			return memberUIDs(g)
		}
		return []string{c.initiator}
	}
	return []string{c.initiator, c.receiver}
}

// callMessageLocked stores a call message announcing status (the call
// entity is a snapshot of c with that status).
func (s *Server) callMessageLocked(c *callRec, actor, status string) *msgRec {
	now := s.now()
	snap := *c
	snap.status = status
	snap.joined = nil
	m := &msgRec{convID: c.convID, sender: actor, receiver: c.receiver, receiverType: c.receiverType,
		category: catCall, typ: c.typ, action: status, onCall: &snap, sentAt: now, updatedAt: now}
	if c.receiverType == "user" && actor == c.receiver {
		m.receiver = c.initiator
	}
	s.st.addMessage(m)
	return m
}

var callStatuses = map[string]bool{callInitiated: true, callOngoing: true, callRejected: true, callBusy: true,
	callCancelled: true, callUnanswered: true, callEnded: true}

func (s *Server) hUpdateCall(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[callReq](rc.body)
	if e != nil {
		return nil, e
	}
	sid := strings.TrimSpace(rc.param("sid"))
	status := strings.ToLower(strings.TrimSpace(string(req.Status)))
	s.mu.Lock()
	defer s.mu.Unlock()
	if sid == "" {
		return nil, newErr(400, "ERR_EMPTY_CALL_SESSION_ID", "The call session id is required.")
	}
	c, e := s.callForPartyLocked(sid, rc.uid)
	if e != nil {
		return nil, e
	}
	if !callStatuses[status] {
		return nil, badRequest("status", "The status must be ongoing, rejected, busy, cancelled, unanswered or ended.")
	}
	if status == callInitiated {
		return nil, newErr(400, "ERR_CALL_INVALID_INIT", "A call cannot be set to initiated again.")
	}
	if !c.active() {
		return nil, newErr(409, "ERR_CALL_TERMINATED", "The call %s is already over (%s).", sid, c.status)
	}
	s.st.touch(kCall, c.sessionID, "")
	var m *msgRec
	if c.receiverType == "group" {
		m, e = s.updateGroupCallLocked(c, rc, status, req)
	} else {
		m, e = s.updateDirectCallLocked(c, rc, status, req)
	}
	if e != nil {
		return nil, e
	}
	return dataReply(s.renderMessage(m, rc.uid)), nil
}

// callForPartyLocked finds call session sid (as given, else lower-cased:
// session ids are issued in lower case) and checks that uid is a party.
func (s *Server) callForPartyLocked(sid, uid string) (*callRec, *apiError) {
	c := s.st.calls[sid]
	if c == nil {
		c = s.st.calls[strings.ToLower(sid)]
	}
	if c == nil {
		return nil, newErr(404, "ERR_CALL_SESSION_NOT_FOUND", "The call session %s does not exist.", sid)
	}
	if !s.callPartyLocked(c, uid) {
		return nil, newErr(403, "ERR_CALL_NOT_A_PART", "The user %s is not a party of the call %s.", uid, sid)
	}
	return c, nil
}

func (s *Server) callPartyLocked(c *callRec, uid string) bool {
	if c.receiverType == "group" {
		g := s.st.groups[c.receiver]
		return uid == c.initiator || g != nil && g.members[uid] != nil
	}
	return uid == c.initiator || uid == c.receiver
}

func wrongParty(status string) *apiError {
	return badRequest("status", "This party of the call cannot set the status "+status+".")
}

func (s *Server) updateDirectCallLocked(c *callRec, rc *reqCtx, status string, req callReq) (*msgRec, *apiError) {
	now := s.now()
	initiator := rc.uid == c.initiator
	switch c.status {
	case callInitiated:
		switch status {
		case callOngoing, callRejected, callBusy:
			if initiator {
				return nil, wrongParty(status)
			}
			if status == callOngoing {
				c.joinedAt = now
				c.joined[rc.uid] = true
			}
		case callCancelled, callUnanswered:
			if !initiator {
				return nil, wrongParty(status)
			}
		case callEnded:
			return nil, newErr(400, "ERR_CALL_NOT_STARTED", "The call %s has not started.", c.sessionID)
		}
	case callOngoing:
		switch status {
		case callOngoing:
			if initiator {
				return nil, wrongParty(status)
			}
			return nil, newErr(409, "ERR_CALL_USER_ALREADY_JOINED", "The user %s has already joined the call.", rc.uid)
		case callEnded:
			c.leftAt = now
			if j, err := strconv.ParseInt(string(req.JoinedAt), 10, 64); err == nil && j > 0 && c.joinedAt == 0 {
				c.joinedAt = j
			}
		default:
			return nil, newErr(409, "ERR_CALL_ONGOING_TO_INVALID", "The ongoing call %s cannot become %s.", c.sessionID, status)
		}
	}
	c.status = status
	m := s.callMessageLocked(c, rc.uid, status)
	s.pushMessageLocked(m, rc.session, s.callAudienceLocked(c))
	return m, nil
}

func (s *Server) updateGroupCallLocked(c *callRec, rc *reqCtx, status string, req callReq) (*msgRec, *apiError) {
	now := s.now()
	initiator := rc.uid == c.initiator
	if status == callBusy {
		return nil, newErr(400, "ERR_CALL_GROUP_INVALID_STATUS", "busy is not a status of group calls.")
	}
	switch status {
	case callOngoing:
		if initiator {
			return nil, wrongParty(status)
		}
		if c.joined[rc.uid] {
			return nil, newErr(409, "ERR_CALL_USER_ALREADY_JOINED", "The user %s has already joined the call.", rc.uid)
		}
		first := c.status == callInitiated
		c.joined[rc.uid] = true
		if first {
			c.status, c.joinedAt = callOngoing, now
		}
		m := s.callMessageLocked(c, rc.uid, callOngoing)
		if first {
			s.pushMessageLocked(m, rc.session, s.callAudienceLocked(c))
		} else {
			s.pushMessageLocked(m, rc.session, []string{rc.uid})
		}
		return m, nil
	case callRejected:
		if initiator {
			return nil, wrongParty(status)
		}
		if c.status == callOngoing && c.joined[rc.uid] {
			return nil, newErr(409, "ERR_CALL_ONGOING_TO_INVALID", "The user %s has joined; leave with ended.", rc.uid)
		}
		m := s.callMessageLocked(c, rc.uid, callRejected) // concerns this member only
		s.pushMessageLocked(m, rc.session, []string{c.initiator, rc.uid})
		return m, nil
	case callCancelled, callUnanswered:
		if !initiator {
			return nil, wrongParty(status)
		}
		if c.status == callOngoing {
			return nil, newErr(409, "ERR_CALL_ONGOING_TO_INVALID", "The ongoing call %s cannot become %s.", c.sessionID, status)
		}
		c.status = status
		m := s.callMessageLocked(c, rc.uid, status)
		s.pushMessageLocked(m, rc.session, s.callAudienceLocked(c))
		return m, nil
	default: // ended
		if c.status == callInitiated {
			return nil, newErr(400, "ERR_CALL_NOT_STARTED", "The call %s has not started.", c.sessionID)
		}
		if !initiator && !c.joined[rc.uid] {
			return nil, badRequest("status", "The user "+rc.uid+" has not joined the call.")
		}
		delete(c.joined, rc.uid)
		if initiator || len(c.joined) == 0 {
			c.status, c.leftAt = callEnded, now
			m := s.callMessageLocked(c, rc.uid, callEnded)
			s.pushMessageLocked(m, rc.session, s.callAudienceLocked(c))
			return m, nil
		}
		m := s.callMessageLocked(c, rc.uid, callEnded) // this member left; the call goes on
		s.pushMessageLocked(m, rc.session, []string{rc.uid})
		return m, nil
	}
}

type callTypeReq struct {
	Type flexString `json:"type"`
}

func (s *Server) hUpdateCallType(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[callTypeReq](rc.body)
	if e != nil {
		return nil, e
	}
	typ := strings.ToLower(strings.TrimSpace(string(req.Type)))
	if typ != "audio" && typ != "video" {
		return nil, badRequest("type", "The call type must be audio or video.")
	}
	sid := rc.param("sid")
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.callForPartyLocked(sid, rc.uid)
	if e != nil {
		return nil, e
	}
	c.typ = typ
	s.st.touch(kCall, c.sessionID, "")
	return dataReply(successJSON{Success: true, Message: "The call type is now " + typ + "."}), nil
}
