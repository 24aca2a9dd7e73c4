package fakeserver_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// multipartBody builds a media message the way the SDK does.
func multipartBody(t *testing.T, fields [][2]string, files map[string][]byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		if err := w.WriteField(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range files {
		hdr := textproto.MIMEHeader{}
		hdr.Set("Content-Disposition", `form-data; name="files[]"; filename="`+name+`"`)
		if strings.HasSuffix(name, ".png") {
			hdr.Set("Content-Type", "image/png")
		}
		pw, err := w.CreatePart(hdr)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write(data)
	}
	w.Close()
	return w.FormDataContentType(), &buf
}

func (h *harness) postMultipart(s session, contentType string, body io.Reader) reply {
	h.t.Helper()
	hr, _ := http.NewRequest("POST", h.srv.BaseURL()+"/messages", body)
	hr.Header.Set("Content-Type", contentType)
	hr.Header.Set("appId", testApp)
	hr.Header.Set("authToken", s.token)
	hr.Header.Set("resource", s.session)
	resp, err := h.client.Do(hr)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := reply{Status: resp.StatusCode, Raw: raw}
	if err := jsonUnmarshal(raw, &out); err != nil {
		h.t.Fatalf("not JSON: %s", raw)
	}
	return out
}

func TestMediaUpload(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{MaxUploadBytes: 1000})
	as := h.login("superhero1")
	_, b := h.connect("superhero2", "NONE")
	png := bytes.Repeat([]byte{0x89}, 300)
	ct, body := multipartBody(t, [][2]string{{"type", "image"}, {"receiverType", "user"}, {"category", "message"},
		{"data", `{"metadata":{"k":"v"}}`}, {"caption", "look"}, {"tags[]", "a,b"}, {"muid", "m1"}, {"receiver", "superhero2"}},
		map[string][]byte{"cat.png": png, "notes.txt": []byte("hello")})
	var m msgOut
	ok(t, h.postMultipart(as, ct, body), &m)
	if m.Type != "image" || m.Data.Text != "look" || len(m.Data.Attachments) != 2 || m.Data.URL != m.Data.Attachments[0].URL ||
		len(m.Tags) != 2 || m.Muid != "m1" {
		t.Fatalf("media message: %+v", m)
	}
	byName := map[string]int{}
	for i, att := range m.Data.Attachments {
		byName[att.Name] = i
		if !strings.HasPrefix(att.URL, "https://"+h.srv.Addr()+"/media/"+testApp+"/"+m.ID+"/") {
			t.Fatalf("attachment url %s", att.URL)
		}
	}
	pngAtt, txtAtt := m.Data.Attachments[byName["cat.png"]], m.Data.Attachments[byName["notes.txt"]]
	if pngAtt.Extension != "png" || pngAtt.Size != 300 || pngAtt.MimeType != "image/png" ||
		txtAtt.Extension != "txt" || !strings.HasPrefix(txtAtt.MimeType, "text/plain") {
		t.Fatalf("attachments: %+v", m.Data.Attachments)
	}
	resp, err := h.client.Get(pngAtt.URL) // served without auth
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !bytes.Equal(got, png) {
		t.Fatalf("download: %d %s %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(got))
	}
	if f := b.next("media push"); len(decode[msgOut](t, f.Body).Data.Attachments) != 2 {
		t.Fatalf("push: %s", f.raw)
	}
	// over the limit: 413 ERR_FILE_SIZE_EXCEEDED
	ct, body = multipartBody(t, [][2]string{{"type", "file"}, {"receiverType", "user"}, {"category", "message"}, {"receiver", "superhero2"}},
		map[string][]byte{"big.bin": bytes.Repeat([]byte("x"), 1001)})
	fails(t, h.postMultipart(as, ct, body), 413, "ERR_FILE_SIZE_EXCEEDED")
	// a media message needs a file, a url or attachments
	ct, body = multipartBody(t, [][2]string{{"type", "file"}, {"receiverType", "user"}, {"category", "message"}, {"receiver", "superhero2"}}, nil)
	fails(t, h.postMultipart(as, ct, body), 400, "ERR_EMPTY_MESSAGE_FILE")
	ct, body = multipartBody(t, [][2]string{{"type", "image"}, {"receiverType", "user"}, {"category", "message"},
		{"data", `{"url":"https://example.com/a.png"}`}, {"receiver", "superhero2"}}, nil)
	ok(t, h.postMultipart(as, ct, body), &m)
	if m.Data.URL != "https://example.com/a.png" {
		t.Fatalf("url message: %+v", m)
	}
	r, err := h.client.Get("https://" + h.srv.Addr() + "/media/" + testApp + "/99/none.png")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != 404 {
		t.Fatalf("missing media: %d", r.StatusCode)
	}
}

// TestMultipartFormFieldsAreBounded: the non-file parts of a media message
// are bounded in bytes (MaxFormBytes) and the parts in number
// (MaxFormParts); beyond either the server answers 413 in CometChat's
// envelope and stops reading, even while the client is still sending.
func TestMultipartFormFieldsAreBounded(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	s := h.login("superhero1")
	base := [][2]string{{"receiver", "superhero2"}, {"receiverType", "user"}, {"category", "message"}, {"type", "image"}}
	tooBig := func(what string, r reply) {
		t.Helper()
		if r.Status != http.StatusRequestEntityTooLarge || r.Error == nil || r.Error.Code != "ERR_BAD_REQUEST" ||
			len(r.Error.Details["form"]) == 0 {
			t.Fatalf("%s: %d %s", what, r.Status, r.Raw)
		}
	}
	// fields just under the bound pass
	under := append(base, [2]string{"junk", strings.Repeat("x", fakeserver.MaxFormBytes-1024)})
	ct, body := multipartBody(t, under, map[string][]byte{"a.png": []byte("png")})
	ok(t, h.postMultipart(s, ct, body), &msgOut{})
	// two fields of half the bound each do not
	over := append(base, [2]string{"junk1", strings.Repeat("x", fakeserver.MaxFormBytes/2)},
		[2]string{"junk2", strings.Repeat("x", fakeserver.MaxFormBytes/2)})
	ct, body = multipartBody(t, over, map[string][]byte{"a.png": []byte("png")})
	tooBig("fields over the bound", h.postMultipart(s, ct, body))
	// nor do many small parts
	many := append([][2]string(nil), base...)
	for i := 0; i < fakeserver.MaxFormParts; i++ {
		many = append(many, [2]string{"f", "1"})
	}
	ct, body = multipartBody(t, many, map[string][]byte{"a.png": []byte("png")})
	tooBig("too many parts", h.postMultipart(s, ct, body))

	// 200 junk fields of 1 MiB, streamed: refused without reading them all
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	sent := make(chan int64, 1)
	go func() {
		var n int64
		defer func() { sent <- n }()
		for _, f := range base {
			if mw.WriteField(f[0], f[1]) != nil {
				return
			}
		}
		chunk := bytes.Repeat([]byte("j"), 1<<20)
		for i := 0; i < 200; i++ {
			fw, err := mw.CreateFormField("junk")
			if err != nil {
				return
			}
			if _, err := fw.Write(chunk); err != nil {
				pw.CloseWithError(err)
				return
			}
			n += int64(len(chunk))
		}
		pw.CloseWithError(mw.Close())
	}()
	tooBig("streamed junk", h.postMultipart(s, mw.FormDataContentType(), pr))
	pr.Close()
	if n := <-sent; n >= 200<<20 {
		t.Fatalf("the server read all %d bytes of junk", n)
	}
}

// TestMediaStoreIsBounded: the in-memory media store holds at most
// MaxMediaBytes; an upload beyond it is refused with 413 and stores
// nothing, and Reset empties the store.
func TestMediaStoreIsBounded(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{MaxUploadBytes: 1000, MaxMediaBytes: 2500})
	s := h.login("superhero1")
	fields := [][2]string{{"receiver", "superhero2"}, {"receiverType", "user"}, {"category", "message"}, {"type", "file"}}
	upload := func() reply {
		ct, body := multipartBody(t, fields, map[string][]byte{"f.bin": bytes.Repeat([]byte("m"), 1000)})
		return h.postMultipart(s, ct, body)
	}
	ok(t, upload(), &msgOut{})
	ok(t, upload(), &msgOut{})
	before := h.srv.Stats().Messages
	if r := upload(); r.Status != http.StatusRequestEntityTooLarge || r.Error == nil || r.Error.Code != "ERR_FILE_SIZE_EXCEEDED" {
		t.Fatalf("third upload: %d %s", r.Status, r.Raw)
	}
	if h.srv.Stats().Messages != before {
		t.Fatal("a refused upload stored a message")
	}
	h.srv.Reset()
	h.restarted()
	s = h.login("superhero1")
	ok(t, upload(), &msgOut{})
}
