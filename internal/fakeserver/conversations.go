package fakeserver

import (
	"sort"
	"strconv"
	"strings"
)

// Conversations are derived from the messages: a user has
// one per 1:1 partner and per joined group with a visible message, unless the
// user deleted it and nothing newer arrived.

type convView struct {
	id      string
	typ     string // "user" or "group"
	with    string // uid or guid
	last    *msgRec
	first   *msgRec
	unread  int
	uc      *userConv
	partner *userRec
	group   *groupRec
}

// conversationLocked builds uid's view of one conversation; nil when it has
// no visible message.
func (s *Server) conversationLocked(uid, convID, typ, with string) *convView {
	msgs := s.st.convs[convID]
	uc := s.st.uconv[uid][convID]
	v := &convView{id: convID, typ: typ, with: with, uc: uc}
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if !s.st.canSee(uid, m) {
			continue
		}
		if v.last == nil {
			v.last = m
		}
		v.first = m
		if s.isUnreadLocked(uid, m) {
			v.unread++
		}
	}
	if v.last == nil || uc != nil && v.last.id <= uc.hiddenUpTo {
		return nil
	}
	if typ == "user" {
		v.partner = s.st.users[with]
	} else {
		v.group = s.st.groups[with]
	}
	return v
}

// conversationsLocked lists uid's conversations, newest activity first.
func (s *Server) conversationsLocked(uid string) []*convView {
	var out []*convView
	for convID, msgs := range s.st.convs {
		if len(msgs) == 0 {
			continue
		}
		m := msgs[0]
		var v *convView
		if m.receiverType == "group" {
			if g := s.st.groups[m.receiver]; g != nil && g.members[uid] != nil {
				v = s.conversationLocked(uid, convID, "group", m.receiver)
			}
		} else if m.sender == uid || m.receiver == uid {
			v = s.conversationLocked(uid, convID, "user", m.otherParty(uid))
		}
		if v != nil {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].last.id > out[j].last.id })
	return out
}

func (s *Server) renderConversationLocked(uid string, v *convView) conversationJSON {
	j := conversationJSON{ConversationID: v.id, ConversationType: v.typ, UnreadMessageCount: strconv.Itoa(v.unread),
		Tags: []string{}}
	if v.uc != nil && v.uc.tags != nil {
		j.Tags = append(j.Tags, v.uc.tags...)
	}
	if v.typ == "user" {
		j.ConversationWith = marshal(s.renderUID(v.with, uid))
	} else if v.group != nil {
		j.ConversationWith = marshal(s.renderGroup(v.group, uid))
	} else {
		j.ConversationWith = marshal(groupJSON{GUID: v.with, Name: v.with, Type: GroupPublic, ConversationID: v.id})
	}
	if v.last != nil {
		j.LastMessage = marshal(s.renderMessage(v.last, uid))
		j.UpdatedAt = v.last.sentAt
	}
	if v.first != nil {
		j.CreatedAt = v.first.sentAt
	}
	return j
}

func (s *Server) hListConversations(rc *reqCtx) ([]byte, error) {
	q := rc.q
	typ := strings.ToLower(q.get("conversationType"))
	tags := q.list("tags")
	userTags := q.list("userTags")
	groupTags := q.list("groupTags")
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []*convView
	for _, v := range s.conversationsLocked(rc.uid) {
		if typ != "" && v.typ != typ {
			continue
		}
		if len(tags) > 0 && (v.uc == nil || !anyTag(v.uc.tags, tags)) {
			continue
		}
		if len(userTags) > 0 && (v.typ != "user" || v.partner == nil || !anyTag(v.partner.tags, userTags)) {
			continue
		}
		if len(groupTags) > 0 && (v.typ != "group" || v.group == nil || !anyTag(v.group.tags, groupTags)) {
			continue
		}
		list = append(list, v)
	}
	lo, hi, meta := pageBounds(q, len(list), 50)
	out := make([]conversationJSON, 0, hi-lo)
	for _, v := range list[lo:hi] {
		out = append(out, s.renderConversationLocked(rc.uid, v))
	}
	return listReply(out, meta), nil
}

// oneConversationLocked resolves GET/PUT/DELETE users|groups/{id}/conversation.
func (s *Server) oneConversationLocked(rc *reqCtx, typ string) (*convView, *apiError) {
	if typ == "user" {
		uid := rc.param("uid")
		if s.st.users[uid] == nil {
			return nil, errUIDNotFound(uid)
		}
		v := s.conversationLocked(rc.uid, userConvID(rc.uid, uid), "user", uid)
		if v == nil {
			return nil, errConversationNotFound("user", uid)
		}
		return v, nil
	}
	guid := rc.param("guid")
	g := s.st.groups[guid]
	if g == nil || !g.visibleTo(rc.uid) {
		return nil, errGUIDNotFound(guid)
	}
	if g.members[rc.uid] == nil {
		return nil, errConversationNotAccessible(guid)
	}
	v := s.conversationLocked(rc.uid, groupConvID(guid), "group", guid)
	if v == nil {
		return nil, errConversationNotFound("group", guid)
	}
	return v, nil
}

func (s *Server) getConversation(rc *reqCtx, typ string) ([]byte, error) {
	return getConversationAs(s, rc, typ, s.renderConversationLocked)
}

func (s *Server) tagConversation(rc *reqCtx, typ string) ([]byte, error) {
	return tagConversationAs(s, rc, typ, s.renderConversationLocked)
}

// getConversationAs answers one conversation of rc's user in the shape
// render gives it: the client API's or the REST API's.
func getConversationAs[T any](s *Server, rc *reqCtx, typ string, render func(string, *convView) T) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, e := s.oneConversationLocked(rc, typ)
	if e != nil {
		return nil, e
	}
	return dataReply(render(rc.uid, v)), nil
}

// tagConversationAs replaces the tags rc's user keeps on a conversation and
// answers the conversation in the shape render gives it.
func tagConversationAs[T any](s *Server, rc *reqCtx, typ string, render func(string, *convView) T) ([]byte, error) {
	req, e := decodeBody[conversationReq](rc.body)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, e := s.oneConversationLocked(rc, typ)
	if e != nil {
		return nil, e
	}
	uc := s.st.userConv(rc.uid, v.id)
	uc.tags = append([]string{}, req.Tags...)
	v.uc = uc
	return dataReply(render(rc.uid, v)), nil
}

// hideConversationLocked deletes v for uid: it is hidden until a newer
// message, and nothing in it comes back as unread.
func (s *Server) hideConversationLocked(uid string, v *convView) {
	uc := s.st.userConv(uid, v.id)
	uc.hiddenUpTo = v.last.id
	if uc.readUpTo < v.last.id {
		uc.readUpTo = v.last.id
	}
}

func (s *Server) deleteConversation(rc *reqCtx, typ string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, e := s.oneConversationLocked(rc, typ)
	if e != nil {
		return nil, e
	}
	s.hideConversationLocked(rc.uid, v)
	return dataReply(successJSON{Success: true, Message: "The conversation " + v.id + " has been deleted for " + rc.uid + "."}), nil
}

func (s *Server) hGetUserConversation(rc *reqCtx) ([]byte, error) {
	return s.getConversation(rc, "user")
}
func (s *Server) hGetGroupConversation(rc *reqCtx) ([]byte, error) {
	return s.getConversation(rc, "group")
}
func (s *Server) hTagUserConversation(rc *reqCtx) ([]byte, error) {
	return s.tagConversation(rc, "user")
}
func (s *Server) hTagGroupConversation(rc *reqCtx) ([]byte, error) {
	return s.tagConversation(rc, "group")
}
func (s *Server) hDeleteUserConversation(rc *reqCtx) ([]byte, error) {
	return s.deleteConversation(rc, "user")
}
func (s *Server) hDeleteGroupConversation(rc *reqCtx) ([]byte, error) {
	return s.deleteConversation(rc, "group")
}

// Blocked users.

func (s *Server) hBlock(rc *reqCtx) ([]byte, error)   { return s.changeBlocks(rc, true) }
func (s *Server) hUnblock(rc *reqCtx) ([]byte, error) { return s.changeBlocks(rc, false) }

func (s *Server) changeBlocks(rc *reqCtx, block bool) ([]byte, error) {
	req, e := decodeBody[uidsReq](rc.body)
	if e != nil {
		return nil, e
	}
	uids := lowerAll(req.BlockedUIDs)
	if len(uids) == 0 {
		return nil, badRequest("blockedUids", "At least one uid is required.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	res := map[string]uidResult{}
	for _, uid := range uids {
		switch {
		case uid == rc.uid:
			res[uid] = failure(errCannotBlockSelf())
		case s.st.user(uid) == nil:
			res[uid] = failure(errUIDNotFound(uid))
		case block:
			s.st.block(rc.uid, uid, s.now())
			res[uid] = uidResult{Success: true, Message: "The user " + uid + " has been blocked successfully."}
		default:
			s.st.unblock(rc.uid, uid)
			res[uid] = uidResult{Success: true, Message: "The user " + uid + " has been unblocked successfully."}
		}
	}
	return dataReply(res), nil
}

func (s *Server) hListBlocked(rc *reqCtx) ([]byte, error) {
	dir := rc.q.get("direction")
	search := strings.ToLower(rc.q.get("searchKey"))
	s.mu.Lock()
	defer s.mu.Unlock()
	type entry struct {
		uid string
		seq int64
	}
	seen := map[string]bool{}
	var list []entry
	if dir == "" || strings.EqualFold(dir, "blockedByMe") || strings.EqualFold(dir, "both") {
		for uid, b := range s.st.blocks[rc.uid] {
			seen[uid] = true
			list = append(list, entry{uid, b.seq})
		}
	}
	if strings.EqualFold(dir, "hasBlockedMe") || strings.EqualFold(dir, "both") {
		for blocker, set := range s.st.blocks {
			if b, ok := set[rc.uid]; ok && !seen[blocker] {
				list = append(list, entry{blocker, b.seq})
			}
		}
	}
	filtered := list[:0]
	for _, e := range list {
		u := s.st.user(e.uid)
		if u == nil {
			continue
		}
		if search != "" && !strings.Contains(strings.ToLower(u.name), search) && !strings.Contains(u.uid, search) {
			continue
		}
		filtered = append(filtered, e)
	}
	sort.Slice(filtered, func(i, j int) bool { return filtered[i].seq < filtered[j].seq })
	lo, hi, meta := pageBounds(rc.q, len(filtered), 100)
	out := make([]userJSON, 0, hi-lo)
	for _, e := range filtered[lo:hi] {
		out = append(out, s.renderUID(e.uid, rc.uid))
	}
	return listReply(out, meta), nil
}
