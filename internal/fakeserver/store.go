package fakeserver

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// The durable store (Config.DataDir): one bbolt file holding every record of
// the state, one bucket per kind. The in-memory state stays the source of
// truth while the server runs; the store is read once at start and written
// by the committer (see journal.go).

// StoreFile is the name of the store's file inside Config.DataDir.
const StoreFile = "cometchat-fake.db"

// StoreFormatVersion is the version of the store's layout, kept under the
// key "format" of the bucket "meta". A store of a higher version is refused
// with ErrStoreVersion.
const StoreFormatVersion = 1

// storeLockWait is how long to wait for another process's lock on the store.
const storeLockWait = time.Second

// Errors of Config.DataDir, for errors.Is: the store is locked by another
// process, is not a readable store, or was written by a newer version.
var (
	ErrStoreInUse   = errors.New("in use by another cometchat-fake")
	ErrStoreCorrupt = errors.New("corrupt store")
	ErrStoreVersion = errors.New("store of a newer format version")
	errStoreClosed  = errors.New("fakeserver: the store is closed")
)

var bucketNames = [numKinds][]byte{
	kUser: []byte("users"), kToken: []byte("tokens"), kGroup: []byte("groups"), kMessage: []byte("messages"),
	kConv: []byte("conversations"), kBlock: []byte("blocks"), kFriend: []byte("friends"), kCall: []byte("calls"),
	kSession: []byte("sessions"), kMedia: []byte("media"), kCounters: []byte("meta"),
}

var (
	metaFormat   = []byte("format")
	metaJWTKey   = []byte("jwtKey")
	metaCounters = []byte("counters")
	metaTLSCert  = []byte("tlsCert")
	metaTLSKey   = []byte("tlsKey")
)

type store struct {
	s      *Server
	db     *bolt.DB
	dir    string
	j      *journal
	cs     commitState
	stop   chan struct{}
	done   chan struct{}
	failed chan struct{} // closed when a commit fails
	once   sync.Once
}

// openStore opens (or creates) the store in dir. It returns the stored state
// (nil for a new store) and the JWT signing key. A store that cannot be read
// is never written: the read happens in a read-only open first.
func openStore(dir string) (*store, *snapshot, []byte, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, nil, fmt.Errorf("fakeserver: data dir: %w", err)
	}
	path := filepath.Join(dir, StoreFile)
	var sn *snapshot
	var key []byte
	if info, err := os.Stat(path); err == nil && info.Size() > 0 {
		sn, key, err = loadStore(dir, path)
		if err != nil {
			return nil, nil, nil, err
		}
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil, fmt.Errorf("fakeserver: data dir: %w", err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: storeLockWait, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, nil, nil, storeOpenErr(dir, err)
	}
	if sn == nil {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			_ = db.Close()
			return nil, nil, nil, fmt.Errorf("fakeserver: jwt key: %w", err)
		}
		err = db.Update(func(tx *bolt.Tx) error {
			for _, name := range bucketNames {
				if _, err := tx.CreateBucketIfNotExists(name); err != nil {
					return err
				}
			}
			meta := tx.Bucket(bucketNames[kCounters])
			if err := meta.Put(metaFormat, []byte(strconv.Itoa(StoreFormatVersion))); err != nil {
				return err
			}
			return meta.Put(metaJWTKey, key)
		})
		if err != nil {
			_ = db.Close()
			return nil, nil, nil, fmt.Errorf("fakeserver: create the store in %s: %w", dir, err)
		}
	}
	d := &store{db: db, dir: dir, stop: make(chan struct{}), done: make(chan struct{}), failed: make(chan struct{})}
	d.cs.cond = sync.NewCond(&d.cs.mu)
	return d, sn, key, nil
}

func storeOpenErr(dir string, err error) error {
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return fmt.Errorf("fakeserver: %s is %w", dir, ErrStoreInUse)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch),
		errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrInvalidMapping):
		return fmt.Errorf("fakeserver: %w in %s: %v (the file is left as it is)", ErrStoreCorrupt, dir, err)
	}
	return fmt.Errorf("fakeserver: open the store in %s: %w", dir, err)
}

// loadStore reads the whole stored state, read-only.
func loadStore(dir, path string) (sn *snapshot, key []byte, err error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: storeLockWait, ReadOnly: true})
	if err != nil {
		return nil, nil, storeOpenErr(dir, err)
	}
	defer func() { _ = db.Close() }()
	defer func() {
		if p := recover(); p != nil { // bbolt panics on some damaged pages
			sn, key, err = nil, nil, fmt.Errorf("fakeserver: %w in %s: %v (the file is left as it is)", ErrStoreCorrupt, dir, p)
		}
	}()
	sn = &snapshot{Format: SnapshotFormat, Version: SnapshotVersion}
	err = db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketNames[kCounters])
		if meta == nil || meta.Get(metaFormat) == nil {
			return errors.New("no format version: not a cometchat-fake store")
		}
		v, perr := strconv.Atoi(string(meta.Get(metaFormat)))
		switch {
		case perr != nil || v < 1:
			return fmt.Errorf("format version %q is not a number", meta.Get(metaFormat))
		case v > StoreFormatVersion:
			return fmt.Errorf("%w: the store in %s has format version %d; this cometchat-fake reads version %d",
				ErrStoreVersion, dir, v, StoreFormatVersion)
		}
		key = append([]byte(nil), meta.Get(metaJWTKey)...)
		if len(key) < 16 {
			return errors.New("no JWT signing key")
		}
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error { return sn.loadBucket(name, b) })
	})
	if err == nil {
		err = sn.validate()
	}
	switch {
	case err == nil:
		return sn, key, nil
	case errors.Is(err, ErrStoreVersion):
		return nil, nil, fmt.Errorf("fakeserver: %w", err)
	}
	return nil, nil, fmt.Errorf("fakeserver: %w in %s: %v (the file is left as it is)", ErrStoreCorrupt, dir, err)
}

// loadBucket adds the records of one bucket to sn.
func (sn *snapshot) loadBucket(name []byte, b *bolt.Bucket) error {
	kind := numKinds
	for k, n := range bucketNames {
		if bytes.Equal(n, name) {
			kind = recKind(k)
		}
	}
	if kind == numKinds {
		return fmt.Errorf("unknown bucket %q", name)
	}
	return b.ForEach(func(k, v []byte) error {
		var err error
		switch kind {
		case kUser:
			err = appendRecord(&sn.Users, v)
		case kToken:
			err = appendRecord(&sn.AuthTokens, v)
		case kGroup:
			err = appendRecord(&sn.Groups, v)
		case kMessage:
			err = appendRecord(&sn.Messages, v)
		case kConv:
			err = appendRecord(&sn.Conversations, v)
		case kBlock:
			err = appendRecord(&sn.Blocks, v)
		case kFriend:
			err = appendRecord(&sn.Friends, v)
		case kCall:
			err = appendRecord(&sn.Calls, v)
		case kSession:
			err = appendRecord(&sn.Sessions, v)
		case kMedia:
			id, fname := splitMediaKey(string(k))
			mt, data, ok := bytes.Cut(v, []byte{0})
			if !ok || id == 0 {
				err = errors.New("malformed media record")
			}
			sn.Media = append(sn.Media, snapMedia{MessageID: id, Name: fname, MimeType: string(mt),
				Data: append([]byte(nil), data...)})
		case kCounters:
			if bytes.Equal(k, metaCounters) {
				var c snapCounters
				if err = strictUnmarshal(v, &c); err == nil {
					sn.IDBase, sn.Seq = c.IDBase, c.Seq
				}
			}
		}
		if err != nil {
			return fmt.Errorf("bucket %s, key %s: %v", name, hexKey(k), err)
		}
		return nil
	})
}

type snapCounters struct {
	IDBase int64 `json:"idBase"`
	Seq    int64 `json:"seq"`
}

func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func appendRecord[T any](list *[]T, v []byte) error {
	var rec T
	if err := strictUnmarshal(v, &rec); err != nil {
		return err
	}
	*list = append(*list, rec)
	return nil
}

// getMeta reads a key of the meta bucket (nil when absent).
func (d *store) getMeta(key []byte) []byte {
	var out []byte
	_ = d.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketNames[kCounters]); b != nil {
			out = append([]byte(nil), b.Get(key)...)
		}
		return nil
	})
	return out
}

// putMeta writes keys of the meta bucket at once (before serving).
func (d *store) putMeta(kv map[string][]byte) error {
	err := d.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketNames[kCounters])
		for k, v := range kv {
			if err := b.Put([]byte(k), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("fakeserver: write the store in %s: %w", d.dir, err)
	}
	return nil
}

// start runs the committer.
func (d *store) start(s *Server, j *journal) {
	d.s, d.j = s, j
	go d.run()
}

func (d *store) run() {
	defer close(d.done)
	for {
		select {
		case <-d.j.kick:
			d.commit()
		case <-d.stop:
			d.commit()
			return
		}
	}
}

// storeOp is one put (val != nil) or delete of a record.
type storeOp struct {
	kind recKind
	key  []byte
	val  []byte
}

// commit writes the open batch in one transaction, then delivers its
// frames and wakes its waiters.
func (d *store) commit() {
	s, j := d.s, d.j
	s.mu.Lock()
	if !j.busy {
		s.mu.Unlock()
		return
	}
	gen := j.gen
	j.gen++
	j.busy = false
	full, dirty, out := j.full, j.dirty, j.out
	j.full, j.dirty, j.out = false, map[recKey]struct{}{}, nil
	var ops []storeOp
	if full {
		ops = recordOps(s.st, allKeys(s.st))
	} else if len(dirty) > 0 {
		keys := make([]recKey, 0, len(dirty))
		for k := range dirty {
			keys = append(keys, k)
		}
		ops = recordOps(s.st, keys)
	}
	s.mu.Unlock()
	var err error
	if full || len(ops) > 0 {
		err = d.write(ops, full)
	}
	if err != nil {
		err = fmt.Errorf("fakeserver: write the store in %s: %w", d.dir, err)
		s.log.Error("store write failed: nothing more is acknowledged", "err", err)
	} else {
		for _, o := range out {
			o.deliver()
		}
	}
	cs := &d.cs
	cs.mu.Lock()
	if err != nil {
		if cs.err == nil {
			cs.err = err
			close(d.failed)
		}
	} else if cs.err == nil {
		cs.committed = gen
	}
	cs.cond.Broadcast()
	cs.mu.Unlock()
}

func (d *store) write(ops []storeOp, full bool) error {
	return d.db.Update(func(tx *bolt.Tx) error {
		if full {
			for k, name := range bucketNames {
				if recKind(k) == kCounters {
					continue
				}
				if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
					return err
				}
				if _, err := tx.CreateBucket(name); err != nil {
					return err
				}
			}
		}
		for _, op := range ops {
			b := tx.Bucket(bucketNames[op.kind])
			if b == nil {
				return fmt.Errorf("bucket %s is missing", bucketNames[op.kind])
			}
			var err error
			if op.val == nil {
				err = b.Delete(op.key)
			} else {
				err = b.Put(op.key, op.val)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// close writes what is left and closes the store.
func (d *store) close() error {
	var err error
	d.once.Do(func() {
		if d.j != nil { // the committer runs
			close(d.stop)
			<-d.done
		}
		cs := &d.cs
		cs.mu.Lock()
		cs.closed = true
		cs.cond.Broadcast()
		cs.mu.Unlock()
		err = d.db.Close()
	})
	return err
}

// storeKey is the bbolt key of a record.
func storeKey(k recKey) []byte {
	switch k.kind {
	case kMessage:
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(k.id))
		return b[:]
	case kConv, kBlock, kFriend:
		return []byte(k.a + "\x00" + k.b)
	case kCounters:
		return metaCounters
	}
	return []byte(k.a)
}

// recordOps encodes the current value of each record (a delete for a record
// that no longer exists), sorted by bucket and key. Server.mu held.
func recordOps(st *state, keys []recKey) []storeOp {
	ops := make([]storeOp, 0, len(keys))
	for _, k := range keys {
		op := storeOp{kind: k.kind, key: storeKey(k)}
		switch k.kind {
		case kUser:
			if u := st.users[k.a]; u != nil {
				op.val = encodeJSON(snapUserOf(u), false)
			}
		case kToken:
			if uid, ok := st.tokens[k.a]; ok {
				op.val = encodeJSON(st.snapTokenOf(k.a, uid), false)
			}
		case kGroup:
			if g := st.groups[k.a]; g != nil {
				op.val = encodeJSON(snapGroupOf(g), false)
			}
		case kMessage:
			if k.id > st.idBase && k.id <= st.lastID() {
				op.val = encodeJSON(snapMessageOf(st.messages[k.id-st.idBase-1]), false)
			}
		case kConv:
			if c := st.uconv[k.a][k.b]; c != nil {
				op.val = encodeJSON(snapConvOf(k.a, k.b, c), false)
			}
		case kBlock:
			if r, ok := st.blocks[k.a][k.b]; ok {
				op.val = encodeJSON(snapBlock{Blocker: k.a, Blocked: k.b, At: r.at, Seq: r.seq}, false)
			}
		case kFriend:
			if st.friends[k.a][k.b] {
				op.val = encodeJSON(snapFriend{UID: k.a, Friend: k.b}, false)
			}
		case kCall:
			if c := st.calls[k.a]; c != nil {
				op.val = encodeJSON(snapCallOf(c), false)
			}
		case kSession:
			if r := st.sessions[k.a]; r != nil {
				op.val = encodeJSON(snapSessionOf(r), false)
			}
		case kMedia:
			if f, ok := st.media[k.a]; ok {
				op.val = append(append([]byte(f.mimeType), 0), f.data...)
			}
		case kCounters:
			op.val = encodeJSON(snapCounters{IDBase: st.idBase, Seq: st.seq}, false)
		}
		ops = append(ops, op)
	}
	sort.Slice(ops, func(a, b int) bool {
		if ops[a].kind != ops[b].kind {
			return ops[a].kind < ops[b].kind
		}
		return bytes.Compare(ops[a].key, ops[b].key) < 0
	})
	return ops
}

// allKeys names every record of the state. Server.mu held.
func allKeys(st *state) []recKey {
	keys := []recKey{{kind: kCounters}}
	for uid := range st.users {
		keys = append(keys, recKey{kind: kUser, a: uid})
	}
	for tok := range st.tokens {
		keys = append(keys, recKey{kind: kToken, a: tok})
	}
	for guid := range st.groups {
		keys = append(keys, recKey{kind: kGroup, a: guid})
	}
	for _, m := range st.messages {
		keys = append(keys, recKey{kind: kMessage, id: m.id})
	}
	for uid, convs := range st.uconv {
		for cid := range convs {
			keys = append(keys, recKey{kind: kConv, a: uid, b: cid})
		}
	}
	for a, set := range st.blocks {
		for b := range set {
			keys = append(keys, recKey{kind: kBlock, a: a, b: b})
		}
	}
	for a, set := range st.friends {
		for b, on := range set {
			if on {
				keys = append(keys, recKey{kind: kFriend, a: a, b: b})
			}
		}
	}
	for sid := range st.calls {
		keys = append(keys, recKey{kind: kCall, a: sid})
	}
	for id := range st.sessions {
		keys = append(keys, recKey{kind: kSession, a: id})
	}
	for k := range st.media {
		keys = append(keys, recKey{kind: kMedia, a: k})
	}
	return keys
}
