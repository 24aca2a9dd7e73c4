package fakeserver

import "sort"

// Call is a call session as the server keeps it.
type Call struct {
	SessionID    string
	Type         string // "audio" or "video"
	ReceiverType string // "user" or "group"
	Initiator    string
	Receiver     string
	// Status is initiated, ongoing, rejected, busy, cancelled, unanswered or ended.
	Status      string
	InitiatedAt int64
	JoinedAt    int64
	LeftAt      int64
	// Joined lists the group members in the call (group calls).
	Joined []string
}

// Calls lists every call session, oldest first.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, 0, len(s.st.calls))
	for _, c := range s.st.calls {
		joined := make([]string, 0, len(c.joined))
		for uid, in := range c.joined {
			if in {
				joined = append(joined, uid)
			}
		}
		sort.Strings(joined)
		out = append(out, Call{SessionID: c.sessionID, Type: c.typ, ReceiverType: c.receiverType, Initiator: c.initiator,
			Receiver: c.receiver, Status: c.status, InitiatedAt: c.initiatedAt, JoinedAt: c.joinedAt, LeftAt: c.leftAt, Joined: joined})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].InitiatedAt != out[j].InitiatedAt {
			return out[i].InitiatedAt < out[j].InitiatedAt
		}
		return out[i].SessionID < out[j].SessionID
	})
	return out
}
