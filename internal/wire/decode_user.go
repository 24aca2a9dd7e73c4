package wire

// userGroup is an entity decoded as a user and as a group at once (their
// fields overlap), with whether each decode failed.
type userGroup struct {
	u                  User
	gType              Str
	icon               Str
	description        Str
	owner              Str
	hasJoined          Bool
	membersCount       Int
	updatedBy          Str
	onlineMembersCount Int
	userBad, groupBad  bool
}

func (g *userGroup) group() *Group {
	u := &g.u
	return &Group{GUID: u.GUID, Name: u.Name, Type: g.gType, Icon: g.icon, Description: g.description, Owner: g.owner,
		Metadata: u.Metadata, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, HasJoined: g.hasJoined,
		JoinedAt: u.JoinedAt, MembersCount: g.membersCount, Scope: u.Scope, Tags: u.Tags,
		ConversationID: u.ConversationID, UpdatedBy: g.updatedBy, OnlineMembersCount: g.onlineMembersCount}
}

// userGroupKeys are the json names of User, then those of Group that User
// lacks (no two of them fold alike, so one table serves both structs).
var userGroupKeys = keys("uid", "name", "avatar", "link", "role", "metadata", "status", "statusMessage",
	"lastActiveAt", "tags", "hasBlockedMe", "blockedByMe", "deactivatedAt", "createdAt", "updatedAt", "authToken",
	"jwt", "settings", "conversationId", "blockedByMeAt", "blockedAt", "scope", "joinedAt", "guid",
	"type", "icon", "description", "owner", "hasJoined", "membersCount", "updatedBy", "onlineMembersCount")

// userGroup decodes the object at d.i as a User and as a Group.
func (d *decoder) userGroup(g *userGroup) bool {
	bad, at := d.scope()
	if !d.enter() {
		return false
	}
	for first := true; ; first = false {
		key, done, ok := d.member(first)
		if !ok {
			return false
		}
		if done {
			break
		}
		d.bad = false
		in, ok := d.userGroupField(key, g)
		if !ok {
			return false
		}
		if d.bad {
			g.userBad = g.userBad || in&inUser != 0
			g.groupBad = g.groupBad || in&inGroup != 0
		}
	}
	d.end(bad, at)
	return true
}

func (d *decoder) userGroupField(key []byte, g *userGroup) (in int, ok bool) {
	u := &g.u
	switch string(key) {
	case "uid":
		return inUser, d.str(&u.UID)
	case "name":
		return inBoth, d.str(&u.Name)
	case "avatar":
		return inUser, d.str(&u.Avatar)
	case "link":
		return inUser, d.str(&u.Link)
	case "role":
		return inUser, d.str(&u.Role)
	case "metadata":
		return inBoth, d.obj(&u.Metadata)
	case "status":
		return inUser, d.str(&u.Status)
	case "statusMessage":
		return inUser, d.str(&u.StatusMessage)
	case "lastActiveAt":
		return inUser, d.int(&u.LastActiveAt)
	case "tags":
		return inBoth, d.strings(&u.Tags)
	case "hasBlockedMe":
		return inUser, d.bool(&u.HasBlockedMe)
	case "blockedByMe":
		return inUser, d.bool(&u.BlockedByMe)
	case "deactivatedAt":
		return inUser, d.int(&u.DeactivatedAt)
	case "createdAt":
		return inBoth, d.int(&u.CreatedAt)
	case "updatedAt":
		return inBoth, d.int(&u.UpdatedAt)
	case "authToken":
		return inUser, d.str(&u.AuthToken)
	case "jwt":
		return inUser, d.str(&u.JWT)
	case "settings":
		return inUser, d.obj(&u.Settings)
	case "conversationId":
		return inBoth, d.str(&u.ConversationID)
	case "blockedByMeAt":
		return inUser, d.int(&u.BlockedByMeAt)
	case "blockedAt":
		return inUser, d.int(&u.BlockedAt)
	case "scope":
		return inBoth, d.str(&u.Scope)
	case "joinedAt":
		return inBoth, d.int(&u.JoinedAt)
	case "guid":
		return inBoth, d.str(&u.GUID)
	case "type":
		return inGroup, d.str(&g.gType)
	case "icon":
		return inGroup, d.str(&g.icon)
	case "description":
		return inGroup, d.str(&g.description)
	case "owner":
		return inGroup, d.str(&g.owner)
	case "hasJoined":
		return inGroup, d.bool(&g.hasJoined)
	case "membersCount":
		return inGroup, d.int(&g.membersCount)
	case "updatedBy":
		return inGroup, d.str(&g.updatedBy)
	case "onlineMembersCount":
		return inGroup, d.int(&g.onlineMembersCount)
	}
	if k := userGroupKeys.fold(key); k != nil {
		return d.userGroupField(k, g)
	}
	return 0, d.skip()
}

var callKeys = keys("sessionid", "sessionId", "status", "type", "receiverType", "sender", "receiver", "initiatedAt",
	"joinedAt", "leftAt", "endedAt", "data")

func (d *decoder) callField(key []byte, c *CallEntity) bool {
	switch string(key) {
	case "sessionid":
		return d.str(&c.SessionID)
	case "sessionId":
		return d.str(&c.SessionIDAlt)
	case "status":
		return d.str(&c.Status)
	case "type":
		return d.str(&c.Type)
	case "receiverType":
		return d.str(&c.ReceiverType)
	case "sender":
		return d.str(&c.Sender)
	case "receiver":
		return d.str(&c.Receiver)
	case "initiatedAt":
		return d.int(&c.InitiatedAt)
	case "joinedAt":
		return d.int(&c.JoinedAt)
	case "leftAt":
		return d.int(&c.LeftAt)
	case "endedAt":
		return d.int(&c.EndedAt)
	case "data":
		return d.messageData(&c.Data)
	}
	if k := callKeys.fold(key); k != nil {
		return d.callField(k, c)
	}
	return d.skip()
}

// Which of User and Group have a key.
const (
	inUser = 1 << iota
	inGroup
	inBoth = inUser | inGroup
)
