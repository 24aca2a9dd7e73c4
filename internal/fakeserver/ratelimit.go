package fakeserver

import (
	"net/http"
	"strconv"
	"time"
)

// rateState counts requests in the current minute (decision 24). Guarded
// by Server.mu. Only requests of this app that authenticated count: a
// foreign app id, a bad key or an unknown route spends nothing.
type rateState struct {
	minute   int64
	core     int
	standard int
	messages map[string]int // by authenticated uid, so bounded by the users
}

// rateInfo is one bucket's limit and what is left of it this minute, as the
// X-Rate-Limit and X-Rate-Limit-Remaining headers report it.
type rateInfo struct {
	limit, remaining int
}

func (r *rateState) roll(now time.Time) {
	if m := now.Unix() / 60; m != r.minute {
		r.minute, r.core, r.standard, r.messages = m, 0, 0, map[string]int{}
	}
}

// bucketLocked returns the limit and the counter of a route class.
func (s *Server) bucketLocked(kind rateKind) (int, *int) {
	if kind == rateCore {
		return s.cfg.RateLimits.Core, &s.limits.core
	}
	return s.cfg.RateLimits.Standard, &s.limits.standard
}

// peekRate reports the bucket of kind without counting (for replies to
// requests that do not count).
func (s *Server) peekRate(kind rateKind) rateInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits.roll(s.cfg.Now())
	limit, used := s.bucketLocked(kind)
	return rateInfo{limit: limit, remaining: max(limit-*used, 0)}
}

// countRequest counts an authenticated request of this app against the
// bucket of kind; when enforcing, it returns the 429 error of a request
// over the limit.
func (s *Server) countRequest(kind rateKind) (rateInfo, *apiError) {
	now := s.cfg.Now()
	s.mu.Lock()
	s.limits.roll(now)
	limit, used := s.bucketLocked(kind)
	*used++
	n := *used
	s.mu.Unlock()
	ri := rateInfo{limit: limit, remaining: max(limit-n, 0)}
	if s.cfg.RateLimits.Enforce && n > limit {
		return ri, errTooManyRequests(secondsToNextMinute(now), (now.Unix()/60+1)*60)
	}
	return ri, nil
}

func (ri rateInfo) set(w http.ResponseWriter) {
	w.Header().Set("X-Rate-Limit", strconv.Itoa(ri.limit))
	w.Header().Set("X-Rate-Limit-Remaining", strconv.Itoa(ri.remaining))
}

func secondsToNextMinute(now time.Time) int { return int(60 - now.Unix()%60) }

// takeMessageQuotaLocked counts a sent message of uid against the per-user
// limit when enforcing. When rc is not nil and this bucket is the tighter
// one (or refused the message), the reply reports it. Server.mu held.
func (s *Server) takeMessageQuotaLocked(rc *reqCtx, uid string) *apiError {
	if !s.cfg.RateLimits.Enforce {
		return nil
	}
	now := s.cfg.Now()
	s.limits.roll(now)
	limit := s.cfg.RateLimits.MessagesPerUser
	if s.limits.messages[uid] >= limit {
		if rc != nil {
			rc.rate = &rateInfo{limit: limit, remaining: 0}
		}
		return errTooManyRequests(secondsToNextMinute(now), (now.Unix()/60+1)*60)
	}
	s.limits.messages[uid]++
	ri := rateInfo{limit: limit, remaining: limit - s.limits.messages[uid]}
	if rc != nil && (rc.rate == nil || ri.remaining < rc.rate.remaining) {
		rc.rate = &ri
	}
	return nil
}
