// Command provision shows what a backend does for the bots it runs: with the
// REST API key (package admin) it provisions a bot user and the auth token
// the bot logs in with, then runs the bot with the Go SDK (it answers every
// text with its echo), and reads the conversation back through the REST API.
//
//	go run ./examples/provision
//
// With no environment it starts the bundled fake CometChat server in this
// process. With COMETCHAT_APP_ID, COMETCHAT_REGION and COMETCHAT_REST_API_KEY
// set it provisions the bot in that CometChat app (the user is kept; it is
// reused on the next run); the customer writing to it is the first UID of
// COMETCHAT_UIDS (default superhero1), which must exist.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/admin"
	"github.com/gocometchat/cometchat/cometchattest"
)

const botUID = "echo-bot"

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// backend is where the admin client and the bot connect.
type backend struct {
	admin    *admin.Client
	appID    string
	settings cometchat.AppSettings
	options  []cometchat.Option
	customer string
	close    func()
}

func connect() (*backend, error) {
	appID, region, key := os.Getenv("COMETCHAT_APP_ID"), os.Getenv("COMETCHAT_REGION"), os.Getenv("COMETCHAT_REST_API_KEY")
	customer := "superhero1"
	if uids := os.Getenv("COMETCHAT_UIDS"); uids != "" {
		customer = strings.TrimSpace(strings.Split(uids, ",")[0])
	}
	if appID != "" && region != "" && key != "" {
		fmt.Fprintln(os.Stderr, "# talking to CometChat, app", appID, "region", region)
		c, err := admin.New(appID, region, key)
		if err != nil {
			return nil, err
		}
		return &backend{admin: c, appID: appID, settings: cometchat.AppSettings{Region: cometchat.Region(region)},
			customer: customer, close: c.CloseIdleConnections}, nil
	}
	srv, err := cometchattest.Start()
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(os.Stderr, "# talking to the bundled fake server at", srv.Addr())
	c, err := admin.New(srv.AppID(), srv.Region(), srv.APIKey(), admin.WithBaseURL(srv.RESTBaseURL()),
		admin.WithRootCAs(srv.CertPool()))
	if err != nil {
		_ = srv.Close()
		return nil, err
	}
	return &backend{admin: c, appID: srv.AppID(), settings: srv.AppSettings(), options: srv.ClientOptions(),
		customer: customer, close: func() { c.CloseIdleConnections(); _ = srv.Close() }}, nil
}

// provision makes sure the bot user exists and returns an auth token for it.
func provision(ctx context.Context, c *admin.Client) (string, error) {
	_, err := c.CreateUser(ctx, admin.UserInput{UID: botUID, Name: "Echo bot", Tags: []string{"bot"},
		Metadata: []byte(`{"purpose":"examples/provision"}`)})
	switch {
	case errors.Is(err, cometchat.CodeUIDAlreadyExists):
		fmt.Println("bot", botUID, "exists already")
	case err != nil:
		return "", fmt.Errorf("create the bot: %w", err)
	default:
		fmt.Println("created the bot user", botUID)
	}
	tok, err := c.CreateAuthToken(ctx, botUID, false)
	if err != nil {
		return "", fmt.Errorf("auth token: %w", err)
	}
	fmt.Println("issued an auth token for", botUID)
	return tok.AuthToken, nil
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	be, err := connect()
	if err != nil {
		return err
	}
	defer be.close()

	token, err := provision(ctx, be.admin)
	if err != nil {
		return err
	}

	// The bot: logs in with its token and answers every text with its echo.
	bot, err := cometchat.New(be.appID, be.settings, be.options...)
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
	if _, err := bot.LoginWithAuthToken(ctx, token); err != nil {
		return fmt.Errorf("bot login: %w", err)
	}
	if err := bot.WaitConnected(ctx); err != nil {
		return err
	}
	fmt.Println(botUID, "is online")

	// A customer writes to the bot (sent by the backend on the customer's
	// behalf, as a support form would).
	text := "hello, bot"
	if _, err := be.admin.SendMessage(ctx, admin.MessageInput{Receiver: botUID, ReceiverType: admin.ReceiverUser, Text: text},
		admin.OnBehalfOf(be.customer)); err != nil {
		return fmt.Errorf("customer message: %w", err)
	}
	select {
	case <-replied:
	case <-ctx.Done():
		return fmt.Errorf("the bot did not answer: %w", ctx.Err())
	}

	// The conversation, as the backend reads it.
	var lines []string
	for m, err := range be.admin.UserMessages(ctx, botUID, admin.MessagesQuery{Categories: []string{"message"}},
		admin.OnBehalfOf(be.customer)) {
		if err != nil {
			return fmt.Errorf("history: %w", err)
		}
		lines = append(lines, fmt.Sprintf("%s -> %s: %s", m.Sender, m.Receiver, m.Text()))
	}
	for _, l := range lines[max(0, len(lines)-2):] {
		fmt.Println(l)
	}
	if err := bot.Logout(ctx); err != nil {
		return err
	}
	return nil
}
