package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestRunServesUntilCancelled(t *testing.T) {
	ca := filepath.Join(t.TempDir(), "ca.pem")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-app-id", "cmd-app", "-auth-key", "k", "-region", "eu",
			"-ca-out", ca, "-max-upload", "1M",
			"-extension", "reactions=Reactions", "-extension", "polls", "-feature", "moderation", "-feature", "translation=false"}, pw, io.Discard)
		pw.Close()
	}()
	lines := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var line string
	select {
	case line = <-lines:
	case err := <-done:
		t.Fatalf("run ended early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("no ready line")
	}
	m := regexp.MustCompile(`listening on (\S+:\d+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("ready line %q", line)
	}
	pemBytes, err := os.ReadFile(ca)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatal("no certificate in -ca-out")
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequest("GET", "https://"+m[1]+"/v3.0/settings", nil)
	req.Header.Set("appId", "cmd-app")
	resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`"REGION":"eu"`, `"extensions":[{"id":"reactions","name":"Reactions"},{"id":"polls","name":"polls"}]`,
		`"parameters":{"moderation":true,"translation":false}`} {
		if !strings.Contains(string(body), want) {
			t.Fatalf("settings lack %s: %s", want, body)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
	for range lines {
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-max-upload", "lots"}, {"extra"}, {"-addr", "256.0.0.1:99999"},
		{"-extension", "=Name"}, {"-feature", "x=maybe"}, {"-feature", "=true"},
		{"-tls-cert", "c.pem"}, {"-tls-key", "k.pem"}, {"-plain", "-tls-cert", "c.pem", "-tls-key", "k.pem"},
		{"-addr", "127.0.0.1:0", "-tls-cert", "/nonexistent/c.pem", "-tls-key", "/nonexistent/k.pem"}} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Fatalf("%v: want an error", args)
		}
	}
}
