package main

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// TestStoreProblemsExitWithTheirCodes: a second process on the same -data
// DIR, a corrupt store and a store of a newer format each get a clear
// message and their own exit code, quickly, and the store is not written.
func TestStoreProblemsExitWithTheirCodes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	bin := fakeBinary(t)

	t.Run("in use", func(t *testing.T) {
		dir := t.TempDir()
		first := startFake(t, bin, true, "-addr", "127.0.0.1:0", "-data", dir)
		start := time.Now()
		second := startFake(t, bin, false, "-addr", "127.0.0.1:0", "-data", dir)
		if code := second.wait(t, 10*time.Second); code != exitStoreInUse {
			t.Fatalf("exit code %d, want %d\n%s", code, exitStoreInUse, second.stderr.String())
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("the refusal took %s", d)
		}
		if !contains(second.stderr.String(), dir+" is in use by another cometchat-fake") {
			t.Fatalf("stderr: %s", second.stderr.String())
		}
		if err := first.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if code := first.wait(t, 10*time.Second); code != 0 {
			t.Fatalf("the first process exited %d", code)
		}
	})

	t.Run("corrupt", func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, fakeserver.StoreFile)
		junk := bytes.Repeat([]byte("not a store "), 2000)
		if err := os.WriteFile(file, junk, 0o600); err != nil {
			t.Fatal(err)
		}
		p := startFake(t, bin, false, "-addr", "127.0.0.1:0", "-data", dir)
		if code := p.wait(t, 10*time.Second); code != exitCorrupt {
			t.Fatalf("exit code %d, want %d\n%s", code, exitCorrupt, p.stderr.String())
		}
		if !contains(p.stderr.String(), "corrupt store") {
			t.Fatalf("stderr: %s", p.stderr.String())
		}
		if after, _ := os.ReadFile(file); !bytes.Equal(after, junk) {
			t.Fatal("the corrupt store was written")
		}
	})

	t.Run("newer format", func(t *testing.T) {
		dir := t.TempDir()
		srv, err := fakeserver.New(fakeserver.Config{DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
		db, err := bolt.Open(filepath.Join(dir, fakeserver.StoreFile), 0o600, &bolt.Options{Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Put([]byte("format"), []byte("7")) }); err != nil {
			t.Fatal(err)
		}
		_ = db.Close()
		p := startFake(t, bin, false, "-addr", "127.0.0.1:0", "-data", dir)
		if code := p.wait(t, 10*time.Second); code != exitNewer {
			t.Fatalf("exit code %d, want %d\n%s", code, exitNewer, p.stderr.String())
		}
		if !contains(p.stderr.String(), "format version 7") {
			t.Fatalf("stderr: %s", p.stderr.String())
		}
	})
}

// TestImportAndExportOnExit: -import starts from a snapshot, SIGTERM with
// -export-on-exit writes the state back; a refused -import exits 2 naming
// the problem.
func TestImportAndExportOnExit(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	bin := fakeBinary(t)
	srv, err := fakeserver.New(fakeserver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.SendText("superhero1", "group", "supergroup", "from a fixture"); err != nil {
		t.Fatal(err)
	}
	fixture := srv.Export()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "fixture.json"), filepath.Join(dir, "out.json")
	if err := os.WriteFile(in, fixture, 0o600); err != nil {
		t.Fatal(err)
	}
	p := startFake(t, bin, true, "-addr", "127.0.0.1:0", "-import", in, "-export-on-exit", out)
	for deadline := time.Now().Add(5 * time.Second); !contains(p.stdout.String(), "docs:") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond) // the banner follows the ready line
	}
	if !contains(p.stdout.String(), "from "+in) {
		t.Errorf("the banner does not say where the users come from:\n%s", p.stdout.String())
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t, 10*time.Second); code != 0 {
		t.Fatalf("exit code %d\n%s", code, p.stderr.String())
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, fixture) {
		t.Fatal("-export-on-exit wrote another state than -import read")
	}

	bad := bytes.Replace(fixture, []byte(`"version": 1`), []byte(`"version": 9`), 1)
	if err := os.WriteFile(in, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	q := startFake(t, bin, false, "-addr", "127.0.0.1:0", "-import", in)
	if code := q.wait(t, 10*time.Second); code != exitUsage || !contains(q.stderr.String(), "version 9 is not supported") {
		t.Fatalf("exit code %d\n%s", code, q.stderr.String())
	}
}
