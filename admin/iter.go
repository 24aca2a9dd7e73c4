package admin

import (
	"context"
	"encoding/json"
	"iter"
	"strconv"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/rest"
)

// maxItems bounds what one range yields, whatever the server sends.
const maxItems = 1_000_000

// pageMeta is meta.pagination of a page-number list.
type pageMeta struct {
	Pagination struct {
		Total      int `json:"total"`
		PerPage    int `json:"per_page"`
		TotalPages int `json:"total_pages"`
	} `json:"pagination"`
}

// pages ranges over a page-number list (perPage, page): each range starts at
// page 1; it stops after the last page, on an empty page, at the first error
// (yielded once), and with cometchat.CodeCursorStuck when a page repeats.
func pages[T any](ctx context.Context, c *Client, r request, perPage int, key func(*T) string) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		seen := map[string]bool{}
		n := 0
		for page := 1; ; page++ {
			pr := r
			pr.query = append(append([]rest.KV(nil), r.query...), rest.KV{Key: "perPage", Value: strconv.Itoa(perPage)},
				rest.KV{Key: "page", Value: strconv.Itoa(page)})
			resp, err := c.do(ctx, pr)
			if err != nil {
				yield(nil, err)
				return
			}
			var items []*T
			var meta pageMeta
			if err := json.Unmarshal(resp.Data, &items); err != nil {
				yield(nil, &cometchat.Error{Code: cometchat.CodeFailedToFetch, Message: "the server sent a list that cannot be read", Err: err})
				return
			}
			_ = json.Unmarshal(resp.Meta, &meta)
			fresh := false
			for _, it := range items {
				if k := key(it); !seen[k] {
					seen[k], fresh = true, true
				}
			}
			if len(items) > 0 && !fresh {
				yield(nil, &cometchat.Error{Code: cometchat.CodeCursorStuck,
					Message: "the server sent page " + strconv.Itoa(page) + " again; stopping instead of looping"})
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
				if n++; n >= maxItems {
					yield(nil, &cometchat.Error{Code: cometchat.CodeCursorStuck, Message: "more than a million items; stopping"})
					return
				}
			}
			if len(items) == 0 || len(items) < perPage || meta.Pagination.TotalPages > 0 && page >= meta.Pagination.TotalPages {
				return
			}
		}
	}
}

// cursorsFrom ranges over a message list that pages forward by cursor (affix
// append from the oldest message, then after the last id): each range
// starts at the beginning; it stops on an empty page, at the first error,
// and with cometchat.CodeCursorStuck when the cursor does not move.
// sizeKey is "limit" or "perPage"; next reads the cursor from meta.
// start is the message id to start after ("" for the beginning).
func cursorsFrom(ctx context.Context, c *Client, r request, sizeKey string, size int,
	next func(meta json.RawMessage, page []*Message) string, start string) iter.Seq2[*Message, error] {
	return func(yield func(*Message, error) bool) {
		after := start
		n := 0
		for {
			pr := r
			pr.query = append(append([]rest.KV(nil), r.query...), rest.KV{Key: sizeKey, Value: strconv.Itoa(size)},
				rest.KV{Key: "affix", Value: "append"})
			if after != "" {
				pr.query = append(pr.query, rest.KV{Key: "id", Value: after})
			}
			resp, err := c.do(ctx, pr)
			if err != nil {
				yield(nil, err)
				return
			}
			var page []*Message
			if err := json.Unmarshal(resp.Data, &page); err != nil {
				yield(nil, &cometchat.Error{Code: cometchat.CodeFailedToFetch, Message: "the server sent a list that cannot be read", Err: err})
				return
			}
			if len(page) == 0 {
				return
			}
			for _, m := range page {
				if !yield(m, nil) {
					return
				}
				if n++; n >= maxItems {
					yield(nil, &cometchat.Error{Code: cometchat.CodeCursorStuck, Message: "more than a million messages; stopping"})
					return
				}
			}
			cur := next(resp.Meta, page)
			if cur == "" || cur == after {
				yield(nil, &cometchat.Error{Code: cometchat.CodeCursorStuck, Message: "the cursor did not move; stopping instead of looping"})
				return
			}
			after = cur
		}
	}
}

// nextFromMeta reads meta.next.id (lists with meta current/next).
func nextFromMeta(meta json.RawMessage, _ []*Message) string {
	var m struct {
		Next struct {
			ID json.RawMessage `json:"id"`
		} `json:"next"`
	}
	_ = json.Unmarshal(meta, &m)
	return jsonID(m.Next.ID)
}

// cursorFromMeta reads meta.cursor.id (a user's messages).
func cursorFromMeta(meta json.RawMessage, _ []*Message) string {
	var m struct {
		Cursor struct {
			ID json.RawMessage `json:"id"`
		} `json:"cursor"`
	}
	_ = json.Unmarshal(meta, &m)
	return jsonID(m.Cursor.ID)
}

// jsonID reads an id sent as a string or a number.
func jsonID(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// failed is an iterator that yields err once.
func failed[T any](err error) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) { yield(nil, err) }
}
