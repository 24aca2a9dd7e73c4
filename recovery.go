package cometchat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gocometchat/cometchat/internal/rest"
)

// LastDeliveredMessageID returns the resume position: the highest message id
// delivered to listeners (Cordova: getLastDeliveredMessageId). A message
// counts as delivered from the moment its listeners are called, so a listener
// that saves the position after handling its message saves that message as
// handled. Save it to resume tomorrow with SetLastDeliveredMessageID.
func (c *Client) LastDeliveredMessageID() int64 {
	pos, _ := c.resume.get()
	return pos
}

// SetLastDeliveredMessageID imports a resume position. After the next
// (re)connection, every message after it is fetched and delivered to the
// listeners, in order, before new ones.
func (c *Client) SetLastDeliveredMessageID(id int64) { c.resume.set(id) }

// recoverMissed runs on the connection goroutine after each authentication,
// before live frames are read: it pages every message after the resume
// position and queues them, so that they reach the listeners in order, before
// anything newer, and once.
func (c *Client) recoverMissed(ctx context.Context, gen int) {
	if c.o.recoveryMax == 0 {
		return
	}
	pos, anchored := c.resume.get()
	if !c.sock.isCurrent(gen) {
		return
	}
	if !anchored {
		return // anchorPosition could not run: nothing to resume from yet
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	// The gap ends at the newest message now: the server already pushes
	// anything newer to this authenticated socket, where the live stream
	// (which never echoes this session's own actions) delivers it. Chasing
	// newer messages here would race with the application's own requests.
	upper, err := c.newestMessageID(ctx)
	if err != nil {
		if ctx.Err() == nil {
			c.resyncRequired(&Error{Code: CodeResyncRecoveryFailed, Message: fmt.Sprintf("missed-message recovery after id %d failed", pos), Err: err})
		}
		return
	}
	if upper < pos {
		// The server forgot ids it gave out (a reset, a fresh server behind
		// the same host): its ids start again below ours, and new messages
		// would be dropped as already seen. Start again from its position.
		if c.sock.isCurrent(gen) {
			c.resume.restartAt(upper)
		}
		c.resyncRequired(errorf(CodeResyncServerBehind,
			"the server's newest message id %d is below the resume position %d: it was reset or replaced; resuming from its position, messages in between cannot be recovered", upper, pos))
		return
	}
	recovered := 0
	cursor := pos
	for cursor < upper {
		msgs, err := c.fetchAfter(ctx, cursor)
		if err != nil {
			if ctx.Err() == nil {
				c.resyncRequired(&Error{Code: CodeResyncRecoveryFailed, Message: fmt.Sprintf("missed-message recovery after id %d failed", cursor), Err: err})
			}
			return
		}
		if len(msgs) == 0 {
			return
		}
		for _, m := range msgs {
			id := m.Base().ID
			if id > cursor {
				cursor = id
			}
			if id > upper {
				continue // arrives live
			}
			if c.isOwnMUID(m.Base().MUID) {
				// Sent by this session (maybe while recovery ran, before the
				// send returned): the live stream would not echo it either.
				c.noteSeen(m.Base().ID)
				continue
			}
			c.queueMessage(ctx, m)
		}
		recovered += len(msgs)
		if recovered >= c.o.recoveryMax {
			c.resyncRequired(errorf(CodeResyncGapTooLarge, "more than %d messages were missed; recovered up to id %d", c.o.recoveryMax, cursor))
			return
		}
	}
}

// anchorPosition runs before each dial. A client with no resume position
// takes the newest message the user can see as its position before its first
// socket authenticates, so that whatever arrives after it is either received
// live or recovered after a reconnect.
func (c *Client) anchorPosition(ctx context.Context) {
	if c.o.recoveryMax == 0 {
		return
	}
	if _, anchored := c.resume.get(); anchored {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	newest, err := c.newestMessageID(ctx)
	if err != nil {
		if ctx.Err() == nil {
			c.resyncRequired(&Error{Code: CodeResyncRecoveryFailed, Message: "cannot read the newest message id, so messages missed before the next connection cannot be recovered", Err: err})
		}
		return
	}
	c.resume.anchor(newest)
}

func (c *Client) newestMessageID(ctx context.Context) (int64, error) {
	resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodGet, Path: "messages", Query: recoveryQuery(1, "prepend", 0)})
	if err != nil {
		return 0, err
	}
	msgs, err := decodeMessageList(resp.Data)
	if err != nil {
		return 0, err
	}
	var newest int64
	for _, m := range msgs {
		newest = max(newest, m.Base().ID)
	}
	return newest, nil
}

func (c *Client) fetchAfter(ctx context.Context, id int64) ([]Message, error) {
	var lastErr error
	b := rest.RetryBackOff()
	for attempt := 0; attempt < 3; attempt++ {
		resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodGet, Path: "messages", Query: recoveryQuery(100, "append", id)})
		if err == nil {
			return decodeMessageList(resp.Data)
		}
		lastErr = err
		if errors.Is(err, CodeAuthTokenNotFound) || errors.Is(err, CodeNotLoggedIn) {
			break
		}
		t := time.NewTimer(b.NextBackOff())
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	return nil, lastErr
}

// recoveryQuery asks for the user's messages the way MessagesRequest does
// (the same keys, in the same order): in particular it hides one-to-one
// messages from blocked users, which the live stream never pushes either, so
// that recovery hands over exactly what the socket would have.
func recoveryQuery(perPage int, affix string, after int64) []rest.KV {
	q := []rest.KV{{Key: "per_page", Value: strconv.Itoa(perPage)}, {Key: "affix", Value: affix},
		{Key: "hideMessagesFromBlockedUsers", Value: "1"}, {Key: "unread", Value: "0"}, {Key: "withTags", Value: "0"},
		{Key: "hideDeleted", Value: "0"}}
	if after > 0 {
		q = append(q, rest.KV{Key: "id", Value: strconv.FormatInt(after, 10)})
	}
	return q
}

func (c *Client) resyncRequired(err error) {
	c.log.Warn("cometchat: resync required", "err", err)
	c.disp.push(func() {
		for _, l := range c.ls.connection.snapshot() {
			if l.OnResyncRequired != nil {
				c.disp.guard(func() { l.OnResyncRequired(err) })
			}
		}
	})
}

func (c *Client) noteOwnMUID(muid string) { c.resume.noteOwn(muid) }

func (c *Client) isOwnMUID(muid string) bool { return c.resume.isOwn(muid) }
