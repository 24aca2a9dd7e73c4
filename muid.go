package cometchat

import (
	"encoding/json"
	"hash/fnv"
	"strconv"
)

// assignMUID gives the message the muid it is about to be sent with. The
// server keeps one copy per (sender, muid), so a muid may only be reused by a
// true retry: the same value sent again with the same content, after a send
// that failed. content is the fingerprint of what is being sent now.
//
//   - no muid yet: a new one;
//   - the value was sent before by this SDK with other content (say, the
//     same struct to another receiver): a new one;
//   - the value carries a server id (a received message, or a server's copy,
//     forwarded): a new one, since that muid belongs to the stored message;
//   - otherwise (a retry, or a muid the caller chose): kept.
func (b *BaseMessage) assignMUID(content uint64) {
	switch {
	case b.MUID == "",
		b.sentAs != 0 && b.sentAs != content,
		b.sentAs == 0 && b.ID != 0:
		b.MUID = newMUID()
	}
	b.sentAs = content
}

// fingerprint hashes what a send carries besides its muid: the thread and
// the JSON of the body. It is never 0.
func fingerprint(parent int64, body any) uint64 {
	h := fnv.New64a()
	_, _ = h.Write(strconv.AppendInt(nil, parent, 10))
	_, _ = h.Write([]byte{0})
	b, err := json.Marshal(body)
	if err != nil {
		b = []byte(err.Error())
	}
	_, _ = h.Write(b)
	if v := h.Sum64(); v != 0 {
		return v
	}
	return 1
}
