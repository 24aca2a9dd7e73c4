package fakeserver

import (
	"encoding/json"
	"sort"
	"strings"
)

// The REST API's Conversations (admin_http.go): a user's conversations
// (onBehalfOf), or every user's (GET /conversations without it); marks of
// delivered, read and unread; the user's own pins.

// restConversationJSON is a conversation with its pin.
type restConversationJSON struct {
	conversationJSON
	PinnedAt int64  `json:"pinnedAt,omitempty"`
	PinnedBy string `json:"pinnedBy,omitempty"`
}

func (s *Server) restRenderConversationLocked(uid string, v *convView) restConversationJSON {
	j := restConversationJSON{conversationJSON: s.renderConversationLocked(uid, v)}
	if uc := s.st.uconv[uid][v.id]; uc != nil && uc.pinnedAt != 0 {
		j.PinnedAt, j.PinnedBy = uc.pinnedAt, uid
	}
	return j
}

func (s *Server) aListConversations(rc *reqCtx) ([]byte, error) {
	q := rc.q
	typ := strings.ToLower(q.get("conversationType"))
	search := strings.ToLower(q.get("searchKey"))
	tags, userTags, groupTags := q.list("tags"), q.list("userTags"), q.list("groupTags")
	unread := q.flag("unread")
	s.mu.Lock()
	defer s.mu.Unlock()
	owners := []string{rc.uid}
	if rc.uid == "" { // every user's conversations, by uid
		owners = sortedKeys(s.st.users)
	}
	type row struct {
		uid string
		v   *convView
	}
	var list []row
	for _, uid := range owners {
		var mine []*convView
		for _, v := range s.conversationsLocked(uid) {
			switch {
			case typ != "" && v.typ != typ, unread && v.unread == 0:
				continue
			case len(tags) > 0 && (v.uc == nil || !anyTag(v.uc.tags, tags)):
				continue
			case len(userTags) > 0 && (v.typ != "user" || v.partner == nil || !anyTag(v.partner.tags, userTags)):
				continue
			case len(groupTags) > 0 && (v.typ != "group" || v.group == nil || !anyTag(v.group.tags, groupTags)):
				continue
			case search != "" && !strings.Contains(strings.ToLower(s.convName(v)), search):
				continue
			}
			mine = append(mine, v)
		}
		sortConversations(mine, s.st.uconv[uid])
		for _, v := range mine {
			list = append(list, row{uid, v})
		}
	}
	lo, hi, p := restPage(q, len(list))
	out := make([]restConversationJSON, 0, hi-lo)
	for _, r := range list[lo:hi] {
		out = append(out, s.restRenderConversationLocked(r.uid, r.v))
	}
	return restList(out, restMeta{Pagination: p}), nil
}

// convName is the name searchKey matches: the user's or the group's.
func (s *Server) convName(v *convView) string {
	switch {
	case v.partner != nil:
		return v.partner.name + " " + v.partner.uid
	case v.group != nil:
		return v.group.name + " " + v.group.guid
	}
	return v.with
}

// sortConversations orders one user's list: pinned first (the latest pin
// first), then by the last message, newest first.
func sortConversations(list []*convView, ucs map[string]*userConv) {
	pin := func(v *convView) int64 {
		if uc := ucs[v.id]; uc != nil {
			return uc.pinnedAt
		}
		return 0
	}
	sort.SliceStable(list, func(i, j int) bool {
		if pi, pj := pin(list[i]), pin(list[j]); pi != pj {
			return pi > pj
		}
		if list[i].last.id != list[j].last.id {
			return list[i].last.id > list[j].last.id
		}
		return list[i].with < list[j].with
	})
}

// convTarget resolves the deprecated {conversationId} paths, as the
// onBehalfOf user sees them, into the uid or guid parameter.
func convTarget(rc *reqCtx) (string, *apiError) {
	id := strings.ToLower(rc.param("conversationId"))
	if guid, ok := strings.CutPrefix(id, "group_"); ok && validID(guid) {
		rc.params["guid"] = guid
		return "group", nil
	}
	if a, b, ok := strings.Cut(id, "_user_"); ok {
		switch rc.uid {
		case a:
			rc.params["uid"] = b
			return "user", nil
		case b:
			rc.params["uid"] = a
			return "user", nil
		}
	}
	return "", newErr(404, "ERR_CONVERSATION_NOT_FOUND", "The conversation %s does not exist for %s.", id, rc.uid)
}

func (s *Server) aGetConversationByID(rc *reqCtx) ([]byte, error) {
	typ, e := convTarget(rc)
	if e != nil {
		return nil, e
	}
	return s.restGetConversation(rc, typ)
}

func (s *Server) aDeleteConversationByID(rc *reqCtx) ([]byte, error) {
	typ, e := convTarget(rc)
	if e != nil {
		return nil, e
	}
	return s.restResetConversation(rc, typ)
}

func (s *Server) restGetConversation(rc *reqCtx, typ string) ([]byte, error) {
	return getConversationAs(s, rc, typ, s.restRenderConversationLocked)
}

func (s *Server) restTagConversation(rc *reqCtx, typ string) ([]byte, error) {
	return tagConversationAs(s, rc, typ, s.restRenderConversationLocked)
}

type resetConversationReq struct {
	ConversationWith          flexString `json:"conversationWith"`
	DeleteMessagesPermanently flexBool   `json:"deleteMessagesPermanently"`
}

// restResetConversation deletes the conversation for the onBehalfOf user
// (it comes back with a newer message); deleteMessagesPermanently erases
// its messages for everyone.
func (s *Server) restResetConversation(rc *reqCtx, typ string) ([]byte, error) {
	req, e := decodeBody[resetConversationReq](rc.body)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, e := s.oneConversationLocked(rc, typ)
	if e != nil {
		return nil, e
	}
	if req.DeleteMessagesPermanently {
		for _, m := range s.st.convs[v.id] {
			if typ == "user" || m.id > v.group.baseID {
				s.eraseMessageLocked(m)
			}
		}
	}
	s.hideConversationLocked(rc.uid, v)
	return okJSON("The conversation " + v.id + " has been deleted successfully for UID " + rc.uid + "."), nil
}

func (s *Server) aGetUserConversation(rc *reqCtx) ([]byte, error) {
	return s.restGetConversation(rc, "user")
}
func (s *Server) aGetGroupConversation(rc *reqCtx) ([]byte, error) {
	return s.restGetConversation(rc, "group")
}
func (s *Server) aTagUserConversation(rc *reqCtx) ([]byte, error) {
	return s.restTagConversation(rc, "user")
}
func (s *Server) aTagGroupConversation(rc *reqCtx) ([]byte, error) {
	return s.restTagConversation(rc, "group")
}
func (s *Server) aResetUserConversation(rc *reqCtx) ([]byte, error) {
	return s.restResetConversation(rc, "user")
}
func (s *Server) aResetGroupConversation(rc *reqCtx) ([]byte, error) {
	return s.restResetConversation(rc, "group")
}

// Marks: delivered, read, unread.

type markReq struct {
	MessageID flexString `json:"messageId"`
}

// markTargetLocked finds the conversation of the path for reader and the
// message a mark goes up to: messageId, else the newest one reader sees.
func (s *Server) markTargetLocked(rc *reqCtx, typ, reader, messageID string) (convID string, m *msgRec, e *apiError) {
	if typ == "user" {
		uid := rc.param("uid")
		if s.st.user(uid) == nil {
			return "", nil, errUIDNotFound(uid)
		}
		convID = userConvID(reader, uid)
	} else {
		guid := rc.param("guid")
		g := s.st.groups[guid]
		if g == nil || !g.visibleTo(reader) {
			return "", nil, errGUIDNotFound(guid)
		}
		if g.members[reader] == nil {
			return "", nil, errConversationNotAccessible(guid)
		}
		convID = groupConvID(guid)
	}
	if messageID != "" {
		m = s.st.message(messageID)
		if m == nil || m.convID != convID || !s.st.canSee(reader, m) {
			return "", nil, errMessageNotFound(messageID)
		}
		return convID, m, nil
	}
	msgs := s.st.convs[convID]
	for i := len(msgs) - 1; i >= 0; i-- {
		if s.st.canSee(reader, msgs[i]) {
			return convID, msgs[i], nil
		}
	}
	return convID, nil, nil
}

func (s *Server) restMark(rc *reqCtx, typ, action string) ([]byte, error) {
	req, e := decodeBody[markReq](rc.body)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, m, e := s.markTargetLocked(rc, typ, rc.uid, strings.TrimSpace(string(req.MessageID)))
	if e != nil {
		return nil, e
	}
	if m != nil {
		now := s.now()
		s.applyReceiptLocked(rc.uid, m, action, now)
		s.pushReceiptLocked(rc.uid, m, action, now)
	}
	what := "All the messages from the user are marked as " + action + " for the requesting user."
	if typ == "group" {
		what = "All the messages in the group are marked as " + action + " for the requesting user."
	}
	return okJSON(what), nil
}

// pushReceiptLocked tells the other party (the members of a group) that
// reader received or read up to m, as a client's receipt frame would.
func (s *Server) pushReceiptLocked(reader string, m *msgRec, action string, now int64) {
	u := s.st.user(reader)
	if u == nil {
		return
	}
	body := map[string]json.RawMessage{"action": marshal(action), "messageId": marshal(m.idString()),
		"user": marshal(s.renderUser(u, "")), "timestamp": json.RawMessage(itoa(now))}
	receiver := m.otherParty(reader)
	if m.receiverType == "group" {
		receiver = m.receiver
	}
	frame := marshal(pushEnvelope{AppID: s.cfg.AppID, Receiver: receiver, ReceiverType: m.receiverType,
		Type: "receipts", Sender: reader, MessageSender: m.sender, Body: marshal(body)})
	if m.receiverType == "group" {
		if g := s.st.groups[m.receiver]; g != nil {
			for uid := range g.members {
				if uid != reader {
					s.sendToUserLocked(uid, "", frame)
				}
			}
		}
		return
	}
	if m.sender != reader && !s.st.blockedEither(reader, m.sender) {
		s.sendToUserLocked(m.sender, "", frame)
	}
}

func (s *Server) aMarkUserDelivered(rc *reqCtx) ([]byte, error) {
	return s.restMark(rc, "user", "delivered")
}
func (s *Server) aMarkUserRead(rc *reqCtx) ([]byte, error) { return s.restMark(rc, "user", "read") }
func (s *Server) aMarkGroupDelivered(rc *reqCtx) ([]byte, error) {
	return s.restMark(rc, "group", "delivered")
}
func (s *Server) aMarkGroupRead(rc *reqCtx) ([]byte, error) { return s.restMark(rc, "group", "read") }

func (s *Server) aMarkUserUnread(rc *reqCtx) ([]byte, error) { return s.restUnread(rc, "user") }

func (s *Server) aMarkGroupUnread(rc *reqCtx) ([]byte, error) { return s.restUnread(rc, "group") }

// restUnread makes the conversation unread from messageId on (that message
// included) for the onBehalfOf user; a group's without onBehalfOf, for
// every member.
func (s *Server) restUnread(rc *reqCtx, typ string) ([]byte, error) {
	req, e := decodeBody[markReq](rc.body)
	if e != nil {
		return nil, e
	}
	id := strings.TrimSpace(string(req.MessageID))
	if id == "" {
		return nil, badRequest("messageId", "The messageId is required.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	readers := []string{rc.uid}
	if rc.uid == "" {
		guid := rc.param("guid")
		g := s.st.groups[guid]
		if g == nil {
			return nil, errGUIDNotFound(guid)
		}
		readers = sortedKeys(g.members)
	}
	var from *msgRec
	for _, reader := range readers {
		convID, m, e := s.markTargetLocked(rc, typ, reader, id)
		if e != nil {
			return nil, e
		}
		from = m
		uc := s.st.userConv(reader, convID)
		if uc.readUpTo >= m.id {
			uc.readUpTo = m.id - 1
		}
		for _, x := range s.st.convs[convID] {
			if r := x.receipts[reader]; x.id >= m.id && r != nil && r.readAt != 0 {
				r.readAt = 0
				x.updatedAt = s.now()
				s.st.touchMsg(x)
			}
		}
	}
	who := rc.uid
	if who == "" {
		who = "the members of " + rc.param("guid")
	}
	return okJSON("The messages from the message id " + from.idString() + " on are marked as unread for " + who + "."), nil
}

// Pins: a user's own, private pin of a conversation, addressed by its peer.

func (s *Server) aPinUserConversation(rc *reqCtx) ([]byte, error) { return s.restPin(rc, "user", true) }
func (s *Server) aUnpinUserConversation(rc *reqCtx) ([]byte, error) {
	return s.restPin(rc, "user", false)
}
func (s *Server) aPinGroupConversation(rc *reqCtx) ([]byte, error) {
	return s.restPin(rc, "group", true)
}
func (s *Server) aUnpinGroupConversation(rc *reqCtx) ([]byte, error) {
	return s.restPin(rc, "group", false)
}

// restPin pins (idempotently: the first pin's time stays) or unpins the
// conversation and answers it, with pinnedAt and pinnedBy while pinned; a
// conversation without messages can be pinned too.
func (s *Server) restPin(rc *reqCtx, typ string, pin bool) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	convID, _, e := s.markTargetLocked(rc, typ, rc.uid, "")
	if e != nil {
		return nil, e
	}
	uc := s.st.userConv(rc.uid, convID)
	switch {
	case pin && uc.pinnedAt == 0:
		uc.pinnedAt = s.now()
	case !pin:
		uc.pinnedAt = 0
	}
	with := rc.param("uid")
	if typ == "group" {
		with = rc.param("guid")
	}
	v := s.conversationLocked(rc.uid, convID, typ, with)
	if v == nil { // no message yet: the conversation as it would start
		v = &convView{id: convID, typ: typ, with: with, uc: uc, partner: s.st.users[with], group: s.st.groups[with]}
	}
	return dataReply(s.restRenderConversationLocked(rc.uid, v)), nil
}
