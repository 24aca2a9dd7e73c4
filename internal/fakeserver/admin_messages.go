package fakeserver

import (
	"encoding/json"
	"strings"
)

// The REST API's Messages (admin_http.go). Sends take the documented
// defaults (category "message", type "text"); with onBehalfOf the user sends
// (its blocks and memberships count, as in the client API), without it the
// app sends as app_system, to any user or group.

type restSendReq struct {
	sendMessageReq
	MultipleReceivers *struct {
		UIDs  stringList `json:"uids"`
		GUIDs stringList `json:"guids"`
	} `json:"multipleReceivers"`
}

// multiSendResult answers a send to multipleReceivers: one entry per uid
// and per guid, as the other bulk operations answer.
type multiSendResult struct {
	UIDs  map[string]uidResult `json:"uids"`
	GUIDs map[string]uidResult `json:"guids"`
}

func (s *Server) aSendMessage(rc *reqCtx) ([]byte, error) { return s.restSend(rc, rc.uid) }

// aSendBotMessage sends as the bot of the path, a user.
func (s *Server) aSendBotMessage(rc *reqCtx) ([]byte, error) {
	uid := rc.param("uid")
	s.mu.Lock()
	ok := s.st.user(uid) != nil
	s.mu.Unlock()
	if !ok {
		return nil, errUIDNotFound(uid)
	}
	return s.restSend(rc, uid)
}

// withDefaults fills the documented defaults of a send.
func (r *restSendReq) withDefaults() {
	if strings.TrimSpace(string(r.Category)) == "" {
		r.Category = catMessage
	}
	if strings.TrimSpace(string(r.Type)) == "" && strings.EqualFold(strings.TrimSpace(string(r.Category)), catMessage) {
		r.Type = "text"
	}
}

// restSend sends the body's message as sender ("" for the app).
func (s *Server) restSend(rc *reqCtx, sender string) ([]byte, error) {
	req, e := decodeBody[restSendReq](rc.body)
	if e != nil {
		return nil, e
	}
	req.withDefaults()
	if req.MultipleReceivers == nil {
		in, e := validateMessage(req.sendMessageReq, 0)
		if e != nil {
			return nil, e
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		m, e := s.restCreateLocked(rc, sender, in, nil)
		if e != nil {
			return nil, e
		}
		return dataReply(s.renderMessage(m, sender)), nil
	}
	uids, guids := lowerAll(req.MultipleReceivers.UIDs), lowerAll(req.MultipleReceivers.GUIDs)
	if r := normID(string(req.Receiver)); r != "" {
		if strings.EqualFold(string(req.ReceiverType), "group") {
			guids = lowerAll(append(guids, r))
		} else {
			uids = lowerAll(append(uids, r))
		}
	}
	if len(uids)+len(guids) == 0 {
		return nil, newErr(400, "ERR_EMPTY_RECEIVER", "multipleReceivers names no uid and no guid.")
	}
	res := multiSendResult{UIDs: map[string]uidResult{}, GUIDs: map[string]uidResult{}}
	s.mu.Lock()
	defer s.mu.Unlock()
	send := func(receiver, typ string, out map[string]uidResult) {
		r := req.sendMessageReq
		r.Receiver, r.ReceiverType = flexString(receiver), flexString(typ)
		in, e := validateMessage(r, 0)
		var m *msgRec
		if e == nil {
			m, e = s.restCreateLocked(rc, sender, in, nil)
		}
		if e != nil {
			out[receiver] = failure(e)
			return
		}
		out[receiver] = uidResult{Success: true, Data: marshal(s.renderMessage(m, sender))}
	}
	for _, uid := range uids {
		send(uid, "user", res.UIDs)
	}
	for _, guid := range guids {
		send(guid, "group", res.GUIDs)
	}
	return dataReply(res), nil
}

// restCreateLocked stores and pushes a message of sender, or of the app
// when sender is "".
func (s *Server) restCreateLocked(rc *reqCtx, sender string, in messageInput, parent *msgRec) (*msgRec, *apiError) {
	if sender != "" {
		return s.createMessageLocked(sender, "", in, parent, nil, rc)
	}
	key := sendKey(in, 0, nil)
	if in.muid != "" {
		if m := s.st.byMuid[appSystemUID+"\x00"+in.muid]; m != nil && m.sendKey == key {
			return m, nil
		}
	}
	var convID string
	if in.receiverType == "user" {
		if s.st.user(in.receiver) == nil {
			return nil, errUIDNotFound(in.receiver)
		}
		convID = userConvID(appSystemUID, in.receiver)
	} else {
		if s.st.groups[in.receiver] == nil {
			return nil, errGUIDNotFound(in.receiver)
		}
		convID = groupConvID(in.receiver)
	}
	now := s.now()
	m := &msgRec{muid: in.muid, sendKey: key, convID: convID, sender: appSystemUID, receiver: in.receiver,
		receiverType: in.receiverType, category: in.category, typ: in.typ, data: in.data, tags: in.tags, sentAt: now,
		updatedAt: now}
	s.st.addMessage(m)
	s.pushMessageLocked(m, "", s.audienceLocked(m))
	return m, nil
}

func (s *Server) aSendThreadMessage(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[restSendReq](rc.body)
	if e != nil {
		return nil, e
	}
	req.withDefaults()
	id := rc.param("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	parent := s.st.message(id)
	if parent == nil || parent.erased {
		return nil, errMessageNotFound(id)
	}
	if !s.st.canSee(rc.uid, parent) {
		return nil, errMessageNoAccess(rc.uid, id)
	}
	if strings.TrimSpace(string(req.Receiver)) == "" { // the parent's conversation
		req.ReceiverType = flexString(parent.receiverType)
		req.Receiver = flexString(parent.receiver)
		if parent.receiverType == "user" {
			req.Receiver = flexString(parent.otherParty(rc.uid))
		}
	}
	in, e := validateMessage(req.sendMessageReq, 0)
	if e != nil {
		return nil, e
	}
	m, e := s.createMessageLocked(rc.uid, "", in, parent, nil, rc)
	if e != nil {
		return nil, e
	}
	return dataReply(s.renderMessage(m, rc.uid)), nil
}

// restMsgFilter holds the documented filters of the message lists.
type restMsgFilter struct {
	categories, types, tags   []string
	search, sender, convID    string
	receiverType              string
	attachmentTypes           []string
	mentioned                 []string
	hideDeleted, onlyDeleted  bool
	hideReplies, hideBlocked  bool
	hasAttachments, hasLinks  bool
	hasMentions, hasReactions bool
	unread, undelivered       bool
	from, to                  int64
}

func parseRestMsgFilter(q query) restMsgFilter {
	f := restMsgFilter{categories: append(q.list("categories"), q.list("category")...),
		types: append(q.list("types"), q.list("type")...), tags: q.list("tags"),
		search: strings.ToLower(q.get("searchKey")), sender: normID(q.get("sender")), convID: q.get("conversationId"),
		receiverType: strings.ToLower(q.get("receiverType")), attachmentTypes: q.list("attachmentTypes"),
		mentioned: lowerAll(q.list("mentionedUids")), hideDeleted: q.flag("hideDeleted"), onlyDeleted: q.flag("onlyDeleted"),
		hideReplies: q.flag("hideReplies"), hideBlocked: q.flag("hideMessagesFromBlockedUsers"),
		hasAttachments: q.flag("hasAttachments"), hasLinks: q.flag("hasLinks"), hasMentions: q.flag("hasMentions"),
		hasReactions: q.flag("hasReactions"), unread: q.flag("unread"), undelivered: q.flag("undelivered"),
		from: q.int64("fromTimestamp"), to: q.int64("toTimestamp")}
	if f.from <= 0 {
		f.to = 0 // documented: toTimestamp is ignored without fromTimestamp
	}
	return f
}

// restVisibleLocked reports whether viewer ("" for the app) may list m: the
// app sees every message that is not erased and whose group still exists.
func (s *Server) restVisibleLocked(viewer string, m *msgRec) bool {
	if m.erased {
		return false
	}
	if viewer != "" {
		return s.st.canSee(viewer, m)
	}
	if m.receiverType == "group" {
		g := s.st.groups[m.receiver]
		return g != nil && m.id > g.baseID
	}
	return true
}

// restCandidatesLocked lists the messages of src that viewer may see and
// that pass f, ascending by id.
func (s *Server) restCandidatesLocked(viewer string, src []*msgRec, f restMsgFilter) []*msgRec {
	var out []*msgRec
	for _, m := range src {
		if !s.restVisibleLocked(viewer, m) || !s.restMatchLocked(viewer, m, f) {
			continue
		}
		out = append(out, m)
	}
	return out
}

func (s *Server) restMatchLocked(viewer string, m *msgRec, f restMsgFilter) bool {
	text := strings.ToLower(m.text())
	switch {
	case len(f.categories) > 0 && !containsFold(f.categories, m.category),
		len(f.types) > 0 && !containsFold(f.types, m.typ),
		len(f.tags) > 0 && !anyTag(m.tags, f.tags),
		f.search != "" && !strings.Contains(text, f.search),
		f.sender != "" && m.sender != f.sender,
		f.convID != "" && m.convID != f.convID,
		(f.receiverType == "user" || f.receiverType == "group") && m.receiverType != f.receiverType,
		f.hideDeleted && m.deletedAt != 0, f.onlyDeleted && m.deletedAt == 0,
		f.hideReplies && m.parentID != 0,
		f.from > 0 && m.sentAt < f.from, f.to > 0 && m.sentAt > f.to,
		f.hasReactions, // reactions are not kept: no message has any
		f.hasLinks && !strings.Contains(text, "http://") && !strings.Contains(text, "https://"),
		f.hasMentions && !strings.Contains(text, "<@uid:"):
		return false
	}
	for _, uid := range f.mentioned {
		if !strings.Contains(text, "<@uid:"+uid+">") {
			return false
		}
	}
	media := m.category == catMessage && m.typ != "text"
	if f.hasAttachments && !media || len(f.attachmentTypes) > 0 && (!media || !containsFold(f.attachmentTypes, m.typ)) {
		return false
	}
	if viewer != "" {
		if f.hideBlocked && m.receiverType != "group" && m.sender != viewer && s.st.blocked(viewer, m.sender) {
			return false
		}
		if f.unread && !s.isUnreadLocked(viewer, m) {
			return false
		}
		if f.undelivered && (m.sender == viewer || m.receipts[viewer] != nil && m.receipts[viewer].deliveredAt != 0) {
			return false
		}
	}
	return true
}

// cursorPage picks one page of cands (ascending) by affix ("append": after
// the anchor, oldest first; "prepend": before it, newest first) from the
// message id or sentAt anchor; the page is ascending. n is how many lie in
// that direction.
func cursorPage(cands []*msgRec, affix string, anchorID, sentAt int64, per int) (page []*msgRec, n int) {
	var dir []*msgRec
	switch {
	case anchorID > 0:
		for _, m := range cands {
			if affix == "prepend" && m.id < anchorID || affix == "append" && m.id > anchorID {
				dir = append(dir, m)
			}
		}
	case sentAt > 0:
		for _, m := range cands {
			if affix == "prepend" && m.sentAt < sentAt || affix == "append" && m.sentAt > sentAt {
				dir = append(dir, m)
			}
		}
	default:
		dir = cands
	}
	if affix == "prepend" {
		return dir[max(0, len(dir)-per):], len(dir)
	}
	return dir[:min(per, len(dir))], len(dir)
}

// restMessagePage answers a list with meta current and next: limit
// (default 10, at most 1000), affix (default append: oldest first), id or
// sentAt as the anchor.
func (s *Server) restMessagePage(rc *reqCtx, viewer string, cands []*msgRec) []byte {
	q := rc.q
	limit := clampInt(q.intDefault("limit", restLimit), restLimit, restMaxLimit)
	affix := strings.ToLower(q.get("affix"))
	if affix != "prepend" {
		affix = "append"
	}
	anchor, sentAt := q.int64("id"), q.int64("sentAt")
	page, _ := cursorPage(cands, affix, anchor, sentAt, limit)
	out := make([]messageJSON, 0, len(page))
	for _, m := range page {
		out = append(out, s.renderMessage(m, viewer))
	}
	meta := msgMeta{Current: msgCurrent{Limit: limit, Count: len(out)}, Next: &msgNext{Affix: affix}}
	switch {
	case len(page) > 0 && affix == "append":
		last := page[len(page)-1]
		meta.Next.ID, meta.Next.SentAt = last.idString(), last.sentAt
	case len(page) > 0:
		meta.Next.ID, meta.Next.SentAt = page[0].idString(), page[0].sentAt
	case anchor > 0:
		meta.Next.ID = itoa(anchor)
	default:
		meta.Next.SentAt = sentAt
	}
	return restList(out, meta)
}

func (s *Server) aListMessages(rc *reqCtx) ([]byte, error) {
	f := parseRestMsgFilter(rc.q)
	s.mu.Lock()
	defer s.mu.Unlock()
	cands := s.restCandidatesLocked(rc.uid, s.st.messages, f)
	if rc.uid != "" && rc.q.flag("count") {
		return dataReply(s.unreadRowsLocked(rc.uid, cands)), nil
	}
	return s.restMessagePage(rc, rc.uid, cands), nil
}

func (s *Server) aListGroupMessages(rc *reqCtx) ([]byte, error) {
	guid := rc.param("guid")
	f := parseRestMsgFilter(rc.q)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, _, e := s.restGroupActorLocked(rc, guid); e != nil {
		return nil, e
	}
	cands := s.restCandidatesLocked(rc.uid, s.st.convs[groupConvID(guid)], f)
	if rc.uid != "" && rc.q.flag("count") {
		return dataReply(s.unreadRowsLocked(rc.uid, cands)), nil
	}
	return s.restMessagePage(rc, rc.uid, cands), nil
}

// aListUserMessages lists the messages between onBehalfOf and the path's
// user; without onBehalfOf, every message the path's user can see. It
// answers meta pagination and cursor {id, affix} as documented, newest page
// first (affix prepend) unless affix=append; the page size is limit (with
// onBehalfOf) or perPage (default 100).
func (s *Server) aListUserMessages(rc *reqCtx) ([]byte, error) {
	uid := rc.param("uid")
	q := rc.q
	f := parseRestMsgFilter(q)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.users[uid] == nil {
		return nil, errUIDNotFound(uid)
	}
	viewer, src := uid, s.st.messages
	if rc.uid != "" {
		viewer, src = rc.uid, s.st.convs[userConvID(rc.uid, uid)]
	}
	cands := s.restCandidatesLocked(viewer, src, f)
	if q.flag("count") {
		return dataReply(s.unreadRowsLocked(viewer, cands)), nil
	}
	per := clampInt(q.intDefault("perPage", restPerPage), restPerPage, restMaxPerPage)
	if rc.uid != "" && q.get("limit") != "" {
		per = clampInt(q.intDefault("limit", restLimit), restLimit, restMaxLimit)
	}
	affix := strings.ToLower(q.get("affix"))
	if affix != "append" {
		affix = "prepend"
	}
	anchor := q.int64("id")
	page, n := cursorPage(cands, affix, anchor, q.int64("sentAt"), per)
	out := make([]messageJSON, 0, len(page))
	for _, m := range page {
		out = append(out, s.renderMessage(m, viewer))
	}
	cur := &restCursor{ID: anchor, Affix: affix}
	switch {
	case len(page) > 0 && affix == "prepend":
		cur.ID = page[0].id
	case len(page) > 0:
		cur.ID = page[len(page)-1].id
	}
	meta := restMeta{Pagination: paginationJSON{Total: n, Count: len(out), PerPage: per, CurrentPage: 1,
		TotalPages: max((n+per-1)/per, 1)}, Cursor: cur}
	return restList(out, meta), nil
}

// aListThread lists the replies of a message, oldest first, by perPage and
// page, with meta current and next.
func (s *Server) aListThread(rc *reqCtx) ([]byte, error) {
	id := rc.param("id")
	f := parseRestMsgFilter(rc.q)
	f.hideReplies = false
	s.mu.Lock()
	defer s.mu.Unlock()
	parent := s.st.message(id)
	if parent == nil || !s.restVisibleLocked(rc.uid, parent) {
		if parent != nil && !parent.erased && rc.uid != "" {
			return nil, errMessageNoAccess(rc.uid, id)
		}
		return nil, errMessageNotFound(id)
	}
	var replies []*msgRec
	for _, m := range s.restCandidatesLocked(rc.uid, s.st.convs[parent.convID], f) {
		if m.parentID == parent.id {
			replies = append(replies, m)
		}
	}
	lo, hi, p := restPage(rc.q, len(replies))
	out := make([]messageJSON, 0, hi-lo)
	meta := msgMeta{Current: msgCurrent{Limit: p.PerPage, Count: hi - lo}, Next: &msgNext{Affix: "append"}}
	for _, m := range replies[lo:hi] {
		out = append(out, s.renderMessage(m, rc.uid))
		meta.Next.ID, meta.Next.SentAt = m.idString(), m.sentAt
	}
	return restList(out, meta), nil
}

// restMessageLocked finds a message the actor may read.
func (s *Server) restMessageLocked(rc *reqCtx, id string) (*msgRec, *apiError) {
	m := s.st.message(id)
	if m == nil || m.erased {
		return nil, errMessageNotFound(id)
	}
	if rc.uid != "" && !s.st.canSee(rc.uid, m) {
		return nil, errMessageNoAccess(rc.uid, id)
	}
	return m, nil
}

func (s *Server) aGetMessage(rc *reqCtx) ([]byte, error) {
	id := rc.param("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	m, e := s.restMessageLocked(rc, id)
	if e != nil {
		return nil, e
	}
	return dataReply(s.renderMessage(m, rc.uid)), nil
}

// restModifiableLocked applies the checks of an edit or a delete: a plain
// message that is not deleted; a user edits its own messages (and, for a
// delete, a group's moderators and admins any of its messages); the app
// any message.
func (s *Server) restModifiableLocked(rc *reqCtx, id string, deleting bool) (*msgRec, *apiError) {
	if rc.uid != "" {
		m, e := s.checkModifiableLocked(rc.uid, id)
		if e != nil {
			return nil, e
		}
		if m.sender != rc.uid {
			mem := (*memberRec)(nil)
			if g := s.st.groups[m.receiver]; m.receiverType == "group" && g != nil {
				mem = g.members[rc.uid]
			}
			if !deleting || mem == nil || mem.scope == ScopeParticipant {
				return nil, errNotSender(id)
			}
		}
		return m, nil
	}
	m := s.st.message(id)
	if m == nil || m.erased || m.deletedAt != 0 {
		return nil, errMessageNotFound(id)
	}
	if !m.isPlain() {
		return nil, errActionNotAllowed(id)
	}
	return m, nil
}

func actorUID(rc *reqCtx) string {
	if rc.uid == "" {
		return appSystemUID
	}
	return rc.uid
}

func (s *Server) aUpdateMessage(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[editMessageReq](rc.body)
	if e != nil {
		return nil, e
	}
	id := rc.param("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	m, e := s.restModifiableLocked(rc, id, false)
	if e != nil {
		return nil, e
	}
	var data map[string]json.RawMessage
	if isJSONObject(req.Data) {
		_ = json.Unmarshal(req.Data, &data)
	}
	if raw, ok := data["text"]; ok {
		var text string
		if json.Unmarshal(raw, &text) != nil {
			return nil, newErr(400, "ERR_INVALID_MESSAGE_TEXT", "data.text must be a string.")
		}
		if m.typ == "text" && strings.TrimSpace(text) == "" {
			return nil, newErr(400, "ERR_EMPTY_MESSAGE_TEXT", "The message text is required.")
		}
		m.data["text"] = marshal(text)
	}
	if md, ok := data["metadata"]; ok {
		if v := metadataValue(md); v != nil {
			m.data["metadata"] = v
		} else {
			delete(m.data, "metadata")
		}
	}
	if cd, ok := data["customData"]; ok && (m.category == catCustom || m.typ == "custom") && nonEmptyObject(cd) {
		m.data["customData"] = cloneRaw(cd)
	}
	if req.Tags != nil {
		m.tags = append([]string(nil), (*req.Tags)...)
	}
	now := s.now()
	actor := actorUID(rc)
	m.editedAt, m.editedBy, m.updatedAt = now, actor, now
	s.st.touchMsg(m)
	act := s.messageActionLocked(m, actor, "edited", "")
	return dataReply(s.renderMessage(act, rc.uid)), nil
}

func (s *Server) aDeleteMessage(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[deleteReq](rc.body)
	if e != nil {
		return nil, e
	}
	id := rc.param("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	m, e := s.restModifiableLocked(rc, id, true)
	if e != nil {
		return nil, e
	}
	if req.Permanent {
		s.eraseMessageLocked(m)
		return okJSON("The message " + id + " has been deleted permanently."), nil
	}
	now := s.now()
	actor := actorUID(rc)
	m.deletedAt, m.deletedBy, m.updatedAt = now, actor, now
	s.st.touchMsg(m)
	act := s.messageActionLocked(m, actor, "deleted", "")
	return dataReply(s.renderMessage(act, rc.uid)), nil
}
