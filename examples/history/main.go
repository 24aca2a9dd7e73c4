// Command history exports a conversation to JSON lines, oldest first: one
// object per message with its id, time, sender, kind and text. It pages
// through the history with an iterator and exits 0. The export holds every
// category: the messages, and the actions (here "Message Deleted") that
// SetCategories(cometchat.CategoryMessage) would leave out.
//
// With no environment it starts a fake CometChat server in this process
// (package cometchattest), seeds a short conversation between superhero1
// and superhero2 and exports it:
//
//	go run ./examples/history                 # to stdout
//	go run ./examples/history -o chat.jsonl   # to a file
//
// Against CometChat itself, set your app's id, region and auth key; it logs
// in as the first user of COMETCHAT_UIDS and exports their conversation with
// the second (default superhero1,superhero2), seeding nothing:
//
//	COMETCHAT_APP_ID=... COMETCHAT_REGION=us COMETCHAT_AUTH_KEY=... \
//	COMETCHAT_UIDS=your-uid,their-uid go run ./examples/history
//
// This file is a program of its own: copy it into a new module and
// "go mod tidy" fetches what it needs.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

// line is one exported message.
type line struct {
	ID       int64  `json:"id"`
	SentAt   string `json:"sentAt"`
	From     string `json:"from"`
	Category string `json:"category"`
	Type     string `json:"type"`
	Text     string `json:"text,omitempty"`
	Deleted  bool   `json:"deleted,omitempty"`
}

func main() {
	out := flag.String("o", "", "write to this file instead of stdout")
	flag.Parse()
	if err := run(*out); err != nil {
		log.Fatal(err)
	}
}

func run(path string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
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
	me, err := be.NewClient()
	if err != nil {
		return err
	}
	defer func() { _ = me.Close() }()
	if _, err := me.Login(ctx, uids[0], be.AuthKey); err != nil {
		return fmt.Errorf("login %s: %w", uids[0], err)
	}
	if be.Fake != nil {
		if err := seed(ctx, me, be, uids); err != nil {
			return err
		}
	}

	var w io.Writer = os.Stdout
	if path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		w = f
	}
	enc := json.NewEncoder(w)
	// Forward from the beginning of time: oldest first.
	req, err := me.NewMessagesRequestBuilder().SetUID(uids[1]).SetTimestamp(1).SetLimit(50).Build()
	if err != nil {
		return err
	}
	n := 0
	for m, err := range req.All(ctx) {
		if err != nil {
			return err
		}
		b := m.Base()
		l := line{ID: b.ID, SentAt: time.Unix(b.SentAt, 0).UTC().Format(time.RFC3339), Category: string(b.Category),
			Type: string(b.Type), Deleted: b.DeletedAt > 0}
		if b.Sender != nil {
			l.From = b.Sender.UID
		}
		switch v := m.(type) {
		case *cometchat.TextMessage:
			l.Text = v.Text
		case *cometchat.MediaMessage:
			if a := v.Attachment(); a != nil {
				l.Text = a.Name
			}
		case *cometchat.Action:
			l.Text = v.Message
		}
		if err := enc.Encode(l); err != nil {
			return err
		}
		n++
	}
	_, _ = fmt.Fprintf(os.Stderr, "# exported %d messages\n", n)
	return nil
}

// seed has the two users talk on the fake server; the last message is sent
// to the wrong chat and deleted.
func seed(ctx context.Context, me *cometchat.Client, be *cometchattest.Backend, uids []string) error {
	peer, err := be.NewClient()
	if err != nil {
		return err
	}
	defer func() { _ = peer.Close() }()
	if _, err := peer.Login(ctx, uids[1], be.AuthKey); err != nil {
		return fmt.Errorf("login %s: %w", uids[1], err)
	}
	for i, text := range []string{"Morning!", "Morning. Coffee?", "On my way", "oops, wrong chat"} {
		from, to := me, uids[1]
		if i%2 == 1 {
			from, to = peer, uids[0]
		}
		m, err := from.SendMessage(ctx, cometchat.NewTextMessage(to, cometchat.ReceiverTypeUser, text))
		if err != nil {
			return err
		}
		if text == "oops, wrong chat" {
			if _, err := from.DeleteMessage(ctx, m.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
