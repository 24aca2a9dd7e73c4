// Command quickstart shows a two-user chat: two clients log in, one types,
// they exchange text messages, and each read receipt comes back.
//
// With no environment it starts a fake CometChat server in this process
// (package cometchattest), so it needs no account:
//
//	go run ./examples/quickstart
//
// Against CometChat itself, set your app's id, region and auth key (from the
// CometChat dashboard) and, optionally, the two users to play (default
// superhero1,superhero2, the sample users of a new CometChat app):
//
//	COMETCHAT_APP_ID=... COMETCHAT_REGION=us COMETCHAT_AUTH_KEY=... \
//	COMETCHAT_UIDS=uid1,uid2 go run ./examples/quickstart
//
// This file is a program of its own: copy it into a new module and
// "go mod tidy" fetches what it needs.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// The fake server, or CometChat itself when COMETCHAT_APP_ID and
	// COMETCHAT_REGION are set.
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

	writer, err := be.NewClient()
	if err != nil {
		return err
	}
	defer func() { _ = writer.Close() }()
	replier, err := be.NewClient()
	if err != nil {
		return err
	}
	defer func() { _ = replier.Close() }()

	// The replier marks every message read and answers it; the writer
	// waits for the receipts and the answers.
	received := make(chan *cometchat.TextMessage, 10)
	reads := make(chan *cometchat.MessageReceipt, 10)
	typing := make(chan *cometchat.TypingIndicator, 10)
	replier.AddMessageListener("replier", cometchat.MessageListener{
		OnTypingStarted: func(t *cometchat.TypingIndicator) { typing <- t },
		OnTextMessageReceived: func(m *cometchat.TextMessage) {
			if err := replier.MarkAsRead(ctx, m); err != nil {
				log.Printf("mark as read: %v", err)
			}
			reply := cometchat.NewTextMessage(m.Sender.UID, cometchat.ReceiverTypeUser, "got it: "+m.Text)
			if _, err := replier.SendMessage(ctx, reply); err != nil {
				log.Printf("reply: %v", err)
			}
		},
	})
	writer.AddMessageListener("writer", cometchat.MessageListener{
		OnTextMessageReceived: func(m *cometchat.TextMessage) { received <- m },
		OnMessagesRead:        func(r *cometchat.MessageReceipt) { reads <- r },
	})

	a, err := writer.Login(ctx, uids[0], be.AuthKey)
	if err != nil {
		return fmt.Errorf("login %s: %w", uids[0], err)
	}
	b, err := replier.Login(ctx, uids[1], be.AuthKey)
	if err != nil {
		return fmt.Errorf("login %s: %w", uids[1], err)
	}
	for _, c := range []*cometchat.Client{writer, replier} {
		if err := c.WaitConnected(ctx); err != nil {
			return err
		}
	}
	fmt.Printf("logged in: %s (%s) and %s (%s)\n", a.Name, a.UID, b.Name, b.UID)

	if err := writer.StartTyping(ctx, cometchat.NewTypingIndicator(b.UID, cometchat.ReceiverTypeUser)); err != nil {
		return err
	}
	select {
	case t := <-typing:
		fmt.Printf("%s sees: %s is typing...\n", b.Name, t.Sender.Name)
	case <-ctx.Done():
		return fmt.Errorf("typing indicator: %w", ctx.Err())
	}
	_ = writer.EndTyping(ctx, cometchat.NewTypingIndicator(b.UID, cometchat.ReceiverTypeUser))

	for _, text := range []string{"Hello from Go!", "How are you?", "Bye for now."} {
		sent, err := writer.SendMessage(ctx, cometchat.NewTextMessage(b.UID, cometchat.ReceiverTypeUser, text))
		if err != nil {
			return fmt.Errorf("send: %w", err)
		}
		fmt.Printf("[%d] %-16s -> %-16s %q\n", sent.ID, a.Name, b.Name, sent.Text)
		select {
		case r := <-reads:
			fmt.Printf("     read by %s (message %d)\n", r.Sender.Name, r.MessageID)
		case <-ctx.Done():
			return fmt.Errorf("read receipt: %w", ctx.Err())
		}
		select {
		case m := <-received:
			fmt.Printf("[%d] %-16s -> %-16s %q\n", m.ID, m.Sender.Name, a.Name, m.Text)
		case <-ctx.Done():
			return fmt.Errorf("reply: %w", ctx.Err())
		}
	}
	for _, c := range []*cometchat.Client{writer, replier} {
		if err := c.Logout(ctx); err != nil {
			return err
		}
	}
	fmt.Printf("done: %s and %s logged out\n", a.Name, b.Name)
	return nil
}
