package main

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser tests: a page served from another origin logs in against the
// emulator (TLS, CORS, websocket) in headless Chromium, and again after the
// emulator restarted on the same -data DIR, in the same browser, which
// trusts only the certificate it was given at the start (by its SPKI hash,
// as a developer trusts the CA file once): the certificate must be stable.

// chromium finds a Chromium or Chrome binary: CHROME_PATH, else the usual
// names on PATH. Tests skip without one, or when it does not start, unless
// COMETCHAT_BROWSER_REQUIRED is set.
func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs a browser")
	}
	if p := os.Getenv("CHROME_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium or chrome on PATH (set CHROME_PATH)")
	return ""
}

// spkiHash is the base64 SHA-256 of the certificate's public key, what
// Chromium's --ignore-certificate-errors-spki-list trusts.
func spkiHash(t *testing.T, caFile string) string {
	t.Helper()
	b, _ := pem.Decode([]byte(readFile(t, caFile)))
	if b == nil {
		t.Fatal("no PEM in the CA file")
	}
	cert, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// newBrowser starts headless Chromium trusting the certificate of spki
// only, with a fresh profile.
func newBrowser(t *testing.T, chrome, spki string) context.Context {
	t.Helper()
	// not t.TempDir: Chromium's helper processes may still write the profile
	// for a moment after the browser ended, so its removal is retried
	profile, err := os.MkdirTemp("", "cometchat-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // runs after the browser's cleanup below
		for i := 0; i < 50 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("ignore-certificate-errors-spki-list", spki),
		chromedp.UserDataDir(profile),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	if err := chromedp.Run(bctx); err != nil {
		if os.Getenv("COMETCHAT_BROWSER_REQUIRED") != "" { // .ci/run: a browser that is there must work
			t.Fatalf("chromium does not start: %v", err)
		}
		t.Skipf("chromium does not start here: %v", err)
	}
	return bctx
}

// pageResult loads url and polls the page's status element until it reads
// "ok …" or "error …".
func pageResult(t *testing.T, bctx context.Context, url string, timeout time.Duration, p *fakeProc) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(bctx, timeout)
	defer cancel()
	var out string
	err := chromedp.Run(ctx, chromedp.Navigate(url),
		chromedp.Poll(`(() => { const s = document.getElementById('status'); const v = s && s.textContent;
			return v && (v.startsWith('ok') || v.startsWith('error')) ? v : false; })()`, &out, chromedp.WithPollingInterval(100*time.Millisecond)))
	if err != nil {
		var log string
		_ = chromedp.Run(bctx, chromedp.Evaluate(`document.body ? document.body.innerText : ''`, &log))
		t.Fatalf("the page at %s did not finish: %v\n%s\nthe emulator's log:\n%s", url, err, log, p.stderr.String())
	}
	return out
}

// stopFake ends p with SIGTERM, as a developer's Ctrl-C does.
func stopFake(t *testing.T, p *fakeProc) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if code := p.wait(t, 15*time.Second); code != 0 {
		t.Fatalf("cometchat-fake exited %d\n%s", code, p.stderr.String())
	}
}

// acrossRestart runs page (served with files from another origin) against
// an emulator, restarts the emulator on the same port and -data DIR, and
// runs the page again in the same browser.
func acrossRestart(t *testing.T, page func(host string) string, files map[string]string, timeout time.Duration) {
	chrome := chromium(t)
	bin := fakeBinary(t)
	data := t.TempDir()
	addr := net.JoinHostPort("127.0.0.1", freePort(t))
	ca1 := filepath.Join(t.TempDir(), "ca.pem")
	p := startFake(t, bin, true, "-addr", addr, "-ca-out", ca1, "-data", data, "-v")
	bctx := newBrowser(t, chrome, spkiHash(t, ca1))

	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if path, ok := files[r.URL.Path]; ok {
			http.ServeFile(w, r, path)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(page(addr)))
	}))
	defer site.Close()

	if got := pageResult(t, bctx, site.URL+"/", timeout, p); !strings.HasPrefix(got, "ok") {
		t.Fatalf("before the restart: %s\n%s", got, p.stderr.String())
	}
	stopFake(t, p)
	ca2 := filepath.Join(t.TempDir(), "ca.pem")
	p2 := startFake(t, bin, true, "-addr", addr, "-ca-out", ca2, "-data", data, "-v")
	if readFile(t, ca2) != readFile(t, ca1) {
		t.Fatal("the emulator made a new certificate on the same -data DIR")
	}
	if got := pageResult(t, bctx, site.URL+"/?again=1", timeout, p2); !strings.HasPrefix(got, "ok") {
		t.Fatalf("after the restart: %s\n%s", got, p2.stderr.String())
	}
	stopFake(t, p2)
}

// loginPage is a small page of the test's own (no SDK): it logs in as the
// JavaScript SDK does (auth token, PUT /me), authenticates a websocket with
// the JWT, and writes "ok <uid> <code>" into #status.
func loginPage(host string) string {
	return `<!doctype html><meta charset="utf-8"><title>login</title><p id="status">running</p>
<script>
const HOST = '` + host + `', APP_ID = 'fake-app', AUTH_KEY = 'fake-auth-key';
async function main() {
  const base = 'https://' + HOST + '/v3.0';
  const session = 'WEB-test-' + Math.random().toString(36).slice(2);
  const hdr = { appId: APP_ID, 'Content-Type': 'application/json', resource: session };
  let r = await fetch(base + '/users/superhero1/auth_tokens', { method: 'POST', headers: { ...hdr, apiKey: AUTH_KEY }, body: '{}' });
  if (!r.ok) throw new Error('auth token: HTTP ' + r.status);
  const token = (await r.json()).data.authToken;
  r = await fetch(base + '/me', { method: 'PUT', headers: { ...hdr, authToken: token }, body: '{"platform":"javascript"}' });
  if (!r.ok) throw new Error('PUT /me: HTTP ' + r.status);
  const me = (await r.json()).data;
  const code = await new Promise((resolve, reject) => {
    const ws = new WebSocket('wss://' + HOST);
    ws.onopen = () => ws.send(JSON.stringify({ appId: APP_ID, type: 'auth', sender: me.uid, deviceId: session,
      body: { auth: me.jwt, deviceId: session, presenceSubscription: 'ALL_USERS' } }));
    ws.onmessage = (e) => { const f = JSON.parse(e.data); if (f.type === 'auth') { ws.close(); resolve(f.body.code); } };
    ws.onerror = () => reject(new Error('websocket error'));
  });
  return me.uid + ' ' + code;
}
const out = document.getElementById('status');
main().then((v) => { out.textContent = 'ok ' + v; }, (e) => { out.textContent = 'error ' + e; });
</script>`
}

// TestBrowserLoginAcrossRestart: the small page logs in from another origin
// before and after an emulator restart on the same -data DIR, in a browser
// that trusts only the first start's certificate.
func TestBrowserLoginAcrossRestart(t *testing.T) {
	acrossRestart(t, loginPage, nil, 30*time.Second)
}

// TestBrowserJSSDKAcrossRestart is the same with the real CometChat
// JavaScript SDK and the page of docs/emulator.md ("Use it from a browser
// app"). The SDK comes from npm at run time (never from this repository):
// set COMETCHAT_BROWSER_SDK to its node_modules directory (.ci/run points it
// at the conformance harness's copy); without it the test is skipped.
func TestBrowserJSSDKAcrossRestart(t *testing.T) {
	modules := os.Getenv("COMETCHAT_BROWSER_SDK")
	if modules == "" {
		t.Skip("COMETCHAT_BROWSER_SDK is not set (the node_modules holding @cometchat-pro/chat)")
	}
	sdk := filepath.Join(modules, "@cometchat-pro", "chat", "CometChat.js")
	if _, err := os.Stat(sdk); err != nil {
		t.Skipf("no SDK at %s", sdk)
	}
	doc := docBlocks(t, "html")[0]
	const cdn = "https://unpkg.com/@cometchat-pro/chat@3.0.13/CometChat.js"
	if !strings.Contains(doc, cdn) || !strings.Contains(doc, "'127.0.0.1:8443'") {
		t.Fatalf("the page of docs/emulator.md no longer loads %s or no longer names 127.0.0.1:8443", cdn)
	}
	page := func(host string) string {
		return strings.NewReplacer(cdn, "/CometChat.js", "'127.0.0.1:8443'", "'"+host+"'").Replace(doc)
	}
	acrossRestart(t, page, map[string]string{"/CometChat.js": sdk}, 60*time.Second)
}
