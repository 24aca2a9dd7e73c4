package fakeserver

import (
	"bytes"
	"encoding/json"
	"hash/fnv"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// messageInput is a validated message send request.
type messageInput struct {
	receiver     string
	receiverType string
	category     string
	typ          string
	muid         string
	data         map[string]json.RawMessage
	tags         []string
}

var messageTypes = map[string]bool{"text": true, "image": true, "video": true, "audio": true, "file": true, "custom": true}

// validateMessage checks a send request without looking at the state.
func validateMessage(req sendMessageReq, uploads int) (messageInput, *apiError) {
	in := messageInput{receiver: normID(string(req.Receiver)), muid: strings.TrimSpace(string(req.Muid)), tags: req.Tags}
	if in.receiver == "" {
		in.receiver = normID(string(req.ReceiverID))
	}
	if in.receiver == "" {
		return in, newErr(400, "ERR_EMPTY_RECEIVER", "The receiver is required.")
	}
	in.receiverType = strings.ToLower(strings.TrimSpace(string(req.ReceiverType)))
	if in.receiverType != "user" && in.receiverType != "group" {
		return in, newErr(400, "ERR_INVALID_RECEIVER_TYPE", "receiverType must be user or group.")
	}
	in.category = strings.ToLower(strings.TrimSpace(string(req.Category)))
	switch in.category {
	case "":
		return in, newErr(400, "ERR_EMPTY_MESSAGE_CATEGORY", "The message category is required.")
	case catMessage, catCustom:
	default:
		return in, newErr(400, "ERR_INVALID_MESSAGE_CATEGORY", "The category %s cannot be sent; use message or custom.", in.category)
	}
	in.typ = strings.TrimSpace(string(req.Type))
	if in.typ == "" {
		return in, newErr(400, "ERR_EMPTY_MESSAGE_TYPE", "The message type is required.")
	}
	if in.category == catMessage && !messageTypes[in.typ] {
		return in, newErr(400, "ERR_INVALID_MESSAGE_TYPE", "The type %s is not a message type.", in.typ)
	}
	in.data = map[string]json.RawMessage{}
	if d := bytes.TrimSpace(req.Data); len(d) > 0 && !bytes.Equal(d, []byte("null")) {
		if !isJSONObject(d) || json.Unmarshal(d, &in.data) != nil {
			return in, newErr(400, "ERR_INVALID_MESSAGE_DATA", "data must be a JSON object.")
		}
	}
	delete(in.data, "entities")
	if md, ok := in.data["metadata"]; ok {
		switch {
		case bytes.Equal(bytes.TrimSpace(md), []byte("null")):
			delete(in.data, "metadata")
		case !isJSONObject(md):
			return in, newErr(400, "ERR_INVALID_METADATA", "metadata must be a JSON object.")
		}
	}
	switch {
	case in.category == catMessage && in.typ == "text":
		raw, ok := in.data["text"]
		text := string(req.Text)
		if ok {
			if json.Unmarshal(raw, &text) != nil {
				return in, newErr(400, "ERR_INVALID_MESSAGE_TEXT", "data.text must be a string.")
			}
		}
		if strings.TrimSpace(text) == "" {
			return in, newErr(400, "ERR_EMPTY_MESSAGE_TEXT", "The message text is required.")
		}
		in.data["text"] = marshal(text)
	case in.category == catCustom || in.typ == "custom":
		cd, ok := in.data["customData"]
		if !ok {
			cd = req.CustomData
		}
		if len(bytes.TrimSpace(cd)) > 0 && !bytes.Equal(bytes.TrimSpace(cd), []byte("null")) && !isJSONObject(cd) {
			return in, newErr(400, "ERR_INVALID_CUSTOM_DATA", "customData must be a JSON object.")
		}
		if !nonEmptyObject(cd) {
			return in, newErr(400, "ERR_EMPTY_CUSTOM_DATA", "A custom message needs customData.")
		}
		in.data["customData"] = append(json.RawMessage(nil), cd...)
	default: // media
		if uploads == 0 && !hasMediaReference(in.data) {
			return in, newErr(400, "ERR_EMPTY_MESSAGE_FILE", "A media message needs a file, a url or attachments.")
		}
	}
	return in, nil
}

func hasMediaReference(data map[string]json.RawMessage) bool {
	var url string
	if json.Unmarshal(data["url"], &url) == nil && strings.TrimSpace(url) != "" {
		return true
	}
	var atts []json.RawMessage
	return json.Unmarshal(data["attachments"], &atts) == nil && len(atts) > 0
}

func (s *Server) hSendMessage(rc *reqCtx) ([]byte, error) { return s.sendMessage(rc, "") }

func (s *Server) hSendThreadMessage(rc *reqCtx) ([]byte, error) {
	return s.sendMessage(rc, rc.param("id"))
}

func (s *Server) sendMessage(rc *reqCtx, parentID string) ([]byte, error) {
	var req sendMessageReq
	var files []upload
	var e *apiError
	if isMultipart(rc.r) {
		req, files, e = s.readMultipart(rc)
		if e != nil {
			return nil, e
		}
	} else if req, e = decodeBody[sendMessageReq](rc.body); e != nil {
		return nil, e
	}
	in, e := validateMessage(req, len(files))
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var parent *msgRec
	if parentID != "" {
		parent = s.st.message(parentID)
		if parent == nil {
			return nil, errMessageNotFound(parentID)
		}
		if !s.st.canSee(rc.uid, parent) {
			return nil, errMessageNoAccess(rc.uid, parentID)
		}
	}
	m, e := s.createMessageLocked(rc.uid, rc.session, in, parent, files, rc)
	if e != nil {
		return nil, e
	}
	return dataReply(s.renderMessage(m, rc.uid)), nil
}

// createMessageLocked stores and pushes a message from sender. A true retry
// — the same sender and muid with the same receiver, category, type, thread,
// data and files — returns the stored message instead (decision 24); a muid
// reused for a different message is stored as the new message it is.
func (s *Server) createMessageLocked(sender, origin string, in messageInput, parent *msgRec, files []upload,
	rc *reqCtx) (*msgRec, *apiError) {
	var parentID int64
	if parent != nil {
		parentID = parent.id
	}
	key := sendKey(in, parentID, files)
	if in.muid != "" {
		if m := s.st.byMuid[sender+"\x00"+in.muid]; m != nil && m.sendKey == key {
			return m, nil
		}
	}
	var convID string
	switch in.receiverType {
	case "user":
		if s.st.user(in.receiver) == nil {
			return nil, errUIDNotFound(in.receiver)
		}
		if s.st.blocked(sender, in.receiver) {
			return nil, errBlockedReceiver(sender, in.receiver)
		}
		convID = userConvID(sender, in.receiver)
	default:
		if _, _, e := s.memberGroupLocked(in.receiver, sender); e != nil {
			return nil, e
		}
		convID = groupConvID(in.receiver)
	}
	if parent != nil {
		if parent.parentID != 0 {
			return nil, newErr(400, "ERR_MESSAGE_THREAD_NESTING", "The message %s is itself a reply; threads cannot nest.", parent.idString())
		}
		if parent.convID != convID || !parent.isPlain() {
			return nil, newErr(400, "ERR_WRONG_MESSAGE_THREAD", "The message %s belongs to another conversation.", parent.idString())
		}
	}
	var upload int64
	for _, f := range files {
		upload += int64(len(f.data))
	}
	if upload > 0 && s.st.mediaBytes+upload > s.cfg.MaxMediaBytes {
		s.log.Warn("upload refused: the media store is full", "limit", s.cfg.MaxMediaBytes)
		return nil, newErr(http.StatusRequestEntityTooLarge, "ERR_FILE_SIZE_EXCEEDED",
			"The media store of this app is full (%d bytes).", s.cfg.MaxMediaBytes)
	}
	if e := s.takeMessageQuotaLocked(rc, sender); e != nil {
		return nil, e
	}
	s.st.mediaBytes += upload
	now := s.now()
	m := &msgRec{muid: in.muid, sendKey: key, convID: convID, sender: sender, receiver: in.receiver, receiverType: in.receiverType,
		category: in.category, typ: in.typ, data: in.data, tags: in.tags, sentAt: now, updatedAt: now}
	if parent != nil {
		m.parentID = parent.id
		parent.replyCount++
		s.st.touchMsg(parent)
	}
	s.st.addMessage(m)
	if len(files) > 0 {
		var r *http.Request
		if rc != nil {
			r = rc.r
		}
		s.storeUploadsLocked(m, files, r)
	}
	s.pushMessageLocked(m, origin, s.audienceLocked(m))
	return m, nil
}

func (s *Server) hGetMessage(rc *reqCtx) ([]byte, error) {
	id := rc.param("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.st.message(id)
	if m == nil {
		return nil, errMessageNotFound(id)
	}
	if !s.st.canSee(rc.uid, m) {
		return nil, errMessageNoAccess(rc.uid, id)
	}
	j := s.renderMessage(m, rc.uid)
	rs := &receiptsJSON{Data: []receiptJSON{}}
	uids := make([]string, 0, len(m.receipts))
	for uid := range m.receipts {
		uids = append(uids, uid)
	}
	sort.Strings(uids)
	for _, uid := range uids {
		r := m.receipts[uid]
		rs.Data = append(rs.Data, receiptJSON{MessageID: m.idString(), Recipient: s.renderUID(uid, ""),
			DeliveredAt: r.deliveredAt, ReadAt: r.readAt})
	}
	j.Receipts = rs
	return dataReply(j), nil
}

// snapshot copies m for an action's "on" entity.
func (m *msgRec) snapshot() *msgRec {
	c := *m
	c.data = make(map[string]json.RawMessage, len(m.data))
	for k, v := range m.data {
		c.data[k] = v
	}
	if m.receipts != nil {
		c.receipts = make(map[string]*receiptRec, len(m.receipts))
		for k, v := range m.receipts {
			r := *v
			c.receipts[k] = &r
		}
	}
	c.tags = append([]string(nil), m.tags...)
	return &c
}

// checkModifiableLocked applies the checks shared by edit and delete.
func (s *Server) checkModifiableLocked(uid, id string) (*msgRec, *apiError) {
	m := s.st.message(id)
	if m == nil || m.deletedAt != 0 {
		return nil, errMessageNotFound(id)
	}
	if !s.st.canSee(uid, m) {
		return nil, errMessageNoAccess(uid, id)
	}
	if !m.isPlain() {
		return nil, errActionNotAllowed(id)
	}
	return m, nil
}

func (s *Server) hEditMessage(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[editMessageReq](rc.body)
	if e != nil {
		return nil, e
	}
	id := rc.param("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	m, e := s.checkModifiableLocked(rc.uid, id)
	if e != nil {
		return nil, e
	}
	if m.sender != rc.uid {
		return nil, errNotSender(id)
	}
	var data map[string]json.RawMessage
	if isJSONObject(req.Data) {
		_ = json.Unmarshal(req.Data, &data)
	}
	if raw, ok := data["text"]; ok || req.Text != nil {
		var text string
		if ok {
			if json.Unmarshal(raw, &text) != nil {
				return nil, newErr(400, "ERR_INVALID_MESSAGE_TEXT", "data.text must be a string.")
			}
		} else {
			text = string(*req.Text)
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
	} else if req.Metadata != nil {
		if v := metadataValue(req.Metadata); v != nil {
			m.data["metadata"] = v
		}
	}
	cd, ok := data["customData"]
	if !ok {
		cd = req.CustomData
	}
	if (m.category == catCustom || m.typ == "custom") && nonEmptyObject(cd) {
		m.data["customData"] = append(json.RawMessage(nil), cd...)
	}
	if req.Tags != nil {
		m.tags = append([]string(nil), (*req.Tags)...)
	}
	now := s.now()
	m.editedAt, m.editedBy, m.updatedAt = now, rc.uid, now
	s.st.touchMsg(m)
	act := s.messageActionLocked(m, rc.uid, "edited", rc.session)
	return dataReply(s.renderMessage(act, rc.uid)), nil
}

func (s *Server) hDeleteMessage(rc *reqCtx) ([]byte, error) {
	id := rc.param("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	m, e := s.checkModifiableLocked(rc.uid, id)
	if e != nil {
		return nil, e
	}
	if m.sender != rc.uid {
		allowed := false
		if m.receiverType == "group" {
			if g := s.st.groups[m.receiver]; g != nil {
				if mem := g.members[rc.uid]; mem != nil && mem.scope != ScopeParticipant {
					allowed = true
				}
			}
		}
		if !allowed {
			return nil, errNotSender(id)
		}
	}
	now := s.now()
	m.deletedAt, m.deletedBy, m.updatedAt = now, rc.uid, now
	s.st.touchMsg(m)
	act := s.messageActionLocked(m, rc.uid, "deleted", rc.session)
	return dataReply(s.renderMessage(act, rc.uid)), nil
}

// messageActionLocked stores and pushes the edited/deleted action of m.
func (s *Server) messageActionLocked(m *msgRec, actor, action, origin string) *msgRec {
	now := s.now()
	act := &msgRec{convID: m.convID, sender: actor, receiver: m.receiver, receiverType: m.receiverType,
		category: catAction, typ: "message", action: action, onMessage: m.snapshot(), sentAt: now, updatedAt: now}
	if m.receiverType == "user" && actor == m.receiver {
		act.receiver = m.sender
	}
	s.st.addMessage(act)
	s.pushMessageLocked(act, origin, s.audienceLocked(m))
	return act
}

// sendKey fingerprints what a send request asks for besides its muid, so that
// only a true retry is answered with the stored message.
func sendKey(in messageInput, parent int64, files []upload) uint64 {
	h := fnv.New64a()
	for _, f := range []string{in.receiver, in.receiverType, in.category, in.typ, strconv.FormatInt(parent, 10), strings.Join(in.tags, ",")} {
		_, _ = h.Write([]byte(f))
		_, _ = h.Write([]byte{0})
	}
	data, _ := json.Marshal(in.data) // map keys sorted: a stable form
	_, _ = h.Write(data)
	for _, f := range files {
		_, _ = h.Write([]byte{0})
		_, _ = h.Write([]byte(f.name))
		_, _ = h.Write([]byte{0})
		_, _ = h.Write(f.data)
	}
	return h.Sum64()
}
