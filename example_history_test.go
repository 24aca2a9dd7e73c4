package cometchat_test

import (
	"fmt"
	"log"

	"github.com/gocometchat/cometchat"
)

// A group's history holds action messages besides what users sent: here
// the "joined" of the member who joined. SetCategories(CategoryMessage)
// leaves them out.
func ExampleMessagesRequestBuilder_SetCategories() {
	srv, ctx, done := exampleServer()
	defer done()
	owner := exampleClient(ctx, srv, "superhero1")
	defer owner.Close()
	guest := exampleClient(ctx, srv, "superhero2")
	defer guest.Close()
	if _, err := owner.CreateGroup(ctx, cometchat.NewGroup("book-club", "Book club", cometchat.GroupTypePublic, "")); err != nil {
		log.Fatal(err)
	}
	if _, err := guest.JoinGroup(ctx, "book-club", cometchat.GroupTypePublic, ""); err != nil {
		log.Fatal(err)
	}
	if _, err := guest.SendMessage(ctx, cometchat.NewTextMessage("book-club", cometchat.ReceiverTypeGroup, "hello, readers")); err != nil {
		log.Fatal(err)
	}

	show := func(b *cometchat.MessagesRequestBuilder) {
		req, err := b.SetGUID("book-club").SetLimit(10).Build()
		if err != nil {
			log.Fatal(err)
		}
		page, err := req.FetchPrevious(ctx)
		if err != nil {
			log.Fatal(err)
		}
		for _, m := range page {
			switch v := m.(type) {
			case *cometchat.Action:
				fmt.Printf("  %s action %q: %s\n", v.Category, v.Action, v.Message)
			case *cometchat.TextMessage:
				fmt.Printf("  %s %s from %s: %s\n", v.Category, v.Type, v.Sender.Name, v.Text)
			}
		}
	}
	fmt.Println("by default, every category:")
	show(owner.NewMessagesRequestBuilder())
	fmt.Println("SetCategories(CategoryMessage):")
	show(owner.NewMessagesRequestBuilder().SetCategories(cometchat.CategoryMessage))
	// Output:
	// by default, every category:
	//   action action "joined": Captain America joined
	//   message text from Captain America: hello, readers
	// SetCategories(CategoryMessage):
	//   message text from Captain America: hello, readers
}

// With neither SetUID nor SetGUID, a history request fetches the logged-in
// user's messages of every conversation: one-to-one and groups.
func ExampleClient_NewMessagesRequestBuilder() {
	srv, ctx, done := exampleServer()
	defer done()
	me := exampleClient(ctx, srv, "superhero1")
	defer me.Close()
	peer := exampleClient(ctx, srv, "superhero2")
	defer peer.Close()
	for _, m := range []*cometchat.TextMessage{
		cometchat.NewTextMessage("superhero2", cometchat.ReceiverTypeUser, "hello"),
		cometchat.NewTextMessage("supergroup", cometchat.ReceiverTypeGroup, "hello, group"),
	} {
		if _, err := me.SendMessage(ctx, m); err != nil {
			log.Fatal(err)
		}
	}
	if _, err := peer.SendMessage(ctx, cometchat.NewTextMessage("superhero1", cometchat.ReceiverTypeUser, "hello back")); err != nil {
		log.Fatal(err)
	}

	req, err := me.NewMessagesRequestBuilder().SetLimit(10).Build()
	if err != nil {
		log.Fatal(err)
	}
	page, err := req.FetchPrevious(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range page {
		t := m.(*cometchat.TextMessage)
		fmt.Printf("%s -> %s %s: %s\n", t.Sender.UID, t.ReceiverType, t.ReceiverID, t.Text)
	}
	// Output:
	// superhero1 -> user superhero2: hello
	// superhero1 -> group supergroup: hello, group
	// superhero2 -> user superhero1: hello back
}
