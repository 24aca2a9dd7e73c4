package fakeserver_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
)

// restReply is a decoded reply of the documented REST API (/v3).
type restReply struct {
	Status int
	Header http.Header
	Raw    []byte
	Data   json.RawMessage            `json:"data"`
	Meta   map[string]json.RawMessage `json:"meta"`
	Error  *errBody                   `json:"error"`
}

// rest calls the REST API as CometChat's docs show it: base /v3, header
// apikey (the REST API key unless key is given), onBehalfOf when ob is set,
// no appId header. hdr holds more header pairs.
func (h *harness) rest(method, path, body, ob string, hdr ...string) restReply {
	h.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	hr, err := http.NewRequest(method, "https://"+h.srv.Addr()+"/v3"+path, rd)
	if err != nil {
		h.t.Fatalf("request: %v", err)
	}
	hr.Header.Set("apikey", testAPIKey)
	if body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	if ob != "" {
		hr.Header.Set("onBehalfOf", ob)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if strings.EqualFold(hdr[i], "Host") {
			hr.Host = hdr[i+1]
			continue
		}
		hr.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := h.client.Do(hr)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("read body: %v", err)
	}
	out := restReply{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	if err := json.Unmarshal(raw, &out); err != nil {
		h.t.Fatalf("%s %s: body is not JSON: %s", method, path, raw)
	}
	return out
}

// okREST fails unless r is a 200 with data, and decodes data into v.
func okREST[T any](t *testing.T, r restReply, v *T) {
	t.Helper()
	if r.Status != http.StatusOK || r.Error != nil || len(r.Data) == 0 {
		t.Fatalf("want 200 with data, got %d %s", r.Status, r.Raw)
	}
	if v != nil {
		if err := json.Unmarshal(r.Data, v); err != nil {
			t.Fatalf("decode data: %v in %s", err, r.Data)
		}
	}
}

// failsREST checks an error reply of the REST API.
func failsREST(t *testing.T, r restReply, status int, code string) {
	t.Helper()
	if r.Error == nil || r.Status != status || r.Error.Code != code {
		t.Fatalf("want %d %s, got %d %s", status, code, r.Status, r.Raw)
	}
	if r.Error.Message == "" || r.Error.Details == nil {
		t.Fatalf("error needs message and details: %s", r.Raw)
	}
}

// keysOf returns the sorted keys of a JSON object.
func keysOf(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not an object: %s", raw)
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// hasKeys fails unless the object raw has every key of want.
func hasKeys(t *testing.T, what string, raw json.RawMessage, want []string) {
	t.Helper()
	have := keysOf(t, raw)
	for _, k := range want {
		i := sort.SearchStrings(have, k)
		if i == len(have) || have[i] != k {
			t.Fatalf("%s: key %q missing in %s", what, k, raw)
		}
	}
}

// jsonField returns the string or number at key of the object raw.
func jsonField(t *testing.T, raw json.RawMessage, key string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not an object: %s", raw)
	}
	v := bytes.TrimSpace(m[key])
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(v)
}
