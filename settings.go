package cometchat

import "strings"

// Region is a CometChat data-centre region.
type Region string

// Regions.
const (
	RegionEU      Region = "eu"
	RegionUS      Region = "us"
	RegionIN      Region = "in"
	RegionPrivate Region = "private"
)

// PresenceSubscription selects whose presence events the socket receives.
type PresenceSubscription string

// Presence subscriptions (wire values of the auth frame).
const (
	PresenceSubscriptionNone     PresenceSubscription = "NONE"
	PresenceSubscriptionAllUsers PresenceSubscription = "ALL_USERS"
	PresenceSubscriptionRoles    PresenceSubscription = "ROLES"
	PresenceSubscriptionFriends  PresenceSubscription = "FRIENDS"
)

// AppSettings configures a client (Cordova: AppSettings). The zero value means
// region eu, no presence events, and a socket opened automatically on login.
type AppSettings struct {
	Region               Region
	PresenceSubscription PresenceSubscription
	// Roles filter presence events when PresenceSubscription is ROLES.
	Roles []string
	// ManualSocketConnection, when true, leaves opening the socket to
	// Connect (Cordova: autoEstablishSocketConnection(false)).
	ManualSocketConnection bool
	// AdminHost and ClientHost override the REST base URLs, e.g.
	// "https://127.0.0.1:8443/v3.0". They always win over server settings.
	// A value without a scheme ("host:port/v3.0", the Cordova form) means https.
	AdminHost  string
	ClientHost string
	// WebsocketURL overrides the socket address (default: from the server's
	// settings; ws:// when ClientHost uses http://).
	WebsocketURL string
	// DisableAutoJoinGroups records Cordova's enableAutoJoinForGroups(false).
	// It is stored only: CometChat 3.0 attaches no behaviour to it.
	DisableAutoJoinGroups bool
}

// AppSettingsBuilder builds AppSettings with the Cordova method names.
type AppSettingsBuilder struct{ s AppSettings }

// NewAppSettingsBuilder starts from the defaults.
func NewAppSettingsBuilder() *AppSettingsBuilder { return &AppSettingsBuilder{} }

// SubscribePresenceForAllUsers asks for every user's presence.
func (b *AppSettingsBuilder) SubscribePresenceForAllUsers() *AppSettingsBuilder {
	b.s.PresenceSubscription = PresenceSubscriptionAllUsers
	return b
}

// SubscribePresenceForRoles asks for the presence of users with these roles.
func (b *AppSettingsBuilder) SubscribePresenceForRoles(roles ...string) *AppSettingsBuilder {
	b.s.PresenceSubscription = PresenceSubscriptionRoles
	b.s.Roles = append([]string(nil), roles...)
	return b
}

// SubscribePresenceForFriends asks for the presence of friends only.
func (b *AppSettingsBuilder) SubscribePresenceForFriends() *AppSettingsBuilder {
	b.s.PresenceSubscription = PresenceSubscriptionFriends
	return b
}

// SetRegion sets the region (lower-cased).
func (b *AppSettingsBuilder) SetRegion(r Region) *AppSettingsBuilder {
	b.s.Region = Region(strings.ToLower(string(r)))
	return b
}

// AutoEstablishSocketConnection chooses whether login opens the socket.
func (b *AppSettingsBuilder) AutoEstablishSocketConnection(enabled bool) *AppSettingsBuilder {
	b.s.ManualSocketConnection = !enabled
	return b
}

// EnableAutoJoinForGroups records the auto-join choice (stored only; see
// AppSettings.DisableAutoJoinGroups).
func (b *AppSettingsBuilder) EnableAutoJoinForGroups(enabled bool) *AppSettingsBuilder {
	b.s.DisableAutoJoinGroups = !enabled
	return b
}

// OverrideAdminHost sets the admin REST base (URL, or "host:port/v3.0").
func (b *AppSettingsBuilder) OverrideAdminHost(host string) *AppSettingsBuilder {
	b.s.AdminHost = host
	return b
}

// OverrideClientHost sets the client REST base (URL, or "host:port/v3.0").
func (b *AppSettingsBuilder) OverrideClientHost(host string) *AppSettingsBuilder {
	b.s.ClientHost = host
	return b
}

// Build returns the settings.
func (b *AppSettingsBuilder) Build() AppSettings {
	s := b.s
	s.Roles = append([]string(nil), b.s.Roles...)
	return s
}
