// Package cometchat is a Go client for CometChat: log in, send and receive
// messages in real time, manage users and groups, and signal calls. It
// mirrors the CometChat Cordova/Ionic SDK 3.0 surface in Go and speaks
// CometChat's v3.0 wire protocol (the client REST API and the JSON websocket).
//
// A bot in ten lines (Example shows it whole, against the fake server):
//
//	c, err := cometchat.New(appID, cometchat.AppSettings{Region: cometchat.RegionUS})
//	if err != nil { ... }
//	defer c.Close()
//	c.AddMessageListener("echo", cometchat.MessageListener{
//		OnTextMessageReceived: func(m *cometchat.TextMessage) {
//			reply := cometchat.NewTextMessage(m.Sender.UID, cometchat.ReceiverTypeUser, "echo: "+m.Text)
//			_, _ = c.SendMessage(ctx, reply)
//		}})
//	_, err = c.Login(ctx, "superhero1", authKey) // then WaitConnected(ctx)
//
// # Clients
//
// A *Client is one app session: one logged-in user and one websocket. Create
// it with New (the Cordova CometChat.init), log in with Login or
// LoginWithAuthToken, and Close it when done. Several clients can live in one
// process. Every method that does I/O takes a context.Context first. An
// invalid option makes New fail with CodeInvalidOption.
//
// # Listeners
//
// Events arrive through listeners: MessageListener, UserListener,
// GroupListener, CallListener, ConnectionListener and LoginListener, structs
// of optional callbacks registered under an ID (the same ID replaces a
// listener and moves it to the end). All callbacks of a client run in order,
// one at a time, never on the socket reader; a callback may call any method
// of the client, Logout and Close included; a panic in a callback is
// recovered and logged.
//
// # The connection
//
// After Login the socket connects in the background (WaitConnected waits for
// it). It pings every 15 s, replaces a connection whose pong is late,
// reconnects by itself with jittered exponential backoff, and renews an
// expired JWT; only a server that no longer accepts the auth token ends the
// session. After every reconnect the client fetches the messages it missed
// and delivers them in order, once, before new ones; LastDeliveredMessageID
// and SetLastDeliveredMessageID export and import that position.
//
// # Errors
//
// Everything CometChat reports is a *Error with a stable Code. Every Code is
// an error: errors.Is(err, cometchat.CodeUIDNotFound) matches any *Error with
// that code; errors.As gives the details. IDs are validated before any I/O.
// Auth keys, tokens and JWTs never appear in error strings or logs.
//
// # Testing
//
// Package cometchattest runs a fake CometChat server in your tests (or, with
// Start, in any program), and cmd/cometchat-fake runs the same server as a
// program: a local CometChat emulator for any client.
package cometchat
