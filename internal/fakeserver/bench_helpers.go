package fakeserver

// Helpers for the load program (cmd/cometchat-bench). They add no behaviour:
// they only do in one call what PushFrame and Sockets do one by one.

// PushFrames sends each frame, in order, as one text frame to uid's
// authenticated sockets, under one lock and without copying: the caller must
// not modify the frames afterwards. Like PushFrame, a socket whose send queue
// (Config.MaxSocketQueueBytes) overflows is closed as too slow, so callers
// must pace themselves. It returns how many frames were queued in all.
func (s *Server) PushFrames(uid string, frames [][]byte) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	conns := s.socketsLocked(normID(uid))
	for _, f := range frames {
		for _, c := range conns {
			if c.send(f) {
				n++
			}
		}
	}
	return n
}

// AuthenticatedSockets returns how many authenticated sockets the server
// holds, across all users.
func (s *Server) AuthenticatedSockets() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, set := range s.conns {
		n += len(set)
	}
	return n
}
