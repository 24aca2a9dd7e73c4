package admin_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/admin"
	"github.com/gocometchat/cometchat/cometchattest"
	"go.uber.org/goleak"
)

// newAdmin starts an emulator for the test and a client of its REST API.
func newAdmin(t *testing.T, opts ...admin.Option) (*admin.Client, *cometchattest.Server) {
	t.Helper()
	srv := cometchattest.NewServer(t)
	c, err := admin.New(srv.AppID(), srv.Region(), srv.APIKey(),
		append([]admin.Option{admin.WithBaseURL(srv.RESTBaseURL()), admin.WithRootCAs(srv.CertPool())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c, srv
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func wantCode(t *testing.T, err error, code cometchat.Code) {
	t.Helper()
	var ce *cometchat.Error
	if !errors.As(err, &ce) || !errors.Is(err, code) {
		t.Fatalf("want a *cometchat.Error %s, got %v", code, err)
	}
}

func TestNewValidates(t *testing.T) {
	for _, c := range []struct {
		name                 string
		app, region, key     string
		opts                 []admin.Option
		code                 cometchat.Code
		message              string
		wantBase, notMessage string
	}{
		{name: "no app", region: "us", key: "k", code: cometchat.CodeMissingParameters},
		{name: "no key", app: "a", region: "us", code: cometchat.CodeMissingParameters},
		{name: "no region", app: "a", key: "k", code: cometchat.CodeMissingParameters},
		{name: "bad app", app: "a.b", region: "us", key: "k", code: cometchat.CodeInvalidOption},
		{name: "http to a remote host", app: "a", key: "k", opts: []admin.Option{admin.WithBaseURL("http://example.com/v3")},
			code: cometchat.CodeInvalidOption},
		{name: "credentials in the URL", app: "a", key: "k", opts: []admin.Option{admin.WithBaseURL("https://u:p@example.com/v3")},
			code: cometchat.CodeInvalidOption},
		{name: "insecure TLS", app: "a", region: "us", key: "k",
			opts: []admin.Option{admin.WithTLSConfig(&tls.Config{InsecureSkipVerify: true})}, code: cometchat.CodeInvalidOption},
		{name: "nil option", app: "a", region: "us", key: "k", opts: []admin.Option{nil}, code: cometchat.CodeInvalidOption},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := admin.New(c.app, c.region, c.key, c.opts...)
			wantCode(t, err, c.code)
			if strings.Contains(err.Error(), "k\"") {
				t.Fatalf("the error shows the key: %v", err)
			}
		})
	}
	c, err := admin.New("MyApp", "EU", "key")
	if err != nil || c.BaseURL() != "https://myapp.api-eu.cometchat.io/v3" {
		t.Fatalf("base %q, err %v", c.BaseURL(), err)
	}
	c, err = admin.New("app", "", "key", admin.WithBaseURL("http://127.0.0.1:8080"))
	if err != nil || c.BaseURL() != "http://127.0.0.1:8080/v3" {
		t.Fatalf("base %q, err %v", c.BaseURL(), err)
	}
}

// TestProvisionBotAndLogIn is the backend's main flow: create a bot user and
// its auth token, log the bot in with the Go SDK, message it as the app.
func TestProvisionBotAndLogIn(t *testing.T) {
	c, srv := newAdmin(t)
	u, err := c.CreateUser(ctx(t), admin.UserInput{UID: "helper-bot", Name: "Helper", Role: "default", Tags: []string{"bot"}})
	if err != nil {
		t.Fatal(err)
	}
	if u.UID != "helper-bot" || u.Name != "Helper" {
		t.Fatalf("user %+v", u)
	}
	tok, err := c.CreateAuthToken(ctx(t), "helper-bot", false)
	if err != nil || tok.AuthToken == "" || tok.UID != "helper-bot" {
		t.Fatalf("token %+v, %v", tok, err)
	}
	again, err := c.CreateAuthToken(ctx(t), "helper-bot", false)
	if err != nil || again.AuthToken != tok.AuthToken {
		t.Fatalf("a second create without force: %+v, %v", again, err)
	}
	bot := srv.NewClient(t)
	me, err := bot.LoginWithAuthToken(ctx(t), tok.AuthToken)
	if err != nil || me.UID != "helper-bot" {
		t.Fatalf("login: %+v, %v", me, err)
	}
	got := make(chan string, 4)
	bot.AddMessageListener("t", cometchat.MessageListener{OnTextMessageReceived: func(m *cometchat.TextMessage) { got <- m.Text }})
	if err := bot.WaitConnected(ctx(t)); err != nil {
		t.Fatal(err)
	}
	m, err := c.SendMessage(ctx(t), admin.MessageInput{Receiver: "helper-bot", ReceiverType: admin.ReceiverUser, Text: "hello bot"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Sender != "app_system" || m.Text() != "hello bot" || m.Category != "message" || m.Type != "text" {
		t.Fatalf("message %+v", m)
	}
	select {
	case text := <-got:
		if text != "hello bot" {
			t.Fatalf("the bot got %q", text)
		}
	case <-ctx(t).Done():
		t.Fatal("the bot got nothing")
	}
	// the bot answers through the REST API, as a bot
	r, err := c.SendBotMessage(ctx(t), "helper-bot", admin.MessageInput{Receiver: "superhero1", ReceiverType: admin.ReceiverUser, Text: "hi!"})
	if err != nil || r.Sender != "helper-bot" {
		t.Fatalf("bot message %+v, %v", r, err)
	}
	if err := c.DeleteAuthToken(ctx(t), "helper-bot", tok.AuthToken); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetAuthToken(ctx(t), "helper-bot", tok.AuthToken)
	wantCode(t, err, cometchat.Code("ERR_AUTH_TOKEN_NOT_FOUND"))
	if strings.Contains(err.Error(), tok.AuthToken) {
		t.Fatalf("the error shows the token: %v", err)
	}
}

func TestUsersGroupsAndIterators(t *testing.T) {
	c, _ := newAdmin(t)
	for i := 0; i < 7; i++ {
		if _, err := c.CreateUser(ctx(t), admin.UserInput{UID: fmt.Sprintf("u%d", i), Name: fmt.Sprintf("User %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.CreateUser(ctx(t), admin.UserInput{UID: "u1", Name: "again"})
	wantCode(t, err, cometchat.CodeUIDAlreadyExists)
	// iterators start afresh at each range
	users := c.Users(ctx(t), admin.UsersQuery{PerPage: 3, SearchKey: "u"})
	for round := 0; round < 2; round++ {
		n := 0
		for u, err := range users {
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(u.UID, "u") {
				t.Fatalf("search gave %s", u.UID)
			}
			n++
		}
		if n != 7 {
			t.Fatalf("round %d: %d users, want 7", round, n)
		}
	}
	g, err := c.CreateGroup(ctx(t), admin.GroupInput{GUID: "team", Name: "Team", Type: admin.GroupPrivate, Owner: "u0",
		Members: &admin.Members{Participants: []string{"u1", "u2"}}})
	if err != nil || g.Owner != "u0" || g.MembersCount != 3 {
		t.Fatalf("group %+v, %v", g, err)
	}
	res, err := c.AddMembers(ctx(t), "team", admin.Members{Moderators: []string{"u3"}, Participants: []string{"u1", "nobody"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Moderators["u3"].Err != nil || res.Moderators["u3"].Message.Action() != "added" {
		t.Fatalf("u3: %+v", res.Moderators["u3"])
	}
	wantCode(t, res.Participants["u1"].Err, cometchat.CodeAlreadyJoined)
	wantCode(t, res.Participants["nobody"].Err, cometchat.CodeUIDNotFound)
	if res.Err() == nil {
		t.Fatal("Err() is nil with two failures")
	}
	if _, err := c.ChangeScope(ctx(t), "team", "u1", admin.ScopeModerator); err != nil {
		t.Fatal(err)
	}
	// on behalf of a member, the member's rights apply
	err = c.KickMember(ctx(t), "team", "u3", admin.OnBehalfOf("u2"))
	wantCode(t, err, cometchat.CodeGroupNoClearance)
	if err := c.KickMember(ctx(t), "team", "u3"); err != nil {
		t.Fatal(err)
	}
	if err := c.BanMember(ctx(t), "team", "u4"); err != nil {
		t.Fatal(err)
	}
	var scopes []string
	for m, err := range c.GroupMembers(ctx(t), "team") {
		if err != nil {
			t.Fatal(err)
		}
		scopes = append(scopes, m.UID+":"+m.Scope)
	}
	if got := strings.Join(scopes, ","); got != "u0:admin,u1:moderator,u2:participant" {
		t.Fatalf("members %s", got)
	}
	for b, err := range c.BannedUsers(ctx(t), "team") {
		if err != nil || b.UID != "u4" {
			t.Fatalf("banned %v %v", b, err)
		}
	}
	_, err = c.GetGroup(ctx(t), "team", admin.OnBehalfOf("u5"))
	wantCode(t, err, cometchat.CodeGUIDNotFound)
	name := "The team"
	if g, err = c.UpdateGroup(ctx(t), "team", admin.GroupUpdate{Name: &name, Owner: "u1"}); err != nil || g.Owner != "u1" {
		t.Fatalf("update %+v, %v", g, err)
	}
	if err := c.DeleteUser(ctx(t), "u6", true); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateUser(ctx(t), admin.UserInput{UID: "u6", Name: "A new u6"}); err != nil {
		t.Fatalf("the uid of a permanently deleted user: %v", err)
	}
	done, err := c.DeactivateUsers(ctx(t), "u5")
	if err != nil || len(done) != 1 {
		t.Fatalf("deactivate %v %v", done, err)
	}
	done, err = c.ReactivateUsers(ctx(t), "u5")
	if err != nil || len(done) != 1 {
		t.Fatalf("reactivate %v %v", done, err)
	}
	if err := c.DeleteGroup(ctx(t), "team"); err != nil {
		t.Fatal(err)
	}
}

func TestMessagesAndConversations(t *testing.T) {
	c, _ := newAdmin(t)
	var ids []string
	for i := 0; i < 5; i++ {
		m, err := c.SendMessage(ctx(t), admin.MessageInput{Receiver: "supergroup", ReceiverType: admin.ReceiverGroup,
			Text: fmt.Sprintf("m%d", i)}, admin.OnBehalfOf("superhero1"))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	var texts []string
	for m, err := range c.GroupMessages(ctx(t), "supergroup", admin.MessagesQuery{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, m.Text())
	}
	if got := strings.Join(texts, ","); got != "m0,m1,m2,m3,m4" {
		t.Fatalf("history %s", got)
	}
	texts = nil
	for m, err := range c.Messages(ctx(t), admin.MessagesQuery{Limit: 3, AfterID: ids[2]}) {
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, m.Text())
	}
	if got := strings.Join(texts, ","); got != "m3,m4" {
		t.Fatalf("after %s: %s", ids[2], got)
	}
	reply, err := c.ReplyInThread(ctx(t), "superhero2", ids[0], admin.MessageInput{Text: "a reply"})
	if err != nil || reply.ParentID != ids[0] {
		t.Fatalf("reply %+v, %v", reply, err)
	}
	for m, err := range c.ThreadMessages(ctx(t), ids[0]) {
		if err != nil || m.Text() != "a reply" {
			t.Fatalf("thread %v %v", m, err)
		}
	}
	text := "m0, edited"
	act, err := c.UpdateMessage(ctx(t), ids[0], admin.MessageUpdate{Text: &text})
	if err != nil || act.Action() != "edited" {
		t.Fatalf("edit %+v, %v", act, err)
	}
	if _, err := c.DeleteMessage(ctx(t), ids[1], true); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetMessage(ctx(t), ids[1])
	wantCode(t, err, cometchat.Code("ERR_MESSAGE_ID_NOT_FOUND"))
	multi, err := c.SendToMany(ctx(t), admin.MessageInput{Text: "to you all"}, []string{"superhero3", "superhero4"}, nil)
	if err != nil || multi.Err() != nil || len(multi.UIDs) != 2 {
		t.Fatalf("to many %+v, %v", multi, err)
	}
	// conversations are a user's
	conv, err := c.GetConversation(ctx(t), "superhero3", admin.WithUser("app_system"))
	if err == nil {
		t.Fatalf("app_system is no user, got %+v", conv)
	}
	if err := c.MarkRead(ctx(t), "superhero2", admin.WithGroup("supergroup"), ""); err != nil {
		t.Fatal(err)
	}
	if err := c.MarkUnread(ctx(t), "superhero2", admin.WithGroup("supergroup"), ids[3]); err != nil {
		t.Fatal(err)
	}
	conv, err = c.GetConversation(ctx(t), "superhero2", admin.WithGroup("supergroup"))
	if err != nil || conv.UnreadMessageCount != "2" {
		t.Fatalf("conversation %+v, %v", conv, err)
	}
	if conv, err = c.PinConversation(ctx(t), "superhero2", admin.WithGroup("supergroup")); err != nil || conv.PinnedAt == 0 {
		t.Fatalf("pin %+v, %v", conv, err)
	}
	n := 0
	for v, err := range c.Conversations(ctx(t), "superhero2", admin.ConversationsQuery{}) {
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 && v.PinnedAt == 0 {
			t.Fatalf("the pinned conversation is not first: %+v", v)
		}
		n++
	}
	if _, err := c.AddFriends(ctx(t), "superhero1", "superhero2"); err != nil {
		t.Fatal(err)
	}
	for f, err := range c.Friends(ctx(t), "superhero1", "") {
		if err != nil || f.UID != "superhero2" {
			t.Fatalf("friend %v %v", f, err)
		}
	}
	if out, err := c.BlockUsers(ctx(t), "superhero1", "superhero5"); err != nil || out["superhero5"].Err != nil {
		t.Fatalf("block %+v %v", out, err)
	}
	for b, err := range c.BlockedUsers(ctx(t), "superhero1") {
		if err != nil || b.UID != "superhero5" {
			t.Fatalf("blocked %v %v", b, err)
		}
	}
}

// TestValidationBeforeIO: a bad argument never reaches the server.
func TestValidationBeforeIO(t *testing.T) {
	var hits atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer ts.Close()
	c, err := admin.New("app", "", "key", admin.WithBaseURL(ts.URL))
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	_, err = c.GetUser(ctx(t), "no spaces")
	wantCode(t, err, cometchat.CodeInvalidUID)
	_, err = c.GetGroup(ctx(t), "")
	wantCode(t, err, cometchat.CodeInvalidGUID)
	_, err = c.CreateGroup(ctx(t), admin.GroupInput{GUID: "g", Name: "G", Type: "secret"})
	wantCode(t, err, cometchat.CodeInvalidGroupType)
	_, err = c.SendMessage(ctx(t), admin.MessageInput{Receiver: "bob", ReceiverType: "chat", Text: "x"})
	wantCode(t, err, cometchat.CodeInvalidReceiverType)
	_, err = c.SendMessage(ctx(t), admin.MessageInput{Receiver: "bob", ReceiverType: admin.ReceiverUser})
	wantCode(t, err, cometchat.CodeInvalidMessage)
	_, err = c.ChangeScope(ctx(t), "g", "bob", "owner")
	wantCode(t, err, cometchat.CodeInvalidScope)
	_, err = c.GetMessage(ctx(t), "12a")
	wantCode(t, err, cometchat.CodeInvalidMessage)
	err = c.MarkUnread(ctx(t), "bob", admin.WithUser("alice"), "")
	wantCode(t, err, cometchat.CodeInvalidMessage)
	_, err = c.GetConversation(ctx(t), "bob", admin.Peer{})
	wantCode(t, err, cometchat.CodeMissingParameters)
	_, err = c.DeactivateUsers(ctx(t))
	wantCode(t, err, cometchat.CodeEmptyUsersList)
	for _, err := range c.Users(ctx(t), admin.UsersQuery{}) {
		if err == nil {
			t.Fatal("the server answered nothing usable, yet no error")
		}
		break
	}
	if n := hits.Load(); n != 1 { // only the Users range reached the server
		t.Fatalf("%d requests reached the server", n)
	}
}

// TestServerErrorsAndSecrets: every server error is a *cometchat.Error;
// neither the key nor a token appears in errors or logs, whatever the server
// echoes; redirects to another host are refused; GETs retry a 429.
func TestServerErrorsAndSecrets(t *testing.T) {
	var other atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.Add(1)
		_, _ = w.Write([]byte(`{"data":{}}`))
	}))
	defer elsewhere.Close()
	var calls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/v3/groups/moved"):
			http.Redirect(w, r, elsewhere.URL+"/v3/groups/moved", http.StatusTemporaryRedirect)
		case strings.HasPrefix(r.URL.Path, "/v3/users/busy") && calls.Add(1) == 1:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"error":{"code":"ERR_TOO_MANY_REQUESTS","message":"slow down","details":{}}}`))
		case strings.HasPrefix(r.URL.Path, "/v3/users/busy"):
			_, _ = w.Write([]byte(`{"data":{"uid":"busy","name":"Busy"}}`))
		default:
			w.WriteHeader(http.StatusBadRequest)
			_, _ = fmt.Fprintf(w, `{"error":{"code":"ERR_WEIRD","message":"you sent %s and %s","details":{"k":["%s"]}}}`,
				r.Header.Get("apikey"), r.URL.Path, r.Header.Get("apikey"))
		}
	}))
	defer ts.Close()
	var logs bytes.Buffer
	c, err := admin.New("app", "", "sekrit-key", admin.WithBaseURL(ts.URL),
		admin.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	_, err = c.GetAuthToken(ctx(t), "bob", "bob_tok3n")
	wantCode(t, err, cometchat.Code("ERR_WEIRD"))
	var ce *cometchat.Error
	errors.As(err, &ce)
	if ce.HTTPStatus != 400 {
		t.Fatalf("status %d", ce.HTTPStatus)
	}
	for _, s := range []string{err.Error(), string(ce.Details), logs.String()} {
		if strings.Contains(s, "sekrit-key") || strings.Contains(s, "bob_tok3n") {
			t.Fatalf("a secret leaked: %s", s)
		}
	}
	_, err = c.GetGroup(ctx(t), "moved")
	wantCode(t, err, cometchat.CodeRedirectRefused)
	if other.Load() != 0 {
		t.Fatal("the redirect was followed")
	}
	u, err := c.GetUser(ctx(t), "busy")
	if err != nil || u.Name != "Busy" || calls.Load() != 2 {
		t.Fatalf("retry after 429: %+v %v (%d calls)", u, err, calls.Load())
	}
}

// TestTLSVerificationStaysOn: without the emulator's CA the call fails.
func TestTLSVerificationStaysOn(t *testing.T) {
	srv := cometchattest.NewServer(t)
	c, err := admin.New(srv.AppID(), "", srv.APIKey(), admin.WithBaseURL(srv.RESTBaseURL()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	_, err = c.GetUser(ctx(t), "superhero1")
	wantCode(t, err, cometchat.CodeFailedToFetch)
	if strings.Contains(err.Error(), srv.APIKey()) {
		t.Fatalf("the key leaked: %v", err)
	}
}

// TestStuckCursorStops: a server that sends the same page forever ends the
// range with CodeCursorStuck instead of looping.
func TestStuckCursorStops(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/messages") {
			_, _ = w.Write([]byte(`{"data":[{"id":"5","sender":"a"}],"meta":{"current":{"limit":1,"count":1},"next":{"affix":"append","id":"5"}}}`))
			return
		}
		_, _ = w.Write([]byte(`{"data":[{"uid":"a","name":"A"}],"meta":{"pagination":{"total":9,"count":1,"per_page":1,"current_page":1,"total_pages":9}}}`))
	}))
	defer ts.Close()
	c, err := admin.New("app", "", "key", admin.WithBaseURL(ts.URL))
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	var last error
	n := 0
	for _, err := range c.Users(ctx(t), admin.UsersQuery{PerPage: 1}) {
		last = err
		n++
	}
	wantCode(t, last, cometchat.CodeCursorStuck)
	if n != 2 {
		t.Fatalf("%d yields, want the user then the error", n)
	}
	last = nil
	for _, err := range c.Messages(ctx(t), admin.MessagesQuery{Limit: 1}) {
		last = err
	}
	wantCode(t, last, cometchat.CodeCursorStuck)
}
