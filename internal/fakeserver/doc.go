// Package fakeserver is a small in-memory CometChat v3.0 server: the REST API
// (client and admin routes, with and without the /v3.0 prefix) and the JSON
// websocket on one HTTPS+WSS port (or plain HTTP/WS), enough for the
// unmodified CometChat JavaScript SDK 3.0.13 and the Go SDK to run their flows
// against it.
//
// It keeps real state — users, auth tokens, groups and memberships, messages
// with receipts, conversations, blocks, friends and calls — behind one mutex,
// and derives every reply and every websocket push from that state, following
// CometChat's protocol and the decisions written in the repository's README.
// It is not a mock that replays canned answers. Everything a client controls
// is bounded (see "Limits and security" in docs/emulator.md).
//
// Besides the CometChat routes it serves test hooks under /_fake/ (loopback
// only, apiKey header) and exposes the same hooks as Go methods: dropping or
// half-opening sockets, restarting on the same port, injecting HTTP faults and
// raw websocket frames, delaying frames and refusing websocket upgrades.
//
// The package must not know about the client SDK: it speaks only the wire
// protocol.
package fakeserver
