package fakeserver

import "encoding/json"

// Rendering. Every render function needs Server.mu held.

func (s *Server) userStatus(uid string) string {
	if len(s.conns[uid]) > 0 {
		return "available"
	}
	return "offline"
}

// renderUser renders u as seen by viewer ("" for no viewer-relative fields).
func (s *Server) renderUser(u *userRec, viewer string) userJSON {
	j := userJSON{UID: u.uid, Name: u.name, Avatar: u.avatar, Link: u.link, Role: u.role, Metadata: u.metadata,
		Status: s.userStatus(u.uid), StatusMessage: u.statusMessage, LastActiveAt: u.lastActiveAt, Tags: u.tags,
		CreatedAt: u.createdAt, UpdatedAt: u.updatedAt, DeactivatedAt: u.deactivatedAt}
	if viewer != "" && viewer != u.uid {
		j.ConversationID = userConvID(viewer, u.uid)
		if b, ok := s.st.blocks[viewer][u.uid]; ok {
			j.BlockedByMe = true
			j.BlockedByMeAt = b.at
		}
		if b, ok := s.st.blocks[u.uid][viewer]; ok {
			j.HasBlockedMe = true
			j.BlockedAt = b.at
		}
	}
	return j
}

// renderUID renders the user uid, or a stub when it no longer exists.
func (s *Server) renderUID(uid, viewer string) userJSON {
	if u := s.st.users[uid]; u != nil {
		return s.renderUser(u, viewer)
	}
	if uid == appSystemUID {
		return appSystemJSON()
	}
	return userJSON{UID: uid, Name: uid, Status: "offline"}
}

// renderGroup renders g with viewer's membership fields.
func (s *Server) renderGroup(g *groupRec, viewer string) groupJSON {
	j := groupJSON{GUID: g.guid, Name: g.name, Type: g.typ, Icon: g.icon, Description: g.description, Owner: g.owner,
		Metadata: g.metadata, Tags: g.tags, MembersCount: len(g.members), ConversationID: groupConvID(g.guid),
		CreatedAt: g.createdAt, UpdatedAt: g.updatedAt, UpdatedBy: g.updatedBy}
	if m := g.members[viewer]; m != nil {
		j.HasJoined = true
		j.Scope = m.scope
		j.JoinedAt = m.joinedAt
	}
	return j
}

func (s *Server) userEntity(uid, viewer string) *entityJSON {
	return &entityJSON{Entity: marshal(s.renderUID(uid, viewer)), EntityType: "user"}
}

func (s *Server) groupEntity(guid, viewer string) *entityJSON {
	if g := s.st.groups[guid]; g != nil {
		return &entityJSON{Entity: marshal(s.renderGroup(g, viewer)), EntityType: "group"}
	}
	return &entityJSON{Entity: marshal(groupJSON{GUID: guid, Name: guid, Type: GroupPublic,
		ConversationID: groupConvID(guid)}), EntityType: "group"}
}

func (s *Server) receiverEntity(receiverType, receiver, viewer string) *entityJSON {
	if receiverType == "group" {
		return s.groupEntity(receiver, viewer)
	}
	return s.userEntity(receiver, viewer)
}

// renderMessage renders m as seen by viewer.
func (s *Server) renderMessage(m *msgRec, viewer string) messageJSON {
	return s.renderMessageWith(m, viewer, nil)
}

// renderEntities renders data.entities of a plain (non-action, non-call)
// message as seen by viewer.
func (s *Server) renderEntities(m *msgRec, viewer string) []byte {
	return marshal(entitiesJSON{Sender: s.userEntity(m.sender, viewer),
		Receiver: s.receiverEntity(m.receiverType, m.receiver, viewer)})
}

// renderMessageWith is renderMessage; for a plain message, a non-nil
// entities replaces data.entities (pushTemplate).
func (s *Server) renderMessageWith(m *msgRec, viewer string, entities json.RawMessage) messageJSON {
	j := messageJSON{ID: m.idString(), Muid: m.muid, ConversationID: m.convID, Sender: m.sender,
		ReceiverType: m.receiverType, Receiver: m.receiver, Category: m.category, Type: m.typ,
		SentAt: m.sentAt, UpdatedAt: m.updatedAt, EditedAt: m.editedAt, EditedBy: m.editedBy,
		DeletedAt: m.deletedAt, DeletedBy: m.deletedBy, ReplyCount: m.replyCount, Tags: m.tags}
	if m.parentID != 0 {
		j.ParentID = itoa(m.parentID)
	}
	switch m.category {
	case catAction:
		d := actionDataJSON{Action: m.action, Entities: entitiesJSON{By: s.userEntity(m.sender, viewer)}}
		switch {
		case m.onMessage != nil:
			d.Entities.On = &entityJSON{Entity: marshal(s.renderMessage(m.onMessage, viewer)), EntityType: "message"}
		case m.onUser != "":
			d.Entities.On = s.userEntity(m.onUser, viewer)
		}
		d.Entities.For = s.receiverEntity(m.receiverType, m.receiver, viewer)
		if m.scopeNew != "" || m.scopeOld != "" {
			d.Extras = &extrasJSON{Scope: scopeChangeJSON{New: m.scopeNew, Old: m.scopeOld}}
		}
		j.Data = marshal(d)
	case catCall:
		j.Data = marshal(s.renderCallData(m, viewer))
	default:
		data := make(map[string]json.RawMessage, len(m.data)+1)
		for k, v := range m.data {
			data[k] = v
		}
		if entities == nil {
			entities = s.renderEntities(m, viewer)
		}
		data["entities"] = entities
		j.Data = marshal(data)
	}
	if m.receipts != nil && viewer != "" {
		if viewer == m.sender {
			if m.receiverType == "user" {
				if r := m.receipts[m.receiver]; r != nil {
					j.DeliveredAt, j.ReadAt = r.deliveredAt, r.readAt
				}
			}
		} else if r := m.receipts[viewer]; r != nil {
			j.MyReceipt = &myReceiptJSON{DeliveredAt: r.deliveredAt, ReadAt: r.readAt}
		}
	}
	return j
}

// renderCallData renders data of a call message: action and by/for/on.
func (s *Server) renderCallData(m *msgRec, viewer string) actionCallDataJSON {
	c := m.onCall
	d := actionCallDataJSON{Action: m.action, Entities: entitiesJSON{By: s.userEntity(m.sender, viewer),
		For: s.receiverEntity(m.receiverType, m.receiver, viewer)}}
	if c != nil {
		ce := callEntityJSON{SessionID: c.sessionID, Status: c.status, Type: c.typ, ReceiverType: c.receiverType,
			Sender: c.initiator, Receiver: c.receiver, InitiatedAt: c.initiatedAt, JoinedAt: c.joinedAt, LeftAt: c.leftAt,
			Data: callDataJSON{Entities: entitiesJSON{Sender: s.userEntity(c.initiator, viewer),
				Receiver: s.receiverEntity(c.receiverType, c.receiver, viewer)}, Metadata: c.metadata}}
		d.Entities.On = &entityJSON{Entity: marshal(ce), EntityType: "call"}
		d.Metadata = c.metadata
	}
	return d
}

type actionCallDataJSON struct {
	Action   string          `json:"action"`
	Entities entitiesJSON    `json:"entities"`
	Metadata json.RawMessage `json:"metadata,omitempty"`
}
