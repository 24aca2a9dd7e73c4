// Command echobot shows the smallest useful bot: it answers every text
// message with the same text, and every custom message with its type.
//
//	go run ./examples/echobot
//
// It logs the bot in, has a second user talk to it for a few lines against
// the bundled fake server (or CometChat itself, see examples/internal/backend),
// prints the exchange and exits 0. Replies go to the conversation the message
// came from: the user, or the group.
package main

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/examples/internal/backend"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// replyTarget is where an answer to m goes.
func replyTarget(m cometchat.Message) (string, cometchat.ReceiverType) {
	b := m.Base()
	if b.ReceiverType == cometchat.ReceiverTypeGroup {
		return b.ReceiverID, cometchat.ReceiverTypeGroup
	}
	return b.Sender.UID, cometchat.ReceiverTypeUser
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	be, err := backend.Connect()
	if err != nil {
		return err
	}
	defer be.Close()
	uids, err := backend.UIDs("superhero1", "superhero2")
	if err != nil {
		return err
	}

	bot, err := be.NewClient()
	if err != nil {
		return err
	}
	defer func() { _ = bot.Close() }()
	bot.AddMessageListener("echo", cometchat.MessageListener{
		OnTextMessageReceived: func(m *cometchat.TextMessage) {
			to, typ := replyTarget(m)
			if _, err := bot.SendMessage(ctx, cometchat.NewTextMessage(to, typ, "echo: "+m.Text)); err != nil {
				log.Printf("echo: %v", err)
			}
		},
		OnCustomMessageReceived: func(m *cometchat.CustomMessage) {
			to, typ := replyTarget(m)
			if _, err := bot.SendMessage(ctx, cometchat.NewTextMessage(to, typ, "got a "+string(m.Type))); err != nil {
				log.Printf("echo: %v", err)
			}
		},
	})
	if _, err := bot.Login(ctx, uids[0], be.AuthKey); err != nil {
		return fmt.Errorf("bot login: %w", err)
	}
	if err := bot.WaitConnected(ctx); err != nil {
		return err
	}

	user, err := be.NewClient()
	if err != nil {
		return err
	}
	defer func() { _ = user.Close() }()
	answers := make(chan string, 10)
	user.AddMessageListener("user", cometchat.MessageListener{
		OnTextMessageReceived: func(m *cometchat.TextMessage) { answers <- m.Text },
	})
	if _, err := user.Login(ctx, uids[1], be.AuthKey); err != nil {
		return fmt.Errorf("user login: %w", err)
	}
	if err := user.WaitConnected(ctx); err != nil {
		return err
	}

	say := func(m cometchat.Message, label string) error {
		switch v := m.(type) {
		case *cometchat.TextMessage:
			if _, err := user.SendMessage(ctx, v); err != nil {
				return err
			}
		case *cometchat.CustomMessage:
			if _, err := user.SendCustomMessage(ctx, v); err != nil {
				return err
			}
		}
		fmt.Printf("you: %s\n", label)
		select {
		case a := <-answers:
			fmt.Printf("bot: %s\n", a)
			return nil
		case <-ctx.Done():
			return fmt.Errorf("no answer: %w", ctx.Err())
		}
	}
	for _, text := range []string{"hello", "is anybody there?"} {
		if err := say(cometchat.NewTextMessage(uids[0], cometchat.ReceiverTypeUser, text), text); err != nil {
			return err
		}
	}
	loc := cometchat.NewCustomMessage(uids[0], cometchat.ReceiverTypeUser, "location", map[string]any{"lat": 51.5, "lng": -0.12})
	return say(loc, "(a location)")
}
