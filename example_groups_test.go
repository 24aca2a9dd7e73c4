package cometchat_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

// exampleClient logs uid in (REST only) against srv.
func exampleClient(ctx context.Context, srv *cometchattest.Server, uid string) *cometchat.Client {
	settings := srv.AppSettings()
	settings.ManualSocketConnection = true
	c, err := cometchat.New(srv.AppID(), settings, srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.Login(ctx, uid, srv.AuthKey()); err != nil {
		log.Fatal(err)
	}
	return c
}

// A password group: create it, let someone join with the password, and list
// its members.
func ExampleClient_JoinGroup() {
	srv, ctx, done := exampleServer()
	defer done()
	owner := exampleClient(ctx, srv, "superhero1")
	defer owner.Close()
	guest := exampleClient(ctx, srv, "superhero2")
	defer guest.Close()

	g, err := owner.CreateGroup(ctx, cometchat.NewGroup("book-club", "Book club", cometchat.GroupTypePassword, "moby"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("created:", g.GUID, g.Scope, g.MembersCount)

	_, err = guest.JoinGroup(ctx, "book-club", cometchat.GroupTypePassword, "dick")
	fmt.Println("wrong password:", errors.Is(err, cometchat.CodeWrongGroupPassword))
	g, err = guest.JoinGroup(ctx, "book-club", cometchat.GroupTypePassword, "moby")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("joined:", g.HasJoined, g.Scope, g.MembersCount)

	req, err := owner.NewGroupMembersRequestBuilder("book-club").SetLimit(10).Build()
	if err != nil {
		log.Fatal(err)
	}
	for m, err := range req.All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("member:", m.UID, m.Scope)
	}
	// Output:
	// created: book-club admin 1
	// wrong password: true
	// joined: true participant 2
	// member: superhero1 admin
	// member: superhero2 participant
}

// Users, two per page, sorted by name; All pages through them.
func ExampleUsersRequest_All() {
	srv, ctx, done := exampleServer()
	defer done()
	c := exampleClient(ctx, srv, "superhero1")
	defer c.Close()

	req, err := c.NewUsersRequestBuilder().SetLimit(2).SortBy(cometchat.UserSortByName).Build()
	if err != nil {
		log.Fatal(err)
	}
	for u, err := range req.All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(u.UID, u.Name)
	}
	// Output:
	// superhero2 Captain America
	// superhero5 Cyclops
	// superhero1 Iron Man
	// superhero3 Spiderman
	// superhero4 Wolverine
}

// Validation happens before any request: a builder without a limit fails.
func ExampleGroupsRequestBuilder_Build() {
	c, err := cometchat.New("my-app", cometchat.AppSettings{})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	_, err = c.NewGroupsRequestBuilder().Build()
	fmt.Println(errors.Is(err, cometchat.CodeSetLimitIsCompulsory))
	// Output: true
}
