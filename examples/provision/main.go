// Command provision shows what a backend does for the bots it runs: with the
// REST API key (package admin) it provisions a bot user and the auth token
// the bot logs in with, then runs the bot with the Go SDK (it answers every
// text with its echo), sends it a customer's message and reads the
// conversation back through the REST API. It prints the story and exits 0.
//
// With no environment it starts a fake CometChat server in this process
// (package cometchattest), which serves the REST API too:
//
//	go run ./examples/provision
//
// Against CometChat itself, set your app's id, region and REST API key (the
// auth key is not needed) and, optionally, the customer's UID (the first of
// COMETCHAT_UIDS, default superhero1), a user that must exist. The bot user,
// echo-bot, is created on the first run and reused on the next ones.
//
//	COMETCHAT_APP_ID=... COMETCHAT_REGION=us COMETCHAT_REST_API_KEY=... \
//	COMETCHAT_UIDS=customer-uid go run ./examples/provision
//
// This file is a program of its own: copy it into a new module and
// "go mod tidy" fetches what it needs.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/admin"
	"github.com/gocometchat/cometchat/cometchattest"
)

const (
	botUID  = "echo-bot"
	botName = "Echo bot"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// adminClient is the backend's REST API client of be's app.
func adminClient(be *cometchattest.Backend) (*admin.Client, error) {
	if be.APIKey == "" {
		return nil, errors.New("set COMETCHAT_REST_API_KEY: the backend needs the REST API key")
	}
	var opts []admin.Option
	if be.Fake != nil { // the fake server's address and certificate
		opts = append(opts, admin.WithBaseURL(be.Fake.RESTBaseURL()), admin.WithRootCAs(be.Fake.CertPool()))
	}
	return admin.New(be.AppID, be.Region, be.APIKey, opts...)
}

// provision makes sure the bot user exists and returns an auth token for it.
func provision(ctx context.Context, c *admin.Client) (string, error) {
	_, err := c.CreateUser(ctx, admin.UserInput{UID: botUID, Name: botName, Tags: []string{"bot"},
		Metadata: []byte(`{"purpose":"examples/provision"}`)})
	switch {
	case errors.Is(err, cometchat.CodeUIDAlreadyExists):
		fmt.Printf("backend: the bot user %s exists already\n", botUID)
	case err != nil:
		return "", fmt.Errorf("create the bot: %w", err)
	default:
		fmt.Printf("backend: created the bot user %s (%s)\n", botUID, botName)
	}
	tok, err := c.CreateAuthToken(ctx, botUID, false)
	if err != nil {
		return "", fmt.Errorf("auth token: %w", err)
	}
	fmt.Println("backend: issued an auth token for the bot")
	return tok.AuthToken, nil
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
	uids, err := be.UIDs("superhero1")
	if err != nil {
		return err
	}
	customer := uids[0]
	ac, err := adminClient(be)
	if err != nil {
		return err
	}
	defer ac.CloseIdleConnections()

	token, err := provision(ctx, ac)
	if err != nil {
		return err
	}

	// The bot: logs in with its token and answers every text with its echo.
	bot, err := be.NewClient()
	if err != nil {
		return err
	}
	defer func() { _ = bot.Close() }()
	replied := make(chan string, 4)
	bot.AddMessageListener("echo", cometchat.MessageListener{
		OnTextMessageReceived: func(m *cometchat.TextMessage) {
			echo := "echo: " + m.Text
			if _, err := bot.SendMessage(ctx, cometchat.NewTextMessage(m.Sender.UID, cometchat.ReceiverTypeUser, echo)); err != nil {
				log.Printf("answer: %v", err)
				return
			}
			replied <- echo
		},
	})
	u, err := bot.LoginWithAuthToken(ctx, token)
	if err != nil {
		return fmt.Errorf("bot login: %w", err)
	}
	if err := bot.WaitConnected(ctx); err != nil {
		return err
	}
	fmt.Printf("bot (%s, %s): online with its token\n", u.UID, u.Name)

	// A customer writes to the bot (sent by the backend on the customer's
	// behalf, as a support form would).
	text := "hello, bot"
	fmt.Printf("backend: sends %q to the bot on behalf of the customer (%s)\n", text, customer)
	if _, err := ac.SendMessage(ctx, admin.MessageInput{Receiver: botUID, ReceiverType: admin.ReceiverUser, Text: text},
		admin.OnBehalfOf(customer)); err != nil {
		return fmt.Errorf("customer message: %w", err)
	}
	select {
	case echo := <-replied:
		fmt.Printf("bot: answered %q\n", echo)
	case <-ctx.Done():
		return fmt.Errorf("the bot did not answer: %w", ctx.Err())
	}

	// The conversation, as the backend reads it.
	var lines []string
	for m, err := range ac.UserMessages(ctx, botUID, admin.MessagesQuery{Categories: []string{"message"}},
		admin.OnBehalfOf(customer)) {
		if err != nil {
			return fmt.Errorf("history: %w", err)
		}
		lines = append(lines, fmt.Sprintf("  %s -> %s: %s", m.Sender, m.Receiver, m.Text()))
	}
	fmt.Println("backend: the conversation's last messages, read through the REST API:")
	for _, l := range lines[max(0, len(lines)-2):] {
		fmt.Println(l)
	}
	if err := bot.Logout(ctx); err != nil {
		return err
	}
	fmt.Println("bot: logged out")
	return nil
}
