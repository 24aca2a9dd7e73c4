// Command callbot shows call signalling from a bot: the bot accepts an
// incoming call, and while it is in that call a second caller is answered
// "busy" by the SDK itself; then the bot hangs up. Audio and video media are
// out of scope for this SDK: only the signalling is shown.
//
// It plays the scene with three users (the bot, a caller and a second
// caller), prints it and exits 0. With no environment it runs against a fake
// CometChat server started in this process (package cometchattest):
//
//	go run ./examples/callbot
//
// Against CometChat itself, set your app's id, region and auth key and,
// optionally, the UIDs of the bot and the two callers (default
// superhero5,superhero1,superhero2):
//
//	COMETCHAT_APP_ID=... COMETCHAT_REGION=us COMETCHAT_AUTH_KEY=... \
//	COMETCHAT_UIDS=bot-uid,caller-uid,second-uid go run ./examples/callbot
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

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	be, err := cometchattest.StartOrEnv()
	if err != nil {
		return err
	}
	defer func() { _ = be.Close() }()
	fmt.Fprintln(os.Stderr, "# talking to", be)
	uids, err := be.UIDs("superhero5", "superhero1", "superhero2")
	if err != nil {
		return err
	}
	// Each user plays a role; the story names them by it.
	roles := []string{"bot", "caller", "second caller"}
	role := map[string]string{}
	clients := make([]*cometchat.Client, len(uids))
	var cast []string
	for i, uid := range uids {
		c, err := be.NewClient()
		if err != nil {
			return err
		}
		defer func() { _ = c.Close() }()
		u, err := c.Login(ctx, uid, be.AuthKey)
		if err != nil {
			return fmt.Errorf("login %s: %w", uid, err)
		}
		if err := c.WaitConnected(ctx); err != nil {
			return err
		}
		clients[i], role[u.UID] = c, roles[i]
		cast = append(cast, fmt.Sprintf("%s (%s, %s)", roles[i], u.UID, u.Name))
	}
	fmt.Println("cast:", strings.Join(cast, ", "))
	bot, caller, second := clients[0], clients[1], clients[2]
	botUID := uids[0]

	// The bot accepts every call. Busy answers need no code: the SDK sends
	// them while a call is active.
	inCall := make(chan *cometchat.Call, 1)
	bot.AddCallListener("bot", cometchat.CallListener{
		OnIncomingCallReceived: func(call *cometchat.Call) {
			fmt.Printf("bot: the %s is calling (%s); accepting\n", role[call.CallInitiator.UID], call.CallType)
			accepted, err := bot.AcceptCall(ctx, call.SessionID)
			if err != nil {
				log.Printf("bot: accept: %v", err)
				return
			}
			inCall <- accepted
		},
	})

	callerEvents := make(chan string, 4)
	caller.AddCallListener("caller", cometchat.CallListener{
		OnOutgoingCallAccepted:     func(*cometchat.Call) { callerEvents <- "accepted" },
		OnCallEndedMessageReceived: func(*cometchat.Call) { callerEvents <- "ended" },
	})
	secondEvents := make(chan *cometchat.Call, 2)
	second.AddCallListener("second caller", cometchat.CallListener{OnOutgoingCallRejected: func(c *cometchat.Call) { secondEvents <- c }})

	fmt.Println("caller: calling the bot (video)")
	if _, err := caller.InitiateCall(ctx, cometchat.NewCall(botUID, cometchat.CallTypeVideo, cometchat.ReceiverTypeUser)); err != nil {
		return err
	}
	if err := expect(ctx, callerEvents, "accepted"); err != nil {
		return err
	}
	fmt.Println("caller: the bot picked up")
	var call *cometchat.Call
	select {
	case call = <-inCall: // the bot's AcceptCall has returned: it is in the call
	case <-ctx.Done():
		return fmt.Errorf("waiting for the bot to accept: %w", ctx.Err())
	}

	fmt.Println("second caller: calling the bot too (audio)")
	if _, err := second.InitiateCall(ctx, cometchat.NewCall(botUID, cometchat.CallTypeAudio, cometchat.ReceiverTypeUser)); err != nil {
		return err
	}
	select {
	case c := <-secondEvents:
		fmt.Printf("second caller: the bot answered %q\n", c.Status)
	case <-ctx.Done():
		return fmt.Errorf("the second caller got no answer: %w", ctx.Err())
	}

	fmt.Println("bot: hanging up")
	if _, err := bot.EndCall(ctx, call.SessionID); err != nil {
		return fmt.Errorf("bot: end: %w", err)
	}
	if err := expect(ctx, callerEvents, "ended"); err != nil {
		return err
	}
	fmt.Println("caller: the call ended")
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
