package cometchat_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
)

func TestSlowListenerGetsBackPressureNotLoss(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2", cometchat.WithDispatchQueueSize(2))
	release := make(chan struct{})
	got := newEvents[*cometchat.TextMessage]()
	slow := newEvents[int]()
	var once sync.Once
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: func(m *cometchat.TextMessage) {
		once.Do(func() { <-release })
		got.add(m)
	}})
	b.AddConnectionListener("slow", cometchat.ConnectionListener{OnSlowConsumer: slow.add})
	want := numbered("s", 10)
	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, want...)
	close(release)
	require.Equal(t, want, texts(t, got, 10))
	require.Positive(t, slow.next(t))
}
