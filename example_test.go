package cometchat_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

// exampleLogin returns a client logged in as uid with its socket connected.
func exampleLogin(ctx context.Context, srv *cometchattest.Server, uid string) *cometchat.Client {
	c, err := cometchat.New(srv.AppID(), srv.AppSettings(), srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.Login(ctx, uid, srv.AuthKey()); err != nil {
		log.Fatal(err)
	}
	if err := c.WaitConnected(ctx); err != nil {
		log.Fatal(err)
	}
	return c
}

// exampleServer starts a fake server (with cfg, if given) and returns it, a
// context bounding the example, and a function that ends both.
func exampleServer(cfg ...cometchattest.Config) (*cometchattest.Server, context.Context, func()) {
	srv, err := cometchattest.Start(cfg...)
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	return srv, ctx, func() { cancel(); _ = srv.Close() }
}

// Log in with a UID and an auth key. Against CometChat itself, use
// cometchat.AppSettings{Region: cometchat.RegionUS} and your app's ID and key.
func ExampleClient_Login() {
	srv, ctx, done := exampleServer()
	defer done()
	c, err := cometchat.New(srv.AppID(), srv.AppSettings(), srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	user, err := c.Login(ctx, "superhero1", srv.AuthKey())
	if err != nil {
		log.Fatal(err)
	}
	if err := c.WaitConnected(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println(user.Name, c.ConnectionStatus())

	_, err = c.Login(ctx, "no such user!", srv.AuthKey())
	fmt.Println(errors.Is(err, cometchat.CodeInvalidUID))
	// Output:
	// Iron Man connected
	// true
}

// Send a text message and receive it on another client's MessageListener.
func ExampleClient_SendMessage() {
	srv, ctx, done := exampleServer()
	defer done()
	alice := exampleLogin(ctx, srv, "superhero1")
	defer func() { _ = alice.Close() }()
	bob := exampleLogin(ctx, srv, "superhero2")
	defer func() { _ = bob.Close() }()

	got := make(chan *cometchat.TextMessage, 1)
	bob.AddMessageListener("inbox", cometchat.MessageListener{
		OnTextMessageReceived: func(m *cometchat.TextMessage) { got <- m },
	})
	if _, err := alice.SendMessage(ctx, cometchat.NewTextMessage("superhero2", cometchat.ReceiverTypeUser, "Hi Bob")); err != nil {
		log.Fatal(err)
	}
	m := <-got
	fmt.Printf("%s: %s\n", m.Sender.Name, m.Text)
	// Output: Iron Man: Hi Bob
}

// Send a custom message (any JSON) and a media message (a file upload).
func ExampleClient_SendCustomMessage() {
	srv, ctx, done := exampleServer()
	defer done()
	alice := exampleLogin(ctx, srv, "superhero1")
	defer func() { _ = alice.Close() }()

	loc := cometchat.NewCustomMessage("supergroup", cometchat.ReceiverTypeGroup, "location", map[string]any{"lat": 48.85, "lng": 2.35})
	sent, err := alice.SendCustomMessage(ctx, loc)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sent.Category, sent.Type, sent.CustomData["lat"])

	img := cometchat.NewMediaMessage("superhero2", cometchat.ReceiverTypeUser, cometchat.MessageTypeImage,
		cometchat.MediaFile{Name: "pixel.png", Reader: strings.NewReader("\x89PNG")})
	media, err := alice.SendMediaMessage(ctx, img)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(media.Type, media.Attachment().Name, media.Attachment().MimeType, media.Attachment().Size)
	// Output:
	// custom location 48.85
	// image pixel.png image/png 4
}

// Typing indicators, delivery and read receipts.
func ExampleClient_MarkAsRead() {
	srv, ctx, done := exampleServer()
	defer done()
	alice := exampleLogin(ctx, srv, "superhero1")
	defer func() { _ = alice.Close() }()
	bob := exampleLogin(ctx, srv, "superhero2")
	defer func() { _ = bob.Close() }()

	events := make(chan string, 4)
	msgs := make(chan *cometchat.TextMessage, 1)
	bob.AddMessageListener("bob", cometchat.MessageListener{
		OnTypingStarted:       func(t *cometchat.TypingIndicator) { events <- t.Sender.Name + " is typing" },
		OnTextMessageReceived: func(m *cometchat.TextMessage) { msgs <- m },
	})
	alice.AddMessageListener("alice", cometchat.MessageListener{
		OnMessagesRead: func(r *cometchat.MessageReceipt) { events <- r.Sender.Name + " read it" },
	})
	if err := alice.StartTyping(ctx, cometchat.NewTypingIndicator("superhero2", cometchat.ReceiverTypeUser)); err != nil {
		log.Fatal(err)
	}
	fmt.Println(<-events)
	if _, err := alice.SendMessage(ctx, cometchat.NewTextMessage("superhero2", cometchat.ReceiverTypeUser, "read me")); err != nil {
		log.Fatal(err)
	}
	if err := bob.MarkAsRead(ctx, <-msgs); err != nil {
		log.Fatal(err)
	}
	fmt.Println(<-events)
	// Output:
	// Iron Man is typing
	// Captain America read it
}

// Page back through a conversation's history with an iterator.
func ExampleMessagesRequest_AllPrevious() {
	srv, ctx, done := exampleServer()
	defer done()
	alice := exampleLogin(ctx, srv, "superhero1")
	defer func() { _ = alice.Close() }()
	for _, text := range []string{"one", "two", "three"} {
		if _, err := alice.SendMessage(ctx, cometchat.NewTextMessage("superhero2", cometchat.ReceiverTypeUser, text)); err != nil {
			log.Fatal(err)
		}
	}
	req, err := alice.NewMessagesRequestBuilder().SetUID("superhero2").SetLimit(2).Build()
	if err != nil {
		log.Fatal(err)
	}
	for m, err := range req.AllPrevious(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(m.(*cometchat.TextMessage).Text)
	}
	// Output:
	// two
	// three
	// one
}

// List the recent conversations.
func ExampleConversationsRequest_All() {
	srv, ctx, done := exampleServer()
	defer done()
	alice := exampleLogin(ctx, srv, "superhero1")
	defer func() { _ = alice.Close() }()
	if _, err := alice.SendMessage(ctx, cometchat.NewTextMessage("supergroup", cometchat.ReceiverTypeGroup, "hello all")); err != nil {
		log.Fatal(err)
	}
	req, err := alice.NewConversationsRequestBuilder().SetLimit(20).Build()
	if err != nil {
		log.Fatal(err)
	}
	for cv, err := range req.All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(cv.ConversationID, cv.LastMessage.(*cometchat.TextMessage).Text)
	}
	// Output: group_supergroup hello all
}

// Moderate a group: promote, kick, ban, and watch it from a GroupListener.
func ExampleClient_KickGroupMember() {
	srv, ctx, done := exampleServer()
	defer done()
	owner := exampleLogin(ctx, srv, "superhero1")
	defer func() { _ = owner.Close() }()
	member := exampleLogin(ctx, srv, "superhero2")
	defer func() { _ = member.Close() }()
	watcher := exampleLogin(ctx, srv, "superhero3")
	defer func() { _ = watcher.Close() }()

	seen := make(chan string, 4)
	watcher.AddGroupListener("mod", cometchat.GroupListener{
		OnGroupMemberScopeChanged: func(_ *cometchat.Action, u *cometchat.User, newScope, oldScope cometchat.GroupMemberScope, g *cometchat.Group) {
			seen <- fmt.Sprintf("%s: %s %s -> %s", g.GUID, u.UID, oldScope, newScope)
		},
		OnGroupMemberKicked: func(_ *cometchat.Action, u, by *cometchat.User, g *cometchat.Group) {
			seen <- fmt.Sprintf("%s: %s kicked by %s", g.GUID, u.UID, by.UID)
		},
	})
	if _, _, err := owner.CreateGroupWithMembers(ctx, cometchat.NewGroup("avengers", "Avengers", cometchat.GroupTypePublic, ""),
		[]*cometchat.GroupMember{
			cometchat.NewGroupMember("superhero2", cometchat.GroupMemberScopeParticipant),
			cometchat.NewGroupMember("superhero3", cometchat.GroupMemberScopeParticipant),
		}, nil); err != nil {
		log.Fatal(err)
	}
	if err := owner.UpdateGroupMemberScope(ctx, "avengers", "superhero2", cometchat.GroupMemberScopeModerator); err != nil {
		log.Fatal(err)
	}
	fmt.Println(<-seen)
	// A moderator cannot kick the owner.
	err := member.KickGroupMember(ctx, "avengers", "superhero1")
	fmt.Println(errors.Is(err, cometchat.CodeGroupNoClearance))
	if err := owner.KickGroupMember(ctx, "avengers", "superhero2"); err != nil {
		log.Fatal(err)
	}
	fmt.Println(<-seen)
	// Output:
	// avengers: superhero2 participant -> moderator
	// true
	// avengers: superhero2 kicked by superhero1
}

// Ring a user; the callee accepts, then hangs up.
func ExampleClient_InitiateCall() {
	srv, ctx, done := exampleServer()
	defer done()
	caller := exampleLogin(ctx, srv, "superhero1")
	defer func() { _ = caller.Close() }()
	callee := exampleLogin(ctx, srv, "superhero2")
	defer func() { _ = callee.Close() }()

	ringing := make(chan *cometchat.Call, 1)
	callee.AddCallListener("phone", cometchat.CallListener{
		OnIncomingCallReceived: func(c *cometchat.Call) { ringing <- c },
	})
	events := make(chan string, 2)
	caller.AddCallListener("phone", cometchat.CallListener{
		OnOutgoingCallAccepted:     func(c *cometchat.Call) { events <- "accepted" },
		OnCallEndedMessageReceived: func(c *cometchat.Call) { events <- "ended" },
	})
	if _, err := caller.InitiateCall(ctx, cometchat.NewCall("superhero2", cometchat.CallTypeAudio, cometchat.ReceiverTypeUser)); err != nil {
		log.Fatal(err)
	}
	call := <-ringing
	fmt.Println("ringing from", call.CallInitiator.Name)
	if _, err := callee.AcceptCall(ctx, call.SessionID); err != nil {
		log.Fatal(err)
	}
	fmt.Println(<-events)
	if _, err := callee.EndCall(ctx, call.SessionID); err != nil {
		log.Fatal(err)
	}
	fmt.Println(<-events)
	// Output:
	// ringing from Iron Man
	// accepted
	// ended
}

// Watch the connection: a dropped socket reconnects by itself, and a message
// sent meanwhile is still delivered.
func ExampleConnectionListener() {
	srv, ctx, done := exampleServer()
	defer done()
	alice := exampleLogin(ctx, srv, "superhero1")
	defer func() { _ = alice.Close() }()
	bob := exampleLogin(ctx, srv, "superhero2")
	defer func() { _ = bob.Close() }()

	states := make(chan string, 8)
	bob.AddConnectionListener("conn", cometchat.ConnectionListener{
		OnDisconnected: func() { states <- "disconnected" },
		InConnecting:   func() { states <- "connecting" },
		OnConnected:    func() { states <- "connected" },
	})
	got := make(chan string, 1)
	bob.AddMessageListener("inbox", cometchat.MessageListener{OnTextMessageReceived: func(m *cometchat.TextMessage) { got <- m.Text }})

	srv.RefuseSockets(time.Hour)
	srv.DropSockets("superhero2")
	fmt.Println(<-states, <-states)
	if _, err := alice.SendMessage(ctx, cometchat.NewTextMessage("superhero2", cometchat.ReceiverTypeUser, "sent while you were away")); err != nil {
		log.Fatal(err)
	}
	srv.RefuseSockets(0)
	fmt.Println(<-states)
	fmt.Println(<-got)
	// Output:
	// disconnected connecting
	// connected
	// sent while you were away
}

// Presence: a UserListener hears users come and go when the client subscribes.
func ExampleUserListener() {
	srv, ctx, done := exampleServer()
	defer done()
	settings := srv.AppSettings()
	settings.PresenceSubscription = cometchat.PresenceSubscriptionAllUsers
	watcher, err := cometchat.New(srv.AppID(), settings, srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = watcher.Close() }()
	seen := make(chan string, 2)
	watcher.AddUserListener("presence", cometchat.UserListener{
		OnUserOnline:  func(u *cometchat.User) { seen <- u.Name + " online" },
		OnUserOffline: func(u *cometchat.User) { seen <- u.Name + " offline" },
	})
	if _, err := watcher.Login(ctx, "superhero2", srv.AuthKey()); err != nil {
		log.Fatal(err)
	}
	if err := watcher.WaitConnected(ctx); err != nil {
		log.Fatal(err)
	}
	other := exampleLogin(ctx, srv, "superhero1")
	fmt.Println(<-seen)
	if err := other.Logout(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println(<-seen)
	_ = other.Close()
	// Output:
	// Iron Man online
	// Iron Man offline
}

// Use cometchattest in your own tests: a real server on loopback, with its
// state readable for assertions.
func Example_cometchattest() {
	srv, err := cometchattest.Start() // in a test: cometchattest.NewServer(t)
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = srv.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := cometchat.New(srv.AppID(), srv.AppSettings(), srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	if _, err := c.Login(ctx, "superhero1", srv.AuthKey()); err != nil {
		log.Fatal(err)
	}
	if _, err := c.SendMessage(ctx, cometchat.NewTextMessage("supergroup", cometchat.ReceiverTypeGroup, "hello")); err != nil {
		log.Fatal(err)
	}
	last := srv.Messages()[len(srv.Messages())-1]
	fmt.Println(last.Sender, last.Receiver, last.Text)
	// Output: superhero1 supergroup hello
}
