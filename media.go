package cometchat

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gocometchat/cometchat/internal/rest"
)

// NewMediaMessage returns a media message that uploads files when sent
// (Cordova: new MediaMessage(receiverId, file, type, receiverType)).
func NewMediaMessage(receiverID string, receiverType ReceiverType, typ MessageType, files ...MediaFile) *MediaMessage {
	return &MediaMessage{BaseMessage: BaseMessage{ReceiverID: receiverID, ReceiverType: receiverType,
		Category: CategoryMessage, Type: typ}, Files: files}
}

// NewMediaMessageFromURL returns a media message that points at an already
// hosted file (Cordova: new MediaMessage(receiverId, url, type, receiverType)).
func NewMediaMessageFromURL(receiverID string, receiverType ReceiverType, typ MessageType, url string) *MediaMessage {
	return &MediaMessage{BaseMessage: BaseMessage{ReceiverID: receiverID, ReceiverType: receiverType,
		Category: CategoryMessage, Type: typ}, URL: url}
}

// MediaFileFromPath returns a MediaFile that SendMediaMessage opens, uploads
// and closes.
func MediaFileFromPath(path string) MediaFile {
	return MediaFile{Name: filepath.Base(path), Path: path}
}

// MediaTypeOf returns the media message type for a MIME type, as the Cordova
// SDK derives it: image/*, video/*, audio/*, otherwise file.
func MediaTypeOf(mimeType string) MessageType {
	switch {
	case strings.HasPrefix(mimeType, "image"):
		return MessageTypeImage
	case strings.HasPrefix(mimeType, "video"):
		return MessageTypeVideo
	case strings.HasPrefix(mimeType, "audio"):
		return MessageTypeAudio
	}
	return MessageTypeFile
}

type mediaData struct {
	Text        string           `json:"text,omitempty"`
	URL         string           `json:"url,omitempty"`
	Metadata    map[string]any   `json:"metadata,omitempty"`
	Attachments []attachmentBody `json:"attachments,omitempty"`
}

type attachmentBody struct {
	Name      string `json:"name"`
	Extension string `json:"extension"`
	MimeType  string `json:"mimeType"`
	URL       string `json:"url"`
	Size      int64  `json:"size,omitempty"`
}

// SendMediaMessage sends an image, video, audio or file message (Cordova:
// sendMediaMessage) as a multipart upload of its Files, or with a URL or
// already hosted Attachments. The bytes are streamed, not buffered.
func (c *Client) SendMediaMessage(ctx context.Context, m *MediaMessage) (*MediaMessage, error) {
	if m == nil {
		return nil, errorf(CodeMissingParameters, "a message is required")
	}
	if err := checkReceiver(m.ReceiverID, m.ReceiverType); err != nil {
		return nil, err
	}
	switch m.Type {
	case MessageTypeImage, MessageTypeVideo, MessageTypeAudio, MessageTypeFile:
	default:
		return nil, errorf(CodeInvalidMessage, "a media message's type must be image, video, audio or file, not %q", m.Type)
	}
	if len(m.Files) == 0 && m.URL == "" && len(m.Attachments) == 0 {
		return nil, errorf(CodeInvalidMessage, "a media message needs files, a URL or attachments")
	}
	for i, f := range m.Files {
		if f.Reader == nil && f.Path == "" {
			return nil, errorf(CodeInvalidMessage, "file %d has neither a Reader nor a Path", i)
		}
		if f.Name == "" && f.Path == "" {
			return nil, errorf(CodeInvalidMessage, "file %d needs a name", i)
		}
	}
	for i, a := range m.Attachments {
		if a.Extension == "" || a.MimeType == "" || a.Name == "" || a.URL == "" {
			return nil, errorf(CodeInvalidMessage, "attachment %d needs extension, mimeType, name and url", i)
		}
	}
	// Open path-backed files before any I/O so that a missing file is a
	// clear error.
	files := make([]MediaFile, len(m.Files))
	var closers []io.Closer
	defer func() {
		for _, cl := range closers {
			_ = cl.Close()
		}
	}()
	for i, f := range m.Files {
		if f.Reader == nil {
			fh, err := os.Open(f.Path)
			if err != nil {
				return nil, &Error{Code: CodeInvalidMessage, Message: "cannot open a file to upload", Err: err}
			}
			closers = append(closers, fh)
			f.Reader = fh
			if f.Name == "" {
				f.Name = filepath.Base(f.Path)
			}
		}
		files[i] = f
	}
	data := mediaData{Text: m.Caption, URL: m.URL, Metadata: m.Metadata}
	for _, a := range m.Attachments {
		data.Attachments = append(data.Attachments, attachmentBody{Name: a.Name, Extension: a.Extension, MimeType: a.MimeType, URL: a.URL, Size: a.Size})
	}
	dataJSON, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("cometchat: encode media data: %w", err)
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
	}
	m.assignMUID(fingerprint(m.ParentMessageID, struct {
		Receiver     string
		ReceiverType ReceiverType
		Type         MessageType
		Tags         []string
		Data         json.RawMessage
		Files        []string
	}{m.ReceiverID, m.ReceiverType, m.Type, m.Tags, dataJSON, names}))
	c.noteOwnMUID(m.MUID)
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		pw.CloseWithError(writeMediaForm(mw, m, string(dataJSON), files))
	}()
	defer func() { _ = pr.Close() }()
	resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodPost, Path: messagePath(m.ParentMessageID),
		Raw: pr, ContentType: mw.FormDataContentType()})
	if err != nil {
		return nil, err
	}
	msg, err := decodeMessage(resp.Data)
	if err != nil {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server sent a message that cannot be read", Err: err}
	}
	c.noteSeen(msg.Base().ID)
	mm, ok := msg.(*MediaMessage)
	if !ok {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server answered a media message with another kind"}
	}
	return mm, nil
}

func writeMediaForm(mw *multipart.Writer, m *MediaMessage, data string, files []MediaFile) error {
	fields := [][2]string{{"muid", m.MUID}, {"type", string(m.Type)}, {"receiverType", string(m.ReceiverType)},
		{"category", string(CategoryMessage)}, {"data", data}}
	if m.Caption != "" {
		fields = append(fields, [2]string{"caption", m.Caption})
	}
	if len(m.Tags) > 0 {
		fields = append(fields, [2]string{"tags[]", strings.Join(m.Tags, ",")})
	}
	if m.ParentMessageID > 0 {
		fields = append(fields, [2]string{"parentMessageId", strconv.FormatInt(m.ParentMessageID, 10)})
	}
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			return err
		}
	}
	for _, f := range files {
		ct := f.ContentType
		if ct == "" {
			ct = mime.TypeByExtension(filepath.Ext(f.Name))
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		h := make(textproto.MIMEHeader)
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="files[]"; filename=%q`, f.Name))
		h.Set("Content-Type", ct)
		part, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		if _, err := io.Copy(part, f.Reader); err != nil {
			return err
		}
	}
	if err := mw.WriteField("receiver", m.ReceiverID); err != nil {
		return err
	}
	return mw.Close()
}
