package cometchat_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

// Count who is online, in the whole app and per group.
func ExampleClient_OnlineGroupMemberCount() {
	srv, ctx, done := exampleServer()
	defer done()
	alice := exampleLogin(ctx, srv, "superhero1")
	defer func() { _ = alice.Close() }()
	bob := exampleLogin(ctx, srv, "superhero2")
	defer func() { _ = bob.Close() }()

	online, err := alice.OnlineUserCount(ctx)
	if err != nil {
		log.Fatal(err)
	}
	perGroup, err := alice.OnlineGroupMemberCount(ctx, "supergroup")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(online, perGroup["supergroup"])
	// Output: 2 2
}

// Check the app's extensions and feature flags, and register a push token.
func ExampleClient_IsExtensionEnabled() {
	srv, ctx, done := exampleServer(cometchattest.Config{
		Extensions: []cometchattest.Extension{{ID: "polls", Name: "Polls"}},
		Features:   map[string]bool{"moderation": true},
	})
	defer done()
	c := exampleLogin(ctx, srv, "superhero1")
	defer func() { _ = c.Close() }()

	polls, _ := c.IsExtensionEnabled(ctx, "polls")
	stickers, _ := c.IsExtensionEnabled(ctx, "stickers")
	moderation, _ := c.IsFeatureEnabled(ctx, "moderation")
	fmt.Println(polls, stickers, moderation)

	_, err := c.ExtensionDetails(ctx, "stickers")
	fmt.Println(errors.Is(err, cometchat.CodeExtensionNotFound))

	if err := c.RegisterPushToken(ctx, "fcm-device-token", nil); err != nil {
		log.Fatal(err)
	}
	fmt.Println(srv.PushTokens("superhero1")[0].Token)
	// Output:
	// true false true
	// true
	// fcm-device-token
}
