// Command callbot shows call signalling from a bot: it accepts an incoming
// call, ends it after a moment, and — while it is in a call — a second caller
// is answered "busy" by the SDK itself.
//
//	go run ./examples/callbot
//
// It plays the scene against the bundled fake server (or CometChat itself,
// see examples/internal/backend) and exits 0. Audio and video media are out of
// scope for this SDK: only the signalling is shown.
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
	uids, err := backend.UIDs("superhero5", "superhero1", "superhero2")
	if err != nil {
		return err
	}
	botUID := uids[0]

	clients := make([]*cometchat.Client, 3)
	for i, uid := range uids {
		c, err := be.NewClient()
		if err != nil {
			return err
		}
		defer func() { _ = c.Close() }()
		if _, err := c.Login(ctx, uid, be.AuthKey); err != nil {
			return fmt.Errorf("login %s: %w", uid, err)
		}
		if err := c.WaitConnected(ctx); err != nil {
			return err
		}
		clients[i] = c
	}
	bot, alice, bob := clients[0], clients[1], clients[2]

	// The bot: accept every call, hang up after a moment. Busy answers need
	// no code: the SDK sends them while a call is active.
	hungUp := make(chan error, 1) // the bot's EndCall returned
	bot.AddCallListener("bot", cometchat.CallListener{
		OnIncomingCallReceived: func(call *cometchat.Call) {
			fmt.Printf("bot: %s is calling (%s), accepting\n", call.CallInitiator.Name, call.CallType)
			if _, err := bot.AcceptCall(ctx, call.SessionID); err != nil {
				log.Printf("bot: accept: %v", err)
				return
			}
			time.AfterFunc(500*time.Millisecond, func() {
				fmt.Println("bot: hanging up")
				_, err := bot.EndCall(ctx, call.SessionID)
				hungUp <- err
			})
		},
	})

	aliceEvents := make(chan string, 4)
	alice.AddCallListener("alice", cometchat.CallListener{
		OnOutgoingCallAccepted:     func(*cometchat.Call) { aliceEvents <- "accepted" },
		OnCallEndedMessageReceived: func(*cometchat.Call) { aliceEvents <- "ended" },
	})
	bobEvents := make(chan *cometchat.Call, 2)
	bob.AddCallListener("bob", cometchat.CallListener{OnOutgoingCallRejected: func(c *cometchat.Call) { bobEvents <- c }})

	if _, err := alice.InitiateCall(ctx, cometchat.NewCall(botUID, cometchat.CallTypeVideo, cometchat.ReceiverTypeUser)); err != nil {
		return err
	}
	fmt.Println("alice: calling the bot")
	if err := expect(ctx, aliceEvents, "accepted"); err != nil {
		return err
	}
	fmt.Println("alice: the bot picked up")

	fmt.Println("bob: calling the bot too")
	if _, err := bob.InitiateCall(ctx, cometchat.NewCall(botUID, cometchat.CallTypeAudio, cometchat.ReceiverTypeUser)); err != nil {
		return err
	}
	select {
	case c := <-bobEvents:
		fmt.Printf("bob: the bot answered %q\n", c.Status)
	case <-ctx.Done():
		return fmt.Errorf("bob got no answer: %w", ctx.Err())
	}
	if err := expect(ctx, aliceEvents, "ended"); err != nil {
		return err
	}
	fmt.Println("alice: the call ended")
	// Alice hears of the end over her socket, possibly before the bot's own
	// REST call has returned: wait for it before closing everything.
	select {
	case err := <-hungUp:
		if err != nil {
			return fmt.Errorf("bot: end: %w", err)
		}
	case <-ctx.Done():
		return fmt.Errorf("waiting for the bot to hang up: %w", ctx.Err())
	}
	fmt.Println("bot: call ended; scene over")
	return nil
}

func expect(ctx context.Context, ch <-chan string, want string) error {
	select {
	case got := <-ch:
		if got != want {
			return fmt.Errorf("expected %s, got %s", want, got)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for %s: %w", want, ctx.Err())
	}
}
