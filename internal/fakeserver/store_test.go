package fakeserver_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// TestStoreKeepsStateAcrossRestart: a server started again on the same
// DataDir has the users, tokens, groups and messages of the one before, the
// same certificate, and ids that go on increasing.
func TestStoreKeepsStateAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, fakeserver.Config{DataDir: dir})
	alice := h.login("superhero1")
	ok[json.RawMessage](t, h.do(req{method: "POST", path: "users", apiKey: testAPIKey, body: `{"uid":"kept","name":"Kept"}`}), nil)
	ok[json.RawMessage](t, h.do(req{method: "POST", path: "groups", token: alice.token, body: `{"guid":"kept-group","name":"K","type":"public"}`}), nil)
	m := h.sendText(alice, "group", "kept-group", "kept message")
	last := h.srv.LastMessageID()
	cert := h.srv.CertPEM()
	doc := h.srv.Export()
	if err := h.srv.Close(); err != nil {
		t.Fatal(err)
	}

	h2 := newHarness(t, fakeserver.Config{DataDir: dir})
	if got := h2.srv.Export(); !bytes.Equal(got, doc) {
		t.Fatalf("the restarted server's state differs:\n%s", firstDiff(doc, got))
	}
	if !bytes.Equal(h2.srv.CertPEM(), cert) {
		t.Fatal("the certificate changed across the restart")
	}
	var me userOut
	ok(t, h2.do(req{method: "GET", path: "me", token: alice.token}), &me) // the token survived
	if me.UID != "superhero1" {
		t.Fatalf("GET /me as %q", me.UID)
	}
	var got msgOut
	ok(t, h2.do(req{method: "GET", path: "messages/" + m.ID, token: alice.token}), &got)
	if got.Data.Text != "kept message" {
		t.Fatalf("message %s: %+v", m.ID, got)
	}
	next := h2.sendText(alice, "group", "kept-group", "after")
	if n := mustInt(t, next.ID); n != last+1 {
		t.Fatalf("the next id is %d, want %d", n, last+1)
	}
	// Reset keeps counting, and is durable too
	h2.srv.Reset()
	after := h2.srv.LastMessageID()
	if after <= last+1 {
		t.Fatalf("after Reset the ids start at %d, not above %d", after, last+1)
	}
	doc2 := h2.srv.Export()
	if err := h2.srv.Close(); err != nil {
		t.Fatal(err)
	}
	h3 := newHarness(t, fakeserver.Config{DataDir: dir})
	if got := h3.srv.Export(); !bytes.Equal(got, doc2) {
		t.Fatalf("the state after Reset was not kept:\n%s", firstDiff(doc2, got))
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if err := json.Unmarshal([]byte(s), &n); err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return n
}

// storeFile makes a store in a new directory and returns its file.
func storeFile(t *testing.T) (dir, file string) {
	t.Helper()
	dir = t.TempDir()
	srv, err := fakeserver.New(fakeserver.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.SendText("superhero1", "user", "superhero2", "x"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, filepath.Join(dir, fakeserver.StoreFile)
}

// refusedUntouched starts a server on dir, wants err, and checks that the
// store file is byte for byte what it was.
func refusedUntouched(t *testing.T, dir string, want error, wantText string) {
	t.Helper()
	file := filepath.Join(dir, fakeserver.StoreFile)
	before, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := fakeserver.New(fakeserver.Config{DataDir: dir})
	if err == nil {
		srv.Close()
		t.Fatal("New accepted the store")
	}
	if !errors.Is(err, want) || !strings.Contains(err.Error(), wantText) {
		t.Fatalf("New: %v; want %v naming %q", err, want, wantText)
	}
	after, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Fatal("the refused store was written")
	}
}

func TestCorruptStoreIsRefusedAndLeftAlone(t *testing.T) {
	t.Run("not a bbolt file", func(t *testing.T) {
		dir := t.TempDir()
		junk := bytes.Repeat([]byte("this is not a database. "), 1000)
		if err := os.WriteFile(filepath.Join(dir, fakeserver.StoreFile), junk, 0o600); err != nil {
			t.Fatal(err)
		}
		refusedUntouched(t, dir, fakeserver.ErrStoreCorrupt, "invalid database")
	})
	t.Run("damaged pages", func(t *testing.T) {
		dir, file := storeFile(t)
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(b); i += 7 { // scribble over everything, both meta pages included
			b[i] ^= 0x5a
		}
		if err := os.WriteFile(file, b, 0o600); err != nil {
			t.Fatal(err)
		}
		refusedUntouched(t, dir, fakeserver.ErrStoreCorrupt, "corrupt store")
	})
	t.Run("a record that does not decode", func(t *testing.T) {
		dir, file := storeFile(t)
		db, err := bolt.Open(file, 0o600, &bolt.Options{Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("users")).Put([]byte("bad"), []byte("{not json")) }); err != nil {
			t.Fatal(err)
		}
		db.Close()
		refusedUntouched(t, dir, fakeserver.ErrStoreCorrupt, "bucket users, key bad")
	})
	t.Run("inconsistent records", func(t *testing.T) {
		dir, file := storeFile(t)
		db, err := bolt.Open(file, 0o600, &bolt.Options{Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("users")).Delete([]byte("superhero2")) }); err != nil {
			t.Fatal(err)
		}
		db.Close()
		refusedUntouched(t, dir, fakeserver.ErrStoreCorrupt, `"superhero2" is not a user`)
	})
}

func TestNewerStoreVersionIsRefused(t *testing.T) {
	dir, file := storeFile(t)
	db, err := bolt.Open(file, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Put([]byte("format"), []byte("2")) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	refusedUntouched(t, dir, fakeserver.ErrStoreVersion, "format version 2")
}

func TestStoreInUseIsRefusedQuickly(t *testing.T) {
	dir := t.TempDir()
	srv, err := fakeserver.New(fakeserver.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	start := time.Now()
	_, err = fakeserver.New(fakeserver.Config{DataDir: dir})
	if !errors.Is(err, fakeserver.ErrStoreInUse) || !strings.Contains(err.Error(), dir+" is in use by another cometchat-fake") {
		t.Fatalf("second New: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("the refusal took %s", d)
	}
}
