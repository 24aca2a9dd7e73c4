// Command moderator shows group moderation from a bot: it owns a group,
// promotes a trusted member to moderator, and when someone posts a forbidden
// word it deletes the message and kicks the author; a repeat offender who
// comes back is banned.
//
//	go run ./examples/moderator
//
// The scene runs against the bundled fake server (or CometChat itself, see
// examples/internal/backend) and exits 0. CometChat enforces the privileges:
// the example also shows a participant failing to kick the owner.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/examples/internal/backend"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

const forbidden = "spam"

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	be, err := backend.Connect()
	if err != nil {
		return err
	}
	defer be.Close()
	uids, err := backend.UIDs("superhero1", "superhero2", "superhero3")
	if err != nil {
		return err
	}
	clients := map[string]*cometchat.Client{}
	for _, uid := range uids {
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
		clients[uid] = c
	}
	mod, trusted, spammer := clients[uids[0]], clients[uids[1]], clients[uids[2]]
	guid := fmt.Sprintf("lounge-%d", time.Now().UnixNano()%1_000_000)

	offences := map[string]int{}
	done := make(chan string, 4)
	mod.AddMessageListener("moderation", cometchat.MessageListener{
		OnTextMessageReceived: func(m *cometchat.TextMessage) {
			if m.ReceiverID != guid || !strings.Contains(strings.ToLower(m.Text), forbidden) {
				return
			}
			if _, err := mod.DeleteMessage(ctx, m.ID); err != nil {
				log.Printf("delete: %v", err)
			}
			offences[m.Sender.UID]++
			action := "kicked"
			var err error
			if offences[m.Sender.UID] > 1 {
				action = "banned"
				err = mod.BanGroupMember(ctx, guid, m.Sender.UID)
			} else {
				err = mod.KickGroupMember(ctx, guid, m.Sender.UID)
			}
			if err != nil {
				log.Printf("%s: %v", action, err)
			}
			done <- fmt.Sprintf("moderator: deleted %q and %s %s", m.Text, action, m.Sender.Name)
		},
	})

	if _, err := mod.CreateGroup(ctx, cometchat.NewGroup(guid, "Lounge", cometchat.GroupTypePublic, "")); err != nil {
		return err
	}
	fmt.Println("moderator: created", guid)
	for _, c := range []*cometchat.Client{trusted, spammer} {
		if _, err := c.JoinGroup(ctx, guid, cometchat.GroupTypePublic, ""); err != nil {
			return err
		}
	}
	if err := mod.UpdateGroupMemberScope(ctx, guid, uids[1], cometchat.GroupMemberScopeModerator); err != nil {
		return err
	}
	fmt.Println("moderator: promoted", uids[1], "to moderator")

	err = spammer.KickGroupMember(ctx, guid, uids[0])
	var ce *cometchat.Error
	if !errors.As(err, &ce) {
		return fmt.Errorf("a participant kicking the owner should fail, got %v", err)
	}
	fmt.Println(uids[2]+": tried to kick the owner:", ce.Code)

	post := func(text string) error {
		if _, err := spammer.SendMessage(ctx, cometchat.NewTextMessage(guid, cometchat.ReceiverTypeGroup, text)); err != nil {
			return err
		}
		select {
		case s := <-done:
			fmt.Println(s)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err := post("buy cheap spam now"); err != nil {
		return err
	}
	if _, err := spammer.JoinGroup(ctx, guid, cometchat.GroupTypePublic, ""); err != nil {
		return err
	}
	fmt.Println(uids[2] + ": rejoined")
	if err := post("SPAM again"); err != nil {
		return err
	}
	_, err = spammer.JoinGroup(ctx, guid, cometchat.GroupTypePublic, "")
	if !errors.As(err, &ce) {
		return fmt.Errorf("a banned user should not rejoin, got %v", err)
	}
	fmt.Println(uids[2]+": cannot rejoin:", ce.Code)
	return mod.DeleteGroup(ctx, guid)
}
