package fakeserver

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// jwtClaims are the claims of the websocket credential returned by PUT /me.
type jwtClaims struct {
	UID   string `json:"uid"`
	AppID string `json:"appId"`
	Iat   int64  `json:"iat"`
	Exp   int64  `json:"exp"`
	// TID identifies the auth token the JWT was minted for (tokenID), so
	// that revoking the token revokes the JWT; empty when minted without one
	// (REST API key on behalf of a user).
	TID string `json:"tid,omitempty"`
}

// tokenID is the identifier of an auth token carried in its JWTs: a hash,
// so that the JWT's readable payload does not reveal the token.
func tokenID(tok string) string {
	if tok == "" {
		return ""
	}
	sum := sha256.Sum256([]byte("cometchat-fake token id\x00" + tok))
	return hex.EncodeToString(sum[:16])
}

const jwtLifetime = 24 * time.Hour

var jwtHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

func signJWT(key []byte, c jwtClaims) string {
	payload, _ := json.Marshal(c) // a struct of strings and ints cannot fail
	msg := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(payload)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(msg))
	return msg + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

var (
	errJWTMalformed = errors.New("malformed token")
	errJWTSignature = errors.New("bad signature")
	errJWTExpired   = errors.New("token expired")
)

// verifyJWT checks the signature and expiry of an HS256 token made by signJWT.
func verifyJWT(key []byte, token string, now time.Time) (jwtClaims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return jwtClaims{}, errJWTMalformed
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
		return jwtClaims{}, errJWTSignature
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return jwtClaims{}, errJWTMalformed
	}
	var c jwtClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return jwtClaims{}, errJWTMalformed
	}
	if c.Exp != 0 && now.Unix() >= c.Exp {
		return jwtClaims{}, errJWTExpired
	}
	return c, nil
}
