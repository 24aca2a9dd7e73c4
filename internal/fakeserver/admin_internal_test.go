package fakeserver

import "testing"

func TestRedactPath(t *testing.T) {
	for in, want := range map[string]string{
		"/v3/users/bob/auth_tokens/bob_123abc":       "/v3/users/bob/auth_tokens/{authToken}",
		"/v3/users/bob/auth_tokens/bob_123abc/extra": "/v3/users/bob/auth_tokens/{authToken}/extra",
		"/v3/users/bob/auth_tokens":                  "/v3/users/bob/auth_tokens",
		"/v3/users/bob/auth_tokens/":                 "/v3/users/bob/auth_tokens/",
		"/v3/apikeys/f1915e328e249ffaaafd97fb":       "/v3/apikeys/{apiKey}",
		"/v3.0/messages":                             "/v3.0/messages",
	} {
		if got := redactPath(in); got != want {
			t.Errorf("redactPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHostApp(t *testing.T) {
	for host, want := range map[string]string{
		"myapp.api-us.cometchat.io":       "myapp",
		"MyApp.api-eu.cometchat.io:8443":  "myapp",
		"myapp.apiclient-us.cometchat.io": "",
		"myapp.api-us.cometchat.io.evil":  "",
		"myapp.api-.cometchat.io":         "",
		"127.0.0.1:8443":                  "",
		"[::1]:8443":                      "",
		"api-us.cometchat.io":             "",
	} {
		if got := hostApp(host); got != want {
			t.Errorf("hostApp(%q) = %q, want %q", host, got, want)
		}
	}
}
