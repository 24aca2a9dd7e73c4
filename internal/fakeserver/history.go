package fakeserver

import (
	"sort"
	"strings"
)

// Message lists with the cursor semantics of the SDK's MessagesRequest.

// historyScope selects the candidate messages of a list request.
type historyScope struct {
	convID       string  // one conversation, or "" for all of the user's
	parent       *msgRec // thread replies of parent
	receiverType string  // GET messages?receiverType=user|group
}

func (s *Server) hListUserMessages(rc *reqCtx) ([]byte, error) {
	uid := rc.param("uid")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.user(uid) == nil {
		return nil, errUIDNotFound(uid)
	}
	return s.listMessagesLocked(rc, historyScope{convID: userConvID(rc.uid, uid)}), nil
}

func (s *Server) hListGroupMessages(rc *reqCtx) ([]byte, error) {
	guid := rc.param("guid")
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, _, e := s.memberGroupLocked(guid, rc.uid); e != nil {
		return nil, e
	}
	return s.listMessagesLocked(rc, historyScope{convID: groupConvID(guid)}), nil
}

func (s *Server) hListAllMessages(rc *reqCtx) ([]byte, error) {
	rt := strings.ToLower(rc.q.get("receiverType"))
	if rt != "user" && rt != "group" {
		rt = ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.listMessagesLocked(rc, historyScope{receiverType: rt}), nil
}

func (s *Server) hListThreadMessages(rc *reqCtx) ([]byte, error) {
	id := rc.param("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	parent := s.st.message(id)
	if parent == nil {
		return nil, errMessageNotFound(id)
	}
	if !s.st.canSee(rc.uid, parent) {
		return nil, errMessageNoAccess(rc.uid, id)
	}
	return s.listMessagesLocked(rc, historyScope{convID: parent.convID, parent: parent}), nil
}

// messageFilter holds the filters of a list request.
type messageFilter struct {
	categories  []string
	types       []string
	tags        []string
	search      string
	hideDeleted bool
	hideReplies bool
	unread      bool
	hideBlocked bool
}

func parseMessageFilter(q query, thread bool) messageFilter {
	return messageFilter{categories: q.list("categories"), types: q.list("types"), tags: q.list("tags"),
		search: strings.ToLower(q.get("searchKey")), hideDeleted: q.flag("hideDeleted"),
		hideReplies: q.flag("hideReplies") && !thread, unread: q.flag("unread"),
		hideBlocked: q.flag("hideMessagesFromBlockedUsers")}
}

// candidatesLocked lists the messages of scope visible to uid that pass f,
// ascending by id.
func (s *Server) candidatesLocked(uid string, sc historyScope, f messageFilter) []*msgRec {
	var src []*msgRec
	if sc.convID != "" {
		src = s.st.convs[sc.convID]
	} else {
		src = s.st.userMessages(uid)
	}
	var out []*msgRec
	for _, m := range src {
		if sc.parent != nil && m.parentID != sc.parent.id {
			continue
		}
		if sc.receiverType != "" && m.receiverType != sc.receiverType {
			continue
		}
		if !s.st.canSee(uid, m) {
			continue
		}
		if len(f.categories) > 0 && !containsFold(f.categories, m.category) {
			continue
		}
		if len(f.types) > 0 && !containsFold(f.types, m.typ) {
			continue
		}
		if len(f.tags) > 0 && !anyTag(m.tags, f.tags) {
			continue
		}
		if f.search != "" && !strings.Contains(strings.ToLower(m.text()), f.search) {
			continue
		}
		if f.hideDeleted && m.deletedAt != 0 {
			continue
		}
		if f.hideReplies && m.parentID != 0 {
			continue
		}
		// As live pushes: one-to-one messages from a blocked user are hidden,
		// group traffic is not affected.
		if f.hideBlocked && m.receiverType != "group" && m.sender != uid && s.st.blocked(uid, m.sender) {
			continue
		}
		if f.unread && !s.isUnreadLocked(uid, m) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// isUnreadLocked reports whether m counts as unread for uid: received (not
// sent) by uid, a user-authored message, not deleted, newer than what uid
// has read, and, in a group, newer than uid's joining.
func (s *Server) isUnreadLocked(uid string, m *msgRec) bool {
	if m.sender == uid || !m.isPlain() || m.deletedAt != 0 {
		return false
	}
	if r := m.receipts[uid]; r != nil && r.readAt != 0 {
		return false
	}
	if uc := s.st.uconv[uid][m.convID]; uc != nil && m.id <= uc.readUpTo {
		return false
	}
	if m.receiverType == "group" {
		g := s.st.groups[m.receiver]
		if g == nil {
			return false
		}
		if mem := g.members[uid]; mem == nil || m.id <= mem.joinedAfter {
			return false
		}
	}
	return true
}

func (s *Server) listMessagesLocked(rc *reqCtx, sc historyScope) []byte {
	q := rc.q
	f := parseMessageFilter(q, sc.parent != nil)
	cands := s.candidatesLocked(rc.uid, sc, f)
	if q.flag("count") {
		return dataReply(s.unreadRowsLocked(rc.uid, cands))
	}
	affix := strings.ToLower(q.get("affix"))
	if affix != "append" {
		affix = "prepend"
	}
	per := clampInt(q.intDefault("per_page", 30), 30, 100)
	anchorID := q.int64("id")
	sentAt := q.int64("sentAt")
	updatedAt := q.int64("updatedAt")
	cursor := &cursorJSON{Affix: affix}
	var dir []*msgRec // candidates in the requested direction
	switch {
	case q.flag("onlyUpdates") && updatedAt > 0, anchorID <= 0 && sentAt <= 0 && updatedAt > 0:
		page, total := s.updatesPage(cands, affix, updatedAt, anchorID, per)
		if len(page) > 0 {
			last := page[len(page)-1]
			cursor.ID, cursor.UpdatedAt = last.idString(), last.updatedAt
		} else {
			cursor.UpdatedAt = updatedAt
			if anchorID > 0 {
				cursor.ID = itoa(anchorID)
			}
		}
		return s.messagePageLocked(rc.uid, page, total, per, cursor)
	case anchorID > 0:
		for _, m := range cands {
			if affix == "prepend" && m.id < anchorID || affix == "append" && m.id > anchorID {
				dir = append(dir, m)
			}
		}
	case sentAt > 0:
		ms := sentAt
		if ms <= 1e11 {
			ms *= 1000
		}
		for _, m := range cands {
			t := m.sentAt * 1000
			if affix == "prepend" && t < ms || affix == "append" && t > ms {
				dir = append(dir, m)
			}
		}
	default:
		dir = cands // prepend from now; append from the beginning
	}
	var page []*msgRec
	if affix == "prepend" {
		lo := len(dir) - per
		if lo < 0 {
			lo = 0
		}
		page = dir[lo:]
		if len(page) > 0 {
			cursor.ID = page[0].idString()
		}
	} else {
		hi := per
		if hi > len(dir) {
			hi = len(dir)
		}
		page = dir[:hi]
		if len(page) > 0 {
			cursor.ID = page[len(page)-1].idString()
		}
	}
	if len(page) == 0 && anchorID > 0 {
		cursor.ID = itoa(anchorID)
	}
	return s.messagePageLocked(rc.uid, page, len(dir), per, cursor)
}

// updatesPage selects messages updated after updatedAt (decision 17): by
// updatedAt then id; append pages forward from (updatedAt, id).
func (s *Server) updatesPage(cands []*msgRec, affix string, updatedAt, anchorID int64, per int) ([]*msgRec, int) {
	var dir []*msgRec
	for _, m := range cands {
		if m.updatedAt > updatedAt || anchorID > 0 && m.updatedAt == updatedAt && m.id > anchorID {
			dir = append(dir, m)
		}
	}
	sort.SliceStable(dir, func(i, j int) bool {
		if dir[i].updatedAt != dir[j].updatedAt {
			return dir[i].updatedAt < dir[j].updatedAt
		}
		return dir[i].id < dir[j].id
	})
	n := len(dir)
	if affix == "prepend" {
		lo := n - per
		if lo < 0 {
			lo = 0
		}
		return append([]*msgRec(nil), dir[lo:]...), n
	}
	if per > n {
		per = n
	}
	return append([]*msgRec(nil), dir[:per]...), n
}

func (s *Server) messagePageLocked(viewer string, page []*msgRec, total, per int, cursor *cursorJSON) []byte {
	out := make([]messageJSON, 0, len(page))
	for _, m := range page {
		out = append(out, s.renderMessage(m, viewer))
	}
	pages := (total + per - 1) / per
	if pages < 1 {
		pages = 1
	}
	return listReply(out, metaJSON{Cursor: cursor,
		Pagination: &paginationJSON{Total: total, Count: len(out), PerPage: per, CurrentPage: 1, TotalPages: pages}})
}

// unreadRowsLocked turns candidates into count rows per conversation
// partner or group; empty rows are omitted.
func (s *Server) unreadRowsLocked(uid string, cands []*msgRec) []unreadCountJSON {
	counts := map[string]*unreadCountJSON{}
	var order []string
	for _, m := range cands {
		key, typ := m.otherParty(uid), "user"
		if m.receiverType == "group" {
			key, typ = m.receiver, "group"
		}
		row := counts[typ+":"+key]
		if row == nil {
			row = &unreadCountJSON{EntityID: key, EntityType: typ}
			counts[typ+":"+key] = row
			order = append(order, typ+":"+key)
		}
		row.Count++
	}
	out := make([]unreadCountJSON, 0, len(order))
	for _, k := range order {
		if counts[k].Count > 0 {
			out = append(out, *counts[k])
		}
	}
	return out
}
