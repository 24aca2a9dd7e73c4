// Command echobot shows a small bot: it answers every text message with its
// echo, every media message with the file's name and size, and every custom
// message with its type; it marks what it reads as read and shows "typing"
// while it thinks.
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
	"strings"
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
		OnTypingStarted:       func(t *cometchat.TypingIndicator) { fmt.Printf("(%s is typing)\n", t.Sender.Name) },
		OnMessagesRead:        func(r *cometchat.MessageReceipt) { fmt.Printf("(read by %s)\n", r.Sender.Name) },
	})
	if _, err := user.Login(ctx, uids[1], be.AuthKey); err != nil {
		return fmt.Errorf("user login: %w", err)
	}
	if err := user.WaitConnected(ctx); err != nil {
		return err
	}

	say := func(m cometchat.Message, label string) error {
		fmt.Printf("you: %s\n", label)
		switch v := m.(type) {
		case *cometchat.TextMessage:
			if _, err := user.SendMessage(ctx, v); err != nil {
				return err
			}
		case *cometchat.CustomMessage:
			if _, err := user.SendCustomMessage(ctx, v); err != nil {
				return err
			}
		case *cometchat.MediaMessage:
			if _, err := user.SendMediaMessage(ctx, v); err != nil {
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
		if err := say(cometchat.NewTextMessage(uids[0], cometchat.ReceiverTypeUser, text), text); err != nil {
			return err
		}
	}
	photo := cometchat.NewMediaMessage(uids[0], cometchat.ReceiverTypeUser, cometchat.MessageTypeImage,
		cometchat.MediaFile{Name: "sunset.jpg", Reader: strings.NewReader(strings.Repeat("jpeg", 2048))})
	if err := say(photo, "(a photo)"); err != nil {
		return err
	}
	loc := cometchat.NewCustomMessage(uids[0], cometchat.ReceiverTypeUser, "location", map[string]any{"lat": 51.5, "lng": -0.12})
	return say(loc, "(a location)")
}
