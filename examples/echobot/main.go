// Command echobot shows a small bot: it answers every text message with its
// echo, every media message with the file's name and size, and every custom
// message with its type; it marks what it reads as read and shows "typing"
// while it thinks. Replies go to the conversation the message came from: the
// user, or the group.
//
// It logs the bot in (the first user), has a second user ("you") talk to it
// for a few lines, prints the exchange and exits 0. With no environment it
// runs against a fake CometChat server started in this process (package
// cometchattest):
//
//	go run ./examples/echobot
//
// Against CometChat itself, set your app's id, region and auth key and,
// optionally, the bot's and your UIDs (default superhero1,superhero2):
//
//	COMETCHAT_APP_ID=... COMETCHAT_REGION=us COMETCHAT_AUTH_KEY=... \
//	COMETCHAT_UIDS=bot-uid,your-uid go run ./examples/echobot
//
// This file is a program of its own: copy it into a new module and
// "go mod tidy" fetches what it needs.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
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
	be, err := cometchattest.StartOrEnv()
	if err != nil {
		return err
	}
	defer func() { _ = be.Close() }()
	fmt.Fprintln(os.Stderr, "# talking to", be)
	uids, err := be.UIDs("superhero1", "superhero2")
	if err != nil {
		return err
	}

	// The bot.
	bot, err := be.NewClient()
	if err != nil {
		return err
	}
	defer func() { _ = bot.Close() }()
	answer := func(m cometchat.Message, text string) {
		to, typ := replyTarget(m)
		typing := cometchat.NewTypingIndicator(to, typ)
		if err := bot.MarkAsRead(ctx, m); err != nil {
			log.Printf("mark as read: %v", err)
		}
		if err := bot.StartTyping(ctx, typing); err != nil {
			log.Printf("typing: %v", err)
		}
		defer func() { _ = bot.EndTyping(ctx, typing) }()
		fmt.Println("bot: marked it read, typing...")
		if _, err := bot.SendMessage(ctx, cometchat.NewTextMessage(to, typ, text)); err != nil {
			log.Printf("answer: %v", err)
		}
	}
	bot.AddMessageListener("echo", cometchat.MessageListener{
		OnTextMessageReceived: func(m *cometchat.TextMessage) { answer(m, "echo: "+m.Text) },
		OnMediaMessageReceived: func(m *cometchat.MediaMessage) {
			if a := m.Attachment(); a != nil {
				answer(m, fmt.Sprintf("got %s (%d bytes)", a.Name, a.Size))
			}
		},
		OnCustomMessageReceived: func(m *cometchat.CustomMessage) { answer(m, "got a "+string(m.Type)) },
	})
	botUser, err := bot.Login(ctx, uids[0], be.AuthKey)
	if err != nil {
		return fmt.Errorf("bot login: %w", err)
	}
	if err := bot.WaitConnected(ctx); err != nil {
		return err
	}

	// You, talking to the bot.
	you, err := be.NewClient()
	if err != nil {
		return err
	}
	defer func() { _ = you.Close() }()
	answers := make(chan string, 10)
	you.AddMessageListener("you", cometchat.MessageListener{
		OnTextMessageReceived: func(m *cometchat.TextMessage) { answers <- m.Text },
	})
	me, err := you.Login(ctx, uids[1], be.AuthKey)
	if err != nil {
		return fmt.Errorf("your login: %w", err)
	}
	if err := you.WaitConnected(ctx); err != nil {
		return err
	}
	fmt.Printf("bot (%s, %s) is online; you (%s, %s) talk to it\n", botUser.UID, botUser.Name, me.UID, me.Name)

	say := func(m cometchat.Message, label string) error {
		fmt.Printf("you: %s\n", label)
		switch v := m.(type) {
		case *cometchat.TextMessage:
			if _, err := you.SendMessage(ctx, v); err != nil {
				return err
			}
		case *cometchat.CustomMessage:
			if _, err := you.SendCustomMessage(ctx, v); err != nil {
				return err
			}
		case *cometchat.MediaMessage:
			if _, err := you.SendMediaMessage(ctx, v); err != nil {
				return err
			}
		}
		select {
		case a := <-answers:
			fmt.Printf("bot: %s\n", a)
			return nil
		case <-ctx.Done():
			return fmt.Errorf("no answer: %w", ctx.Err())
		}
	}
	for _, text := range []string{"hello", "is anybody there?"} {
		if err := say(cometchat.NewTextMessage(botUser.UID, cometchat.ReceiverTypeUser, text), text); err != nil {
			return err
		}
	}
	photo := cometchat.NewMediaMessage(botUser.UID, cometchat.ReceiverTypeUser, cometchat.MessageTypeImage,
		cometchat.MediaFile{Name: "sunset.jpg", Reader: strings.NewReader(strings.Repeat("jpeg", 2048))})
	if err := say(photo, "(a photo, sunset.jpg)"); err != nil {
		return err
	}
	loc := cometchat.NewCustomMessage(botUser.UID, cometchat.ReceiverTypeUser, "location", map[string]any{"lat": 51.5, "lng": -0.12})
	return say(loc, "(a location)")
}
