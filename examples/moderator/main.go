// Command moderator shows group moderation from a bot: the moderator creates
// a group (so it owns it), promotes a helper to moderator, and when
// someone posts a forbidden word it deletes the message and kicks the
// author; a repeat offender who comes back is banned. CometChat enforces the
// privileges: the spammer's attempt to kick the owner fails.
//
// It plays the scene with three users, prints it and exits 0. With no
// environment it runs against a fake CometChat server started in this
// process (package cometchattest):
//
//	go run ./examples/moderator
//
// Against CometChat itself, set your app's id, region and auth key and,
// optionally, the UIDs of the moderator, the helper and the spammer
// (default superhero1,superhero2,superhero3). The group it creates is
// deleted at the end.
//
//	COMETCHAT_APP_ID=... COMETCHAT_REGION=us COMETCHAT_AUTH_KEY=... \
//	COMETCHAT_UIDS=mod-uid,helper-uid,spammer-uid go run ./examples/moderator
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

const forbidden = "spam"

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	be, err := cometchattest.StartOrEnv()
	if err != nil {
		return err
	}
	defer func() { _ = be.Close() }()
	fmt.Fprintln(os.Stderr, "# talking to", be)
	uids, err := be.UIDs("superhero1", "superhero2", "superhero3")
	if err != nil {
		return err
	}
	// Each user plays a role; the story names them by it.
	roles := []string{"moderator", "helper", "spammer"}
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
	mod, helper, spammer := clients[0], clients[1], clients[2]
	guid := fmt.Sprintf("lounge-%d", time.Now().UnixNano()%1_000_000)

	// The moderator's bot: delete what holds the forbidden word, kick its
	// author the first time, ban them the second.
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
			done <- fmt.Sprintf("moderator: deleted %q and %s the %s", m.Text, action, role[m.Sender.UID])
		},
	})

	if _, err := mod.CreateGroup(ctx, cometchat.NewGroup(guid, "Lounge", cometchat.GroupTypePublic, "")); err != nil {
		return err
	}
	fmt.Printf("moderator: created the group %s (Lounge) and owns it\n", guid)
	for i, c := range []*cometchat.Client{helper, spammer} {
		if _, err := c.JoinGroup(ctx, guid, cometchat.GroupTypePublic, ""); err != nil {
			return err
		}
		fmt.Printf("%s: joined\n", roles[i+1])
	}
	if err := mod.UpdateGroupMemberScope(ctx, guid, uids[1], cometchat.GroupMemberScopeModerator); err != nil {
		return err
	}
	fmt.Println("moderator: promoted the helper to moderator")

	err = spammer.KickGroupMember(ctx, guid, uids[0])
	var ce *cometchat.Error
	if !errors.As(err, &ce) {
		return fmt.Errorf("a participant kicking the owner should fail, got %v", err)
	}
	fmt.Printf("spammer: tried to kick the moderator, the owner: refused (%s)\n", string(ce.Code))

	post := func(text string) error {
		fmt.Printf("spammer: posts %q\n", text)
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
	fmt.Println("spammer: rejoined")
	if err := post("SPAM again"); err != nil {
		return err
	}
	_, err = spammer.JoinGroup(ctx, guid, cometchat.GroupTypePublic, "")
	if !errors.As(err, &ce) {
		return fmt.Errorf("a banned user should not rejoin, got %v", err)
	}
	fmt.Printf("spammer: cannot rejoin (%s)\n", string(ce.Code))
	if err := mod.DeleteGroup(ctx, guid); err != nil {
		return err
	}
	fmt.Println("moderator: deleted the group")
	return nil
}
