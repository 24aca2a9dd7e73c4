package cometchat

import (
	"encoding/json"
	"fmt"

	"github.com/gocometchat/cometchat/internal/wire"
)

// GroupType is a group's access type.
type GroupType string

// Group types and their wire values.
const (
	GroupTypePublic   GroupType = "public"
	GroupTypePassword GroupType = "password"
	GroupTypePrivate  GroupType = "private"
)

// GroupMemberScope is a member's role in a group.
type GroupMemberScope string

// Member scopes.
const (
	GroupMemberScopeAdmin       GroupMemberScope = "admin"
	GroupMemberScopeModerator   GroupMemberScope = "moderator"
	GroupMemberScopeParticipant GroupMemberScope = "participant"
)

// Group is a CometChat group (Cordova: Group). HasJoined, Scope and JoinedAt
// are relative to the logged-in user.
type Group struct {
	GUID string
	Name string
	Type GroupType
	// Password is only sent (create, join); CometChat never returns it.
	Password     string
	Icon         string
	Description  string
	Owner        string
	Metadata     map[string]any
	CreatedAt    int64
	UpdatedAt    int64
	HasJoined    bool
	JoinedAt     int64
	MembersCount int
	Scope        GroupMemberScope
	Tags         []string
}

// NewGroup returns a group value (Cordova: new Group(guid, name, type, password)).
func NewGroup(guid, name string, typ GroupType, password string) *Group {
	return &Group{GUID: guid, Name: name, Type: typ, Password: password}
}

func (*Group) entity() {}

// String describes the group without its password.
func (g *Group) String() string {
	if g == nil {
		return "Group(nil)"
	}
	return fmt.Sprintf("Group{guid=%s name=%q type=%s}", g.GUID, g.Name, g.Type)
}

// GroupMember is a user with a scope in a group (Cordova: GroupMember).
type GroupMember struct {
	User
	Scope    GroupMemberScope
	JoinedAt int64
	GUID     string
}

// NewGroupMember returns a member value to add to a group.
func NewGroupMember(uid string, scope GroupMemberScope) *GroupMember {
	return &GroupMember{User: User{UID: uid}, Scope: scope}
}

func groupFromWire(w *wire.Group) *Group {
	if w == nil {
		return nil
	}
	return &Group{
		GUID: string(w.GUID), Name: string(w.Name), Type: GroupType(w.Type), Icon: string(w.Icon),
		Description: string(w.Description), Owner: string(w.Owner), Metadata: w.Metadata.Map(),
		CreatedAt: int64(w.CreatedAt), UpdatedAt: int64(w.UpdatedAt), HasJoined: bool(w.HasJoined),
		JoinedAt: int64(w.JoinedAt), MembersCount: int(w.MembersCount), Scope: GroupMemberScope(w.Scope),
		Tags: []string(w.Tags),
	}
}

func decodeGroup(raw json.RawMessage) (*Group, error) {
	var w wire.Group
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, err
	}
	return groupFromWire(&w), nil
}

func memberFromWire(w *wire.User, guid string) *GroupMember {
	m := &GroupMember{User: *userFromWire(w), Scope: GroupMemberScope(w.Scope), JoinedAt: int64(w.JoinedAt), GUID: guid}
	if m.GUID == "" {
		m.GUID = string(w.GUID)
	}
	return m
}
