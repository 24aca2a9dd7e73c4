package cometchat_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
)

func TestMalformedAndUnknownFrames(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	got := newEvents[*cometchat.TextMessage]()
	unknown := newEvents[*cometchat.UnknownMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: got.add, OnUnknownMessageReceived: unknown.add})
	for _, f := range []string{`not json`, `{"type":"message"}`, `{"type":"message","body":[]}`, `{"type":"typing_indicator","body":{}}`,
		`{"type":"receipts","body":{"user":"x"}}`, `[]`, `{"type":"message","body":{"id":{"x":1}}}`} {
		require.Equal(t, 1, srv.PushFrame("superhero2", []byte(f)))
	}
	require.Equal(t, 1, srv.PushFrame("superhero2", []byte(`{"type":"message","body":{"id":"99999","category":"interactive","type":"form","sender":"superhero1","receiver":"superhero2","receiverType":"user","data":{"form":1}}}`)))
	bad := unknown.next(t)
	require.Zero(t, bad.ID, "an unreadable message object is delivered raw, not dropped")
	require.Contains(t, string(bad.Raw), `{"x":1}`)
	u := unknown.next(t)
	require.Equal(t, int64(99999), u.ID)
	require.Contains(t, string(u.Raw), `"interactive"`)
	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "still alive")
	require.Equal(t, "still alive", got.next(t).Text)
	require.Equal(t, cometchat.StatusConnected, b.ConnectionStatus())
}
