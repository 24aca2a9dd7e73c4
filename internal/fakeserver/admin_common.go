package fakeserver

import (
	"encoding/json"
	"strings"
)

// Shapes and helpers shared by the REST API's handlers (admin_*.go).

// Page-number paging of the REST API: perPage (default 100, at most 1000)
// and page (from 1), answered in meta.pagination.
const (
	restPerPage    = 100
	restMaxPerPage = 1000
	// Message lists take limit (default 10, at most 1000) and answer
	// meta.current and meta.next.
	restLimit    = 10
	restMaxLimit = 1000
)

// restPage applies perPage and page to n items (numbers clamped, never
// refused, as in the client API).
func restPage(q query, n int) (lo, hi int, p paginationJSON) {
	per := clampInt(q.intDefault("perPage", restPerPage), restPerPage, restMaxPerPage)
	pg := max(q.intDefault("page", 1), 1)
	if pg-1 >= (n+per-1)/per {
		lo = n
	} else {
		lo = (pg - 1) * per
	}
	hi = min(n, lo+per)
	pages := max((n+per-1)/per, 1)
	return lo, hi, paginationJSON{Total: n, Count: hi - lo, PerPage: per, CurrentPage: pg, TotalPages: pages}
}

// restMeta is meta of a page-number list, with the cursor some lists carry.
type restMeta struct {
	Pagination paginationJSON `json:"pagination"`
	Cursor     *restCursor    `json:"cursor,omitempty"`
}

// restCursor is the cursor of users, groups, members, friends and blocked
// users lists ({"updatedAt","affix"}) and of a user's messages ({"id","affix"}).
type restCursor struct {
	UpdatedAt int64  `json:"updatedAt,omitempty"`
	ID        int64  `json:"id,omitempty"`
	Affix     string `json:"affix"`
}

// restList is {"data":[...],"meta":{...}} of the REST API.
func restList[T any, M any](items []T, meta M) []byte {
	if items == nil {
		items = []T{}
	}
	return marshal(struct {
		Data []T `json:"data"`
		Meta M   `json:"meta"`
	}{items, meta})
}

// msgMeta is meta of a message list: current {limit, count} and next, the
// cursor that continues in the same direction.
type msgMeta struct {
	Current msgCurrent `json:"current"`
	Next    *msgNext   `json:"next,omitempty"`
}

type msgCurrent struct {
	Limit int `json:"limit"`
	Count int `json:"count"`
}

type msgNext struct {
	Affix  string `json:"affix"`
	SentAt int64  `json:"sentAt,omitempty"`
	ID     string `json:"id,omitempty"`
}

// deleteReq is the body of the deletes that take {"permanent": bool}.
type deleteReq struct {
	Permanent flexBool `json:"permanent"`
}

// unsetReq is the "unset" list of an update.
type unsetReq struct {
	Unset *stringList `json:"unset"`
}

// checkUnset refuses names outside allowed and returns the set.
func checkUnset(raw *stringList, allowed ...string) (map[string]bool, *apiError) {
	out := map[string]bool{}
	if raw == nil {
		return out, nil
	}
	for _, f := range *raw {
		f = strings.TrimSpace(f)
		if !containsFold(allowed, f) {
			return nil, badRequest("unset", "unset may name "+strings.Join(allowed, ", ")+".")
		}
		out[strings.ToLower(f)] = true
	}
	return out, nil
}

// okJSON is the {"success":true,"message":...} of deletes and actions.
func okJSON(msg string) []byte { return dataReply(successJSON{Success: true, Message: msg}) }

// updatedOr returns updatedAt, or createdAt when the record was never updated.
func updatedOr(updatedAt, createdAt int64) int64 {
	if updatedAt != 0 {
		return updatedAt
	}
	return createdAt
}

// rawObject returns raw when it is a JSON object, else nil.
func rawObject(raw json.RawMessage) json.RawMessage {
	if isJSONObject(raw) {
		return cloneRaw(raw)
	}
	return nil
}
