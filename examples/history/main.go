// Command history exports a conversation to JSON lines, oldest first: one
// object per message with its id, time, sender, kind and text.
//
//	go run ./examples/history                 # to stdout
//	go run ./examples/history -o chat.jsonl   # to a file
//
// Against the bundled fake server it first seeds a short conversation; against
// CometChat itself (see examples/internal/backend) it exports the
// conversation between the two users of COMETCHAT_UIDS. It pages through the
// history with an iterator and exits 0.
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
	"github.com/gocometchat/cometchat/examples/internal/backend"
)

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
	be, err := backend.Connect()
	if err != nil {
		return err
	}
	defer be.Close()
	uids, err := backend.UIDs("superhero1", "superhero2")
	if err != nil {
		return err
	}
	me, err := be.NewClient()
	if err != nil {
		return err
	}
	defer func() { _ = me.Close() }()
	if _, err := me.Login(ctx, uids[0], be.AuthKey); err != nil {
		return err
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

func seed(ctx context.Context, me *cometchat.Client, be *backend.Backend, uids []string) error {
	peer, err := be.NewClient()
	if err != nil {
		return err
	}
	defer func() { _ = peer.Close() }()
	if _, err := peer.Login(ctx, uids[1], be.AuthKey); err != nil {
		return err
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
