package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// docBlocks returns the code blocks of docs/emulator.md marked
// "<!-- test: kind -->".
func docBlocks(t *testing.T, kind string) []string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "emulator.md"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)<!-- test: " + regexp.QuoteMeta(kind) + " -->\\s*```[a-z]*\\n(.*?)```")
	var out []string
	for _, m := range re.FindAllStringSubmatch(string(doc), -1) {
		out = append(out, m[1])
	}
	if len(out) == 0 {
		t.Fatalf("no %q block in docs/emulator.md", kind)
	}
	return out
}

// TestDocsCurlSnippets runs the curl snippets of docs/emulator.md, in order,
// with bash against a started emulator (TLS, --cacert, a durable store), and
// checks what they did.
func TestDocsCurlSnippets(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	for _, tool := range []string{"bash", "curl", "sed"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	bin := fakeBinary(t)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	p := startFake(t, bin, true, "-addr", "127.0.0.1:0", "-ca-out", ca, "-data", t.TempDir())
	script := "set -euo pipefail\n" + strings.Join(docBlocks(t, "sh"), "\n")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Env = append(os.Environ(), "BASE=https://"+p.addr+"/v3.0", "CA="+ca, "TMPDIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the snippets failed: %v\n%s", err, out)
	}
	for _, want := range []string{`"uid":"alice"`, `"text":"Hello!"`, `"guid":"book-club"`, `"text":"First meeting on Monday"`,
		`"format": "cometchat-fake-snapshot"`, `"uid":"helper-bot"`, `"text":"I keep the minutes"`, `"sender":"app_system"`,
		`"User with helper-bot has been deleted successfully."`} {
		if !strings.Contains(string(out)+readFile(t, filepath.Join(cmd.Env[len(cmd.Env)-1][len("TMPDIR="):], "cometchat-fixture.json")), want) {
			t.Errorf("the snippets' output lacks %s:\n%s", want, out)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDocsJavaScriptSnippet runs the Node snippet of docs/emulator.md with
// the real CometChat JavaScript SDK. It needs node >= 20 and the SDK's
// node_modules (@cometchat-pro/chat and ws): COMETCHAT_SDK_NODE_MODULES, or
// the conformance harness's copy (.ci/run runs this test after it); without
// them it is skipped.
func TestDocsJavaScriptSnippet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	modules := os.Getenv("COMETCHAT_SDK_NODE_MODULES")
	if modules == "" {
		cache := os.Getenv("XDG_CACHE_HOME")
		if cache == "" {
			home, _ := os.UserHomeDir()
			cache = filepath.Join(home, ".cache")
		}
		modules = filepath.Join(cache, "cometchat-conformance", "node_modules")
	}
	for _, need := range []string{"@cometchat-pro/chat", "ws"} {
		if _, err := os.Stat(filepath.Join(modules, need)); err != nil {
			t.Skipf("no %s in %s (set COMETCHAT_SDK_NODE_MODULES)", need, modules)
		}
	}
	if out, err := exec.Command("node", "-e", "process.exit(Number(process.versions.node.split('.')[0]) >= 20 ? 0 : 1)").CombinedOutput(); err != nil {
		t.Skipf("node >= 20 is not available: %v %s", err, out)
	}
	bin := fakeBinary(t)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	p := startFake(t, bin, true, "-addr", "127.0.0.1:0", "-ca-out", ca, "-data", t.TempDir())
	script := filepath.Join(t.TempDir(), "hello.cjs")
	if err := os.WriteFile(script, []byte(docBlocks(t, "node")[0]), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", script)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules, "NODE_EXTRA_CA_CERTS="+ca, "FAKE_HOST="+p.addr)
	cmd.Stdin = strings.NewReader("")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node hello.cjs: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`superhero1 sent message \d+; the history holds \d+ messages`).Match(out) {
		t.Fatalf("output: %s", out)
	}
	_ = io.Discard
}

// TestEveryFlagIsInTheEmulatorDocs keeps the flag table of docs/emulator.md
// in sync with -h.
func TestEveryFlagIsInTheEmulatorDocs(t *testing.T) {
	var help strings.Builder
	if err := run(context.Background(), []string{"-h"}, io.Discard, &help); err == nil {
		t.Fatal("-h: want flag.ErrHelp")
	}
	doc := readFile(t, filepath.Join("..", "..", "docs", "emulator.md"))
	for _, m := range regexp.MustCompile(`(?m)^\s+-([a-z][a-z0-9-]*)`).FindAllStringSubmatch(help.String(), -1) {
		if !strings.Contains(doc, "| `-"+m[1]) {
			t.Errorf("flag -%s is not in the flag table of docs/emulator.md", m[1])
		}
	}
}
