package admin_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gocometchat/cometchat/admin"
	"github.com/gocometchat/cometchat/cometchattest"
)

// A backend provisions a bot: the user, then the auth token the bot logs in
// with (cometchat.Client.LoginWithAuthToken), then it greets a group as the
// bot. Here against the emulator; against CometChat, drop the options:
// admin.New(appID, region, restAPIKey).
func Example() {
	srv, err := cometchattest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	c, err := admin.New(srv.AppID(), srv.Region(), srv.APIKey(),
		admin.WithBaseURL(srv.RESTBaseURL()), admin.WithRootCAs(srv.CertPool()))
	if err != nil {
		log.Fatal(err)
	}
	defer c.CloseIdleConnections()

	bot, err := c.CreateUser(ctx, admin.UserInput{UID: "welcome-bot", Name: "Welcome bot", Tags: []string{"bot"}})
	if err != nil {
		log.Fatal(err)
	}
	tok, err := c.CreateAuthToken(ctx, bot.UID, false)
	if err != nil {
		log.Fatal(err)
	}
	res, err := c.AddMembers(ctx, "supergroup", admin.Members{Participants: []string{bot.UID}})
	if err != nil || res.Err() != nil {
		log.Fatal(err, res.Err())
	}
	m, err := c.SendBotMessage(ctx, bot.UID, admin.MessageInput{Receiver: "supergroup", ReceiverType: admin.ReceiverGroup,
		Text: "Welcome, heroes!"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("bot:", bot.UID, "token issued:", tok.AuthToken != "")
	fmt.Println(m.Sender, "said", m.Text(), "in", m.Receiver)
	for u, err := range c.GroupMembers(ctx, "supergroup", admin.ScopeAdmin) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("admin:", u.UID)
	}
	// Output:
	// bot: welcome-bot token issued: true
	// welcome-bot said Welcome, heroes! in supergroup
	// admin: superhero1
}
