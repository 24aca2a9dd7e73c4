package cometchat

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// A flood of incoming calls while in a call does not become a flood of
// goroutines: at most maxBusyAnswers busy answers are in flight; the others
// are left to ring out (and logged).
func TestBusyAnswersInFlightAreBounded(t *testing.T) {
	release := make(chan struct{})
	var inFlight, most atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		<-release
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer ts.Close()
	c, err := New("app", AppSettings{ClientHost: ts.URL + "/v3.0", AdminHost: ts.URL + "/v3.0"}, WithHTTPClient(ts.Client()))
	require.NoError(t, err)
	c.sess.set(&User{UID: "me"}, "token", "", nil)
	c.calls.mu.Lock()
	c.calls.active = &Call{BaseMessage: BaseMessage{ReceiverID: "someone"}, SessionID: "the-call"}
	c.calls.mu.Unlock()

	for i := range 200 {
		in := &Call{BaseMessage: BaseMessage{ReceiverID: "me", ReceiverType: ReceiverTypeUser}, SessionID: fmt.Sprint("flood-", i), Status: CallStatusInitiated}
		require.False(t, c.trackIncomingCall(in, false), "a busy client's listeners never hear the call")
	}
	require.Len(t, c.busySlots, maxBusyAnswers, "the slots are full, not more")
	close(release)
	require.NoError(t, c.Close()) // waits for the busy answers
	require.LessOrEqual(t, most.Load(), int32(maxBusyAnswers))
}
