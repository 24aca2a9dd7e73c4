package fakeserver

import (
	"net/http"
	"strconv"
	"time"
)

// rateState counts requests in the current minute (decision 24). Guarded
// by Server.mu.
type rateState struct {
	minute   int64
	core     int
	standard int
	messages map[string]int
}

func (r *rateState) roll(now time.Time) {
	if m := now.Unix() / 60; m != r.minute {
		r.minute, r.core, r.standard, r.messages = m, 0, 0, map[string]int{}
	}
}

// countRequest counts the request and sets X-Rate-Limit and
// X-Rate-Limit-Remaining; when enforcing, it returns the 429 error of a
// request over the limit.
func (s *Server) countRequest(w http.ResponseWriter, kind rateKind) *apiError {
	now := s.cfg.Now()
	s.mu.Lock()
	s.limits.roll(now)
	limit, used := s.cfg.RateLimits.Standard, &s.limits.standard
	if kind == rateCore {
		limit, used = s.cfg.RateLimits.Core, &s.limits.core
	}
	*used++
	n := *used
	s.mu.Unlock()
	remaining := limit - n
	if remaining < 0 {
		remaining = 0
	}
	w.Header().Set("X-Rate-Limit", strconv.Itoa(limit))
	w.Header().Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
	if s.cfg.RateLimits.Enforce && n > limit {
		return errTooManyRequests(secondsToNextMinute(now), (now.Unix()/60+1)*60)
	}
	return nil
}

func secondsToNextMinute(now time.Time) int { return int(60 - now.Unix()%60) }

// takeMessageQuotaLocked counts a sent message of uid against the per-user
// limit when enforcing. Server.mu held.
func (s *Server) takeMessageQuotaLocked(uid string) *apiError {
	if !s.cfg.RateLimits.Enforce {
		return nil
	}
	now := s.cfg.Now()
	s.limits.roll(now)
	if s.limits.messages[uid] >= s.cfg.RateLimits.MessagesPerUser {
		return errTooManyRequests(secondsToNextMinute(now), (now.Unix()/60+1)*60)
	}
	s.limits.messages[uid]++
	return nil
}
