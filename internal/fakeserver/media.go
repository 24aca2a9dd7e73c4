package fakeserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// upload is one file part of a multipart media message.
type upload struct {
	name     string
	mimeType string
	data     []byte
}

type attachmentJSON struct {
	Name      string `json:"name"`
	Extension string `json:"extension"`
	Size      int64  `json:"size"`
	MimeType  string `json:"mimeType"`
	URL       string `json:"url"`
}

// Bounds of a multipart media message besides Config.MaxUploadBytes.
const (
	// MaxFormBytes bounds the non-file parts of a multipart body together.
	MaxFormBytes = 1 << 20
	// MaxFormParts bounds the number of parts, files included.
	MaxFormParts = 100
	// multipartOverhead is what the whole body may hold beyond the files
	// and the fields: boundaries and part headers.
	multipartOverhead = 1 << 20
)

// errFormTooLarge answers a multipart body beyond MaxFormBytes or
// MaxFormParts.
func errFormTooLarge(msg string) *apiError {
	return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "ERR_BAD_REQUEST", Message: msg,
		Details: map[string][]string{"form": {msg}}}
}

// readMultipart reads a multipart media message: the form
// fields become a send request, the file parts uploads. Files beyond
// MaxUploadBytes in total give 413 ERR_FILE_SIZE_EXCEEDED (decision 16);
// fields beyond MaxFormBytes in total, more than MaxFormParts parts or a
// body beyond all of these give 413 ERR_BAD_REQUEST.
func (s *Server) readMultipart(rc *reqCtx) (sendMessageReq, []upload, *apiError) {
	var req sendMessageReq
	limit := s.cfg.MaxUploadBytes
	rc.r.Body = http.MaxBytesReader(nil, rc.r.Body, limit+MaxFormBytes+multipartOverhead)
	mr, err := rc.r.MultipartReader()
	if err != nil {
		return req, nil, badRequest("body", "The multipart body cannot be read.")
	}
	fields := map[string]string{}
	var files []upload
	var total, formBytes int64
	for parts := 0; ; parts++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return req, nil, errFormTooLarge("The multipart body is too large.")
		}
		if err != nil {
			return req, nil, badRequest("body", "The multipart body is malformed.")
		}
		if parts == MaxFormParts {
			_ = part.Close()
			return req, nil, errFormTooLarge(fmt.Sprintf("The form has more than %d parts.", MaxFormParts))
		}
		name := part.FormName()
		if part.FileName() != "" || name == "files[]" || name == "files" || name == "file" {
			data, err := io.ReadAll(io.LimitReader(part, limit-total+1))
			_ = part.Close()
			if errors.As(err, &tooBig) {
				return req, nil, errFormTooLarge("The multipart body is too large.")
			}
			if err != nil {
				return req, nil, badRequest("files", "A file part cannot be read.")
			}
			total += int64(len(data))
			if total > limit {
				return req, nil, errFileTooLarge(limit)
			}
			fname := path.Base(strings.ReplaceAll(part.FileName(), "\\", "/"))
			if fname == "" || fname == "." || fname == "/" {
				fname = fmt.Sprintf("file%d", len(files)+1)
			}
			mt := part.Header.Get("Content-Type")
			if mt == "" || mt == "application/octet-stream" {
				if byExt := mime.TypeByExtension(path.Ext(fname)); byExt != "" {
					mt = byExt
				} else if mt == "" {
					mt = "application/octet-stream"
				}
			}
			files = append(files, upload{name: fname, mimeType: mt, data: data})
			continue
		}
		v, err := io.ReadAll(io.LimitReader(part, MaxFormBytes-formBytes+1))
		_ = part.Close()
		if errors.As(err, &tooBig) {
			return req, nil, errFormTooLarge("The multipart body is too large.")
		}
		if err != nil {
			return req, nil, badRequest("form", "A form field cannot be read.")
		}
		formBytes += int64(len(v)) + int64(len(name))
		if formBytes > MaxFormBytes {
			return req, nil, errFormTooLarge(fmt.Sprintf("The form fields exceed %d bytes.", MaxFormBytes))
		}
		fields[name] = string(v)
	}
	req.Receiver = flexString(fields["receiver"])
	req.ReceiverID = flexString(fields["receiverId"])
	req.ReceiverType = flexString(fields["receiverType"])
	req.Category = flexString(fields["category"])
	req.Type = flexString(fields["type"])
	req.Muid = flexString(fields["muid"])
	if d := strings.TrimSpace(fields["data"]); d != "" {
		if !isJSONObject(json.RawMessage(d)) || !json.Valid([]byte(d)) {
			return req, nil, newErr(400, "ERR_INVALID_MESSAGE_DATA", "data must be a JSON object.")
		}
		req.Data = json.RawMessage(d)
	}
	if c := fields["caption"]; c != "" {
		var data map[string]json.RawMessage
		if len(req.Data) == 0 || json.Unmarshal(req.Data, &data) != nil {
			data = map[string]json.RawMessage{}
		}
		if _, ok := data["text"]; !ok {
			data["text"] = marshal(c)
			req.Data = marshal(data)
		}
	}
	tags := fields["tags[]"]
	if tags == "" {
		tags = fields["tags"]
	}
	req.Tags = splitList(tags)
	return req, files, nil
}

// storeUploadsLocked keeps the files of m and fills data.attachments and
// data.url with their URLs under /media/<app>/<id>/<name>.
func (s *Server) storeUploadsLocked(m *msgRec, files []upload, r *http.Request) {
	hostport, _, _ := s.publicHost(r)
	scheme := "https"
	if s.cfg.Plain {
		scheme = "http"
	}
	var atts []attachmentJSON
	if raw, ok := m.data["attachments"]; ok {
		_ = json.Unmarshal(raw, &atts)
	}
	for i, f := range files {
		name := f.name
		if _, dup := s.st.media[m.idString()+"/"+name]; dup {
			name = fmt.Sprintf("%d-%s", i+1, name)
		}
		s.st.media[m.idString()+"/"+name] = mediaFile{mimeType: f.mimeType, data: f.data}
		s.st.touch(kMedia, m.idString()+"/"+name, "")
		u := scheme + "://" + hostport + "/media/" + url.PathEscape(s.cfg.AppID) + "/" + m.idString() + "/" + url.PathEscape(name)
		atts = append(atts, attachmentJSON{Name: name, Extension: strings.ToLower(strings.TrimPrefix(path.Ext(name), ".")),
			Size: int64(len(f.data)), MimeType: f.mimeType, URL: u})
	}
	m.data["attachments"] = marshal(atts)
	var existing string
	if json.Unmarshal(m.data["url"], &existing) != nil || existing == "" {
		m.data["url"] = marshal(atts[0].URL)
	}
}

// serveMedia serves GET /media/<app>/<message id>/<file name>, without auth.
func (s *Server) serveMedia(w http.ResponseWriter, r *http.Request) {
	parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/media/"), "/", 3)
	if r.Method != http.MethodGet && r.Method != http.MethodHead || len(parts) != 3 || !s.appOK(parts[0]) {
		writeError(w, errAPINotFound(r.Method, r.URL.Path))
		return
	}
	s.mu.Lock()
	f, ok := s.st.media[parts[1]+"/"+parts[2]]
	s.mu.Unlock()
	if !ok {
		writeError(w, newErr(http.StatusNotFound, "ERR_MEDIA_NOT_FOUND", "The file %s does not exist.", r.URL.Path))
		return
	}
	w.Header().Set("Content-Type", f.mimeType)
	w.Header().Set("Content-Length", fmt.Sprint(len(f.data)))
	if r.Method == http.MethodGet {
		_, _ = w.Write(f.data)
	}
}
