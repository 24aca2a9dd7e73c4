package cometchat

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/gocometchat/cometchat/internal/wire"
)

// session is the login state of a Client: who is logged in, with which
// credentials, and the server settings that came with them. It also keeps the
// secrets that must never appear in an error or a log. It has its own lock
// and does no I/O.
type session struct {
	mu        sync.Mutex
	user      *User
	authToken string
	jwt       string
	server    *wire.Settings
	loggingIn bool
	// ended is why the session ended by itself (the server stopped
	// accepting its auth token); cleared by the next login or logout.
	ended error
	// secrets are the keys, tokens and JWTs seen recently, scrubbed from
	// error texts (bounded: see remember).
	secrets []string
}

// loginState is what a login needs to know about the current session.
type loginState struct {
	user  *User
	token string
}

// beginLogin marks a login in progress, unless one already is; it returns
// the current user and token so that the caller can apply Cordova's rules.
func (s *session) beginLogin() (loginState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loggingIn {
		return loginState{}, errorf(CodeLoginInProgress, "another login is in progress")
	}
	s.loggingIn = true
	return loginState{user: s.user.clone(), token: s.authToken}, nil
}

// endLogin marks the login in progress as over.
func (s *session) endLogin() {
	s.mu.Lock()
	s.loggingIn = false
	s.mu.Unlock()
}

// set records a successful login.
func (s *session) set(u *User, token, jwt string, server *wire.Settings) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user, s.authToken, s.jwt, s.server, s.ended = u, token, jwt, server, nil
	s.rememberLocked(token)
	s.rememberLocked(jwt)
}

// clear forgets the session; it reports whether a user was logged in.
func (s *session) clear() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	had := s.user != nil
	s.user, s.authToken, s.jwt, s.server, s.ended = nil, "", "", nil, nil
	return had
}

// end ends the session of token because the server refused it: the session
// is cleared and ended is kept as the reason. It reports whether token was
// still the session's (false: another login replaced it meanwhile) and
// whether a user was logged in.
func (s *session) end(token string, ended error) (current, had bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.authToken != token {
		return false, false
	}
	had = s.user != nil
	s.user, s.authToken, s.jwt, s.server = nil, "", "", nil
	s.ended = ended
	return true, had
}

// endedErr is why the session ended by itself, if it did.
func (s *session) endedErr() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ended
}

// token is the auth token ("" when logged out).
func (s *session) token() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authToken
}

// credential is the socket's credential (the JWT) and the token it belongs to.
func (s *session) credential() (jwt, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.jwt, s.authToken
}

// renew replaces the JWT if token is still the session's.
func (s *session) renew(token, jwt string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.authToken == token {
		s.jwt = jwt
		s.rememberLocked(jwt)
	}
}

// current returns a copy of the logged-in user (nil when nobody is) and the
// server settings.
func (s *session) current() (*User, *wire.Settings) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.user.clone(), s.server
}

// loggedIn reports whether a user is logged in.
func (s *session) loggedIn() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.user != nil
}

// settings are the server settings of the session (nil when logged out).
func (s *session) settings() *wire.Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.server
}

// updateUser replaces the cached user with u (the server's answer to an
// update of the logged-in user; any user when anyUID, else only one with the
// logged-in UID). The cached user stays online and holds no token.
func (s *session) updateUser(u *User, anyUID bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user != nil && (anyUID || strings.EqualFold(s.user.UID, u.UID)) {
		nu := u.clone()
		nu.Status = UserStatusOnline
		nu.AuthToken = ""
		s.user = nu
	}
}

// maxSecrets bounds the remembered secrets: the current token and JWT are
// scrubbed whatever the list holds.
const maxSecrets = 17

// remember adds a secret to those scrubbed from error texts.
func (s *session) remember(secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rememberLocked(secret)
}

// rememberLocked is remember with s.mu held. Short strings are ignored (they
// would redact ordinary words), a known secret is not added twice, and the
// list keeps the most recent maxSecrets.
func (s *session) rememberLocked(secret string) {
	if len(secret) < 4 || slices.Contains(s.secrets, secret) {
		return
	}
	if len(s.secrets) >= maxSecrets {
		s.secrets = slices.Delete(s.secrets, 0, 1)
	}
	s.secrets = append(s.secrets, secret)
}

// scrub returns err with every known secret replaced by "[redacted]" in the
// texts of its *Error (message, details and cause). The *Error is copied,
// never changed in place; an error without a secret is returned as is.
func (s *session) scrub(err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	s.mu.Lock()
	secrets := append([]string(nil), s.secrets...)
	for _, v := range []string{s.authToken, s.jwt} {
		if len(v) >= 4 && !slices.Contains(secrets, v) {
			secrets = append(secrets, v)
		}
	}
	s.mu.Unlock()
	redact := func(text string) (string, bool) {
		changed := false
		for _, v := range secrets {
			if strings.Contains(text, v) {
				text, changed = strings.ReplaceAll(text, v, "[redacted]"), true
			}
		}
		return text, changed
	}
	cp := *e
	msg, m := redact(e.Message)
	details, d := redact(string(e.Details))
	var cause bool
	if e.Err != nil {
		var text string
		if text, cause = redact(e.Err.Error()); cause {
			cp.Err = &redactedError{text: text, cause: e.Err}
		}
	}
	if !m && !d && !cause {
		return err
	}
	cp.Message = msg
	if d {
		cp.Details = json.RawMessage(details)
	}
	return &cp
}

// redactedError is a cause whose text held a secret: it shows the scrubbed
// text, and still unwraps to the cause for errors.Is and errors.As.
type redactedError struct {
	text  string
	cause error
}

func (e *redactedError) Error() string { return e.text }
func (e *redactedError) Unwrap() error { return e.cause }
