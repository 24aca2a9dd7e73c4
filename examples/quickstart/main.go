// Command quickstart shows a two-user chat: two clients log in, one types,
// they exchange text messages, and each read receipt comes back.
//
// With no environment it starts the bundled fake CometChat server in this
// process, so it needs no account:
//
//	go run ./examples/quickstart
//
// With COMETCHAT_APP_ID, COMETCHAT_REGION and COMETCHAT_AUTH_KEY set it talks
// to CometChat itself, as the users in COMETCHAT_UIDS (two UIDs,
// comma-separated; default superhero1,superhero2).
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

	alice, err := be.NewClient()
	if err != nil {
		return err
	}
	defer func() { _ = alice.Close() }()
	bob, err := be.NewClient()
	if err != nil {
		return err
	}
	defer func() { _ = bob.Close() }()

	// Bob answers every message and marks it read; Alice waits for the answers.
	received := make(chan *cometchat.TextMessage, 10)
	reads := make(chan *cometchat.MessageReceipt, 10)
	typing := make(chan *cometchat.TypingIndicator, 10)
	bob.AddMessageListener("bob", cometchat.MessageListener{
		OnTypingStarted: func(t *cometchat.TypingIndicator) { typing <- t },
		OnTextMessageReceived: func(m *cometchat.TextMessage) {
			if err := bob.MarkAsRead(ctx, m); err != nil {
				log.Printf("mark as read: %v", err)
			}
			reply := cometchat.NewTextMessage(m.Sender.UID, cometchat.ReceiverTypeUser, "got it: "+m.Text)
			if _, err := bob.SendMessage(ctx, reply); err != nil {
				log.Printf("reply: %v", err)
			}
		},
	})
	alice.AddMessageListener("alice", cometchat.MessageListener{
		OnTextMessageReceived: func(m *cometchat.TextMessage) { received <- m },
		OnMessagesRead:        func(r *cometchat.MessageReceipt) { reads <- r },
	})

	a, err := alice.Login(ctx, uids[0], be.AuthKey)
	if err != nil {
		return fmt.Errorf("login %s: %w", uids[0], err)
	}
	b, err := bob.Login(ctx, uids[1], be.AuthKey)
	if err != nil {
		return fmt.Errorf("login %s: %w", uids[1], err)
	}
	for _, c := range []*cometchat.Client{alice, bob} {
		if err := c.WaitConnected(ctx); err != nil {
			return err
		}
	}
	fmt.Printf("logged in: %s (%s) and %s (%s)\n", a.Name, a.UID, b.Name, b.UID)

	if err := alice.StartTyping(ctx, cometchat.NewTypingIndicator(b.UID, cometchat.ReceiverTypeUser)); err != nil {
		return err
	}
	select {
	case t := <-typing:
		fmt.Printf("  %s is typing...\n", t.Sender.Name)
	case <-ctx.Done():
		return fmt.Errorf("typing indicator: %w", ctx.Err())
	}
	_ = alice.EndTyping(ctx, cometchat.NewTypingIndicator(b.UID, cometchat.ReceiverTypeUser))

	for _, text := range []string{"Hello from Go!", "How are you?", "Bye for now."} {
		sent, err := alice.SendMessage(ctx, cometchat.NewTextMessage(b.UID, cometchat.ReceiverTypeUser, text))
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
	for _, c := range []*cometchat.Client{alice, bob} {
		if err := c.Logout(ctx); err != nil {
			return err
		}
	}
	fmt.Println("done: both users logged out")
	return nil
}
