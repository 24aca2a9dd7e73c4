package cometchat

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gocometchat/cometchat/internal/rest"
	"github.com/gocometchat/cometchat/internal/wire"
)

// maxIterItems bounds what one iterator yields, so that a misbehaving server
// cannot make it loop forever.
const maxIterItems = 1_000_000

// pager walks a page-numbered list (users, groups, members, banned members,
// blocked users, conversations) the way the Cordova SDK does: page 1, 2, ...
// until an empty page or the last page. Concurrent fetches on one request are
// serialised.
type pager[T any] struct {
	c      *Client
	path   string
	query  []rest.KV
	decode func(json.RawMessage) ([]T, error)
	key    func(T) string

	mu         sync.Mutex
	next       int
	totalPages int
	done       bool
	seen       boundedSet[string] // keys already listed, to detect a stuck cursor
}

// pagerSeenCapacity bounds the keys a pager remembers: a page that repeats
// one of the last pagerSeenCapacity items stops the listing.
const pagerSeenCapacity = 10000

func newPager[T any](c *Client, path string, query []rest.KV, decode func(json.RawMessage) ([]T, error), key func(T) string) *pager[T] {
	return &pager[T]{c: c, path: path, query: query, decode: decode, key: key, next: 1}
}

// fetchNext returns the next page; at the end an empty slice and no error.
func (p *pager[T]) fetchNext(ctx context.Context) ([]T, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return []T{}, nil
	}
	q := append(append([]rest.KV(nil), p.query...), rest.KV{Key: "page", Value: strconv.Itoa(p.next)})
	resp, err := p.c.clientCall(ctx, &rest.Request{Method: http.MethodGet, Path: p.path, Query: q})
	if err != nil {
		return nil, err
	}
	items, err := p.decode(resp.Data)
	if err != nil {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server sent a list that cannot be read", Err: err}
	}
	var meta wire.Meta
	if len(resp.Meta) > 0 {
		_ = json.Unmarshal(resp.Meta, &meta)
	}
	if meta.Pagination != nil {
		p.totalPages = int(meta.Pagination.TotalPages)
	}
	if len(items) == 0 {
		p.done = true
		return []T{}, nil
	}
	if p.key != nil {
		if p.seen.limit == 0 {
			p.seen = newBoundedSet[string](pagerSeenCapacity)
		}
		fresh := false
		for _, it := range items {
			if p.seen.add(p.key(it)) {
				fresh = true
			}
		}
		if !fresh {
			p.done = true
			return nil, errorf(CodeCursorStuck, "the server sent page %d again; stopping instead of looping", p.next)
		}
	}
	if p.totalPages > 0 && p.next >= p.totalPages {
		p.done = true
	}
	p.next++
	return items, nil
}

// fresh returns a pager with p's request at its first page: what an All
// iterator walks, so that it neither continues nor disturbs FetchNext.
func (p *pager[T]) fresh() *pager[T] {
	return newPager(p.c, p.path, p.query, p.decode, p.key)
}

// all is the All iterator of a paged request: each range starts from the
// first page on its own pager.
func (p *pager[T]) all(ctx context.Context) iter.Seq2[T, error] {
	return iterate(ctx, func() func(context.Context) ([]T, error) { return p.fresh().fetchNext })
}

// iterate turns a fetch function into an iterator that pages until the end,
// stops at the first error (yielding it once), and never loops forever.
// start is called at each range, so that every range begins at the start.
func iterate[T any](ctx context.Context, start func() func(context.Context) ([]T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		fetch := start()
		n := 0
		for {
			page, err := fetch(ctx)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			if len(page) == 0 {
				return
			}
			for _, it := range page {
				if !yield(it, nil) {
					return
				}
				n++
				if n >= maxIterItems {
					var zero T
					yield(zero, errorf(CodeCursorStuck, "more than %d items; stopping", maxIterItems))
					return
				}
			}
		}
	}
}

func decodeList[W any, T any](conv func(*W) T) func(json.RawMessage) ([]T, error) {
	return func(raw json.RawMessage) ([]T, error) {
		var ws []W
		if err := json.Unmarshal(raw, &ws); err != nil {
			return nil, err
		}
		out := make([]T, 0, len(ws))
		for i := range ws {
			out = append(out, conv(&ws[i]))
		}
		return out, nil
	}
}

// limitKV validates a builder limit as the Cordova SDK does: required,
// between 1 and max.
func limitKV(limit, max int) (rest.KV, error) {
	switch {
	case limit < 0:
		return rest.KV{}, errorf(CodeSetLimitIsCompulsory, "set a limit between 1 and %d", max)
	case limit == 0:
		return rest.KV{}, errorf(CodeSetLimitIsCompulsory, "SetLimit is required (1 to %d)", max)
	case limit > max:
		return rest.KV{}, errorf(CodeSetLimitExceeded, "the limit %d exceeds %d", limit, max)
	}
	return rest.KV{Key: "per_page", Value: strconv.Itoa(limit)}, nil
}

func boolKV(key string, v bool) []rest.KV {
	if !v {
		return nil
	}
	return []rest.KV{{Key: key, Value: "1"}}
}

func listKV(key string, vs []string) []rest.KV {
	if len(vs) == 0 {
		return nil
	}
	return []rest.KV{{Key: key, Value: strings.Join(vs, ",")}}
}

// searchKV is the searchKey parameter of a list: the trimmed search text,
// none when blank.
func searchKV(search string) []rest.KV {
	if s := strings.TrimSpace(search); s != "" {
		return []rest.KV{{Key: "searchKey", Value: s}}
	}
	return nil
}

// Limits and defaults of the Cordova SDK (DEFAULT_VALUES).
const (
	// MaxMessagesLimit is the largest MessagesRequestBuilder.SetLimit.
	MaxMessagesLimit = 100
	// MaxUsersLimit is the largest UsersRequestBuilder.SetLimit.
	MaxUsersLimit = 100
	// MaxGroupsLimit is the largest GroupsRequestBuilder.SetLimit (members and
	// banned members too).
	MaxGroupsLimit = 100
	// MaxConversationsLimit is the largest ConversationsRequestBuilder.SetLimit.
	MaxConversationsLimit = 50
	// DefaultCallTimeout is how long an outgoing call rings before it is
	// marked unanswered (WithCallTimeout changes it).
	DefaultCallTimeout = 45 * time.Second
)
