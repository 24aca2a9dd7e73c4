package cometchat_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

// The README's tour: an echo bot and a user chatting with it, against the
// fake server (against CometChat, use your app's ID, region and auth key).
func Example() {
	srv, err := cometchattest.Start() // a fake CometChat on a loopback port
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = srv.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// tour:begin
	bot, err := cometchat.New(srv.AppID(), srv.AppSettings(), srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = bot.Close() }()

	bot.AddMessageListener("echo", cometchat.MessageListener{
		OnTextMessageReceived: func(m *cometchat.TextMessage) {
			reply := cometchat.NewTextMessage(m.Sender.UID, cometchat.ReceiverTypeUser, "echo: "+m.Text)
			if _, err := bot.SendMessage(ctx, reply); err != nil {
				log.Print(err)
			}
		},
	})
	if _, err := bot.Login(ctx, "superhero1", srv.AuthKey()); err != nil { // or LoginWithAuthToken
		log.Fatal(err)
	}
	if err := bot.WaitConnected(ctx); err != nil { // the socket connects in the background
		log.Fatal(err)
	}
	// tour:end

	alice, err := cometchat.New(srv.AppID(), srv.AppSettings(), srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = alice.Close() }()
	replies := make(chan string, 1)
	alice.AddMessageListener("inbox", cometchat.MessageListener{
		OnTextMessageReceived: func(m *cometchat.TextMessage) { replies <- m.Sender.Name + ": " + m.Text },
	})
	if _, err := alice.Login(ctx, "superhero2", srv.AuthKey()); err != nil {
		log.Fatal(err)
	}
	if err := alice.WaitConnected(ctx); err != nil {
		log.Fatal(err)
	}
	if _, err := alice.SendMessage(ctx, cometchat.NewTextMessage("superhero1", cometchat.ReceiverTypeUser, "hello")); err != nil {
		log.Fatal(err)
	}
	fmt.Println(<-replies)
	// Output: Iron Man: echo: hello
}
