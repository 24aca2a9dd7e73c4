// Package examples_test checks that every example is a program of its own:
// copied alone into a new module, it builds and runs.
package examples_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// loggedLine is a line written by the log package (log.Printf, log.Fatal):
// the examples report every failure that way.
var loggedLine = regexp.MustCompile(`(?m)^\d{4}/\d{2}/\d{2} `)

// TestExamplesStandAlone copies each example's main.go alone into a
// temporary module (go mod init, a replace of this module by the checkout,
// go mod tidy), builds it, runs it against the fake server it starts and
// checks that it exits 0 and logs no error: what a user who copies an
// example out of the repository gets. The builds share the Go build cache.
func TestExamplesStandAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every example in a module of its own")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	checkout, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	mains, err := filepath.Glob("*/main.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(mains) < 6 {
		t.Fatalf("found %d examples, want at least 6: %v", len(mains), mains)
	}
	// No COMETCHAT_* variable (the examples would talk to CometChat), no
	// workspace, no inherited GOFLAGS (go test's own); modules may be
	// fetched.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "COMETCHAT_") && !strings.HasPrefix(kv, "GOFLAGS=") && !strings.HasPrefix(kv, "GOWORK=") {
			env = append(env, kv)
		}
	}
	env = append(env, "GOFLAGS=-mod=mod", "GOWORK=off")

	for _, main := range mains {
		name := filepath.Dir(main)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(main)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(src), "/internal/") {
				t.Errorf("%s imports an internal package: it cannot be copied out of the repository", main)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "main.go"), src, 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
			defer cancel()
			goCmd := func(args ...string) {
				t.Helper()
				cmd := exec.CommandContext(ctx, goTool, args...)
				cmd.Dir, cmd.Env = dir, env
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
				}
			}
			goCmd("mod", "init", "example.com/"+name)
			goCmd("mod", "edit", "-replace", "github.com/gocometchat/cometchat="+checkout)
			goCmd("mod", "tidy")
			bin := filepath.Join(dir, name)
			goCmd("build", "-o", bin, ".")

			runCtx, cancelRun := context.WithTimeout(context.Background(), time.Minute)
			defer cancelRun()
			cmd := exec.CommandContext(runCtx, bin)
			cmd.Dir, cmd.Env = dir, env
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err = cmd.Run()
			out := stdout.String() + stderr.String()
			if err != nil {
				t.Fatalf("%s: %v\n%s", name, err, out)
			}
			if loggedLine.MatchString(out) {
				t.Fatalf("%s exited 0 but logged an error:\n%s", name, out)
			}
			if !strings.Contains(stderr.String(), "# talking to the fake CometChat server at") {
				t.Errorf("%s did not say it talks to the fake server:\n%s", name, out)
			}
			if strings.TrimSpace(stdout.String()) == "" {
				t.Errorf("%s printed nothing", name)
			}
			t.Logf("%s:\n%s", name, stdout.String())
		})
	}
}
