package cometchat_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

func TestMediaUploadAndDownload(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	media := newEvents[*cometchat.MediaMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnMediaMessageReceived: media.add})
	ctx := ctxT(t)
	png := bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 1000)
	m := cometchat.NewMediaMessage("superhero2", cometchat.ReceiverTypeUser, cometchat.MessageTypeImage,
		cometchat.MediaFile{Name: "cat.png", Reader: bytes.NewReader(png)})
	m.Caption = "look"
	sent, err := a.SendMediaMessage(ctx, m)
	require.NoError(t, err)
	att := sent.Attachment()
	require.NotNil(t, att)
	require.Equal(t, "cat.png", att.Name)
	require.Equal(t, "png", att.Extension)
	require.Equal(t, "image/png", att.MimeType)
	require.Equal(t, int64(len(png)), att.Size)
	require.Equal(t, "look", sent.Caption)

	got := media.next(t)
	require.Equal(t, sent.ID, got.ID)
	require.Equal(t, att.URL, got.Attachment().URL)

	hc := trustingHTTPClient(t, srv)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, att.URL, nil)
	require.NoError(t, err)
	resp, err := hc.Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, png, body, "the server serves the uploaded bytes back")

	// From a path, to a group.
	path := filepath.Join(t.TempDir(), "notes.txt")
	require.NoError(t, os.WriteFile(path, []byte("hello"), 0o600))
	fm, err := a.SendMediaMessage(ctx, cometchat.NewMediaMessage("supergroup", cometchat.ReceiverTypeGroup,
		cometchat.MessageTypeFile, cometchat.MediaFileFromPath(path)))
	require.NoError(t, err)
	require.Equal(t, "notes.txt", fm.Attachment().Name)
	require.Equal(t, int64(5), fm.Attachment().Size)

	_, err = a.SendMediaMessage(ctx, cometchat.NewMediaMessage("superhero2", cometchat.ReceiverTypeUser, cometchat.MessageTypeFile,
		cometchat.MediaFileFromPath(filepath.Join(t.TempDir(), "missing"))))
	require.True(t, errors.Is(err, cometchat.CodeInvalidMessage), "%v", err)
}

func TestMediaOverTheSizeLimit(t *testing.T) {
	t.Parallel()
	srv := startServer(t, cometchattest.Config{MaxUploadBytes: 1024})
	a := loggedIn(t, srv, "superhero1")
	_, err := a.SendMediaMessage(ctxT(t), cometchat.NewMediaMessage("superhero2", cometchat.ReceiverTypeUser, cometchat.MessageTypeFile,
		cometchat.MediaFile{Name: "big.bin", Reader: bytes.NewReader(make([]byte, 4096))}))
	var ce *cometchat.Error
	require.ErrorAs(t, err, &ce)
	require.Equal(t, cometchat.CodeFileSizeExceeded, ce.Code)
	require.Equal(t, http.StatusRequestEntityTooLarge, ce.HTTPStatus)
	small, err := a.SendMediaMessage(ctxT(t), cometchat.NewMediaMessage("superhero2", cometchat.ReceiverTypeUser, cometchat.MessageTypeFile,
		cometchat.MediaFile{Name: "small.bin", Reader: bytes.NewReader(make([]byte, 512))}))
	require.NoError(t, err, "the client still works after a refused upload")
	require.Equal(t, int64(512), small.Attachment().Size)
}
