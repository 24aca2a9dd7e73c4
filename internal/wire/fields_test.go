package wire

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// jsonNames lists the json names of t's fields in field order.
func jsonNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() || f.Anonymous {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	return out
}

func tableNames(t keyTable) []string {
	out := make([]string, len(t))
	for i, n := range t {
		out[i] = string(n)
	}
	return out
}

// TestKeyTablesMatchStructs: each key table lists its struct's json names
// in field order (the order decides which field a folded key matches).
func TestKeyTablesMatchStructs(t *testing.T) {
	for _, c := range []struct {
		table keyTable
		names []string
	}{
		{messageKeys, jsonNames(reflect.TypeFor[Message]())},
		{dataKeys, jsonNames(reflect.TypeFor[MessageData]())},
		{attachmentKeys, jsonNames(reflect.TypeFor[Attachment]())},
		{extrasKeys, jsonNames(reflect.TypeFor[Extras]())},
		{scopeKeys, jsonNames(reflect.TypeFor[ScopeChange]())},
		{entitiesKeys, jsonNames(reflect.TypeFor[Entities]())},
		{refKeys, jsonNames(reflect.TypeFor[EntityRef]())},
		{receiptKeys, jsonNames(reflect.TypeFor[Receipt]())},
		{receiptsKeys, jsonNames(reflect.TypeFor[Receipts]())},
		{callKeys, jsonNames(reflect.TypeFor[CallEntity]())},
		{signalKeys, jsonNames(reflect.TypeFor[SignalBody]())},
		{envelopeKeys, jsonNames(reflect.TypeFor[Envelope]())},
		{userGroupKeys[:len(jsonNames(reflect.TypeFor[User]()))], jsonNames(reflect.TypeFor[User]())},
	} {
		if got := tableNames(c.table); !reflect.DeepEqual(got, c.names) {
			t.Errorf("key table %v, struct %v", got, c.names)
		}
	}
	// userGroupKeys: User's names, then Group's that User lacks.
	user := jsonNames(reflect.TypeFor[User]())
	want := append([]string(nil), user...)
	for _, n := range jsonNames(reflect.TypeFor[Group]()) {
		if !strings.Contains(","+strings.Join(user, ",")+",", ","+n+",") {
			want = append(want, n)
		}
	}
	if got := tableNames(userGroupKeys); !reflect.DeepEqual(got, want) {
		t.Errorf("userGroupKeys %v, want %v", got, want)
	}
}

// TestFoldEqual: foldEqual is bytes.EqualFold (what encoding/json's folding
// amounts to) for every rune of the Basic Multilingual Plane (no rune above
// it folds to ASCII) against every ASCII letter, and for keys of several
// runes.
func TestFoldEqual(t *testing.T) {
	for r := rune(0); r <= 0xFFFF; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		key := []byte(string(r))
		for c := byte('A'); c <= 'z'; c++ {
			name := []byte{c}
			if got, want := foldEqual(key, name), bytes.EqualFold(key, name); got != want {
				t.Fatalf("foldEqual(%q, %q) = %v, bytes.EqualFold: %v", key, name, got, want)
			}
		}
	}
	for _, c := range []struct{ key, name string }{
		{"ſender", "sender"}, {"SENDER", "sender"}, {"blocKedByMe", "blockedByMe"}, {"\xffid", "id"},
		{"i", "id"}, {"idd", "id"}, {"", "id"}, {"İd", "id"}, {"ıd", "id"},
	} {
		if got, want := foldEqual([]byte(c.key), []byte(c.name)), bytes.EqualFold([]byte(c.key), []byte(c.name)); got != want {
			t.Errorf("foldEqual(%q, %q) = %v, bytes.EqualFold: %v", c.key, c.name, got, want)
		}
	}
}

// sample is a JSON value that sets every field of t to something other
// than its zero value; entities get the kind each slot usually has, and the
// "on" slot the kind given.
func sample(t reflect.Type, on string, depth int) any {
	switch t {
	case reflect.TypeFor[Str](), reflect.TypeFor[PartyID]():
		return "s"
	case reflect.TypeFor[Int]():
		return 7
	case reflect.TypeFor[Bool]():
		return true
	case reflect.TypeFor[Object]():
		return map[string]any{"k": "v"}
	case reflect.TypeFor[Strings]():
		return []string{"a", "b"}
	case reflect.TypeFor[json.RawMessage]():
		return map[string]any{"raw": 1}
	case reflect.TypeFor[UserOrUID]():
		return sample(reflect.TypeFor[User](), on, depth)
	case reflect.TypeFor[Entities]():
		ref := func(kind string, typ reflect.Type) any {
			return map[string]any{"entityType": kind, "entity": sample(typ, "call", depth+1)}
		}
		onType := reflect.TypeFor[CallEntity]()
		if on == "message" {
			onType = reflect.TypeFor[Message]()
		}
		return map[string]any{"sender": ref("user", reflect.TypeFor[User]()), "receiver": ref("group", reflect.TypeFor[Group]()),
			"by": ref("user", reflect.TypeFor[User]()), "on": ref(on, onType), "for": ref("group", reflect.TypeFor[Group]())}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return sample(t.Elem(), on, depth)
	case reflect.String:
		return "t"
	case reflect.Slice:
		return []any{sample(t.Elem(), on, depth)}
	case reflect.Struct:
		m := map[string]any{}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if f.Type == reflect.TypeFor[*Entities]() && depth > 1 {
				continue // nested messages stop there
			}
			m[name] = sample(f.Type, on, depth)
		}
		return m
	}
	panic("no sample for " + t.String())
}

// zeroFields lists the fields of v that are zero, by path, but for the typed
// values an EntityRef does not have for its kind and the fields left out of
// samples.
func zeroFields(v reflect.Value, path string, out *[]string) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			*out = append(*out, path)
			return
		}
		zeroFields(v.Elem(), path, out)
	case reflect.Slice:
		if v.Len() == 0 {
			*out = append(*out, path)
		}
		if v.Type().Elem().Kind() == reflect.Struct {
			for i := range v.Len() {
				zeroFields(v.Index(i), path+"[]", out)
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() || f.Type == reflect.TypeFor[error]() {
				continue
			}
			fv := v.Field(i)
			if v.Type() == reflect.TypeFor[EntityRef]() && fv.Kind() == reflect.Pointer && fv.IsNil() {
				continue // the kinds it is not
			}
			if f.Type == reflect.TypeFor[*Entities]() && fv.IsNil() && strings.Count(path, "Entities") > 0 {
				continue // nested messages' entities are left out of samples
			}
			zeroFields(fv, path+"."+f.Name, out)
		}
	default:
		if v.IsZero() {
			*out = append(*out, path)
		}
	}
}

// TestEveryFieldDecodes: documents setting every field of every decoded
// type (a message with each kind of entity, a call, a frame of each body
// kind) decode as json.Unmarshal decodes them, and fill every field. A
// field added to a wire type but not to its decoder fails here.
func TestEveryFieldDecodes(t *testing.T) {
	for _, on := range []string{"message", "call"} {
		raw, err := json.Marshal(sample(reflect.TypeFor[Message](), on, 0))
		if err != nil {
			t.Fatal(err)
		}
		checkDecode(t, raw)
		var m Message
		if err := DecodeMessage(raw, &m); err != nil {
			t.Fatal(err)
		}
		var zero []string
		zeroFields(reflect.ValueOf(m), "Message", &zero)
		if len(zero) > 0 {
			t.Errorf("on %s: fields left zero: %v\n%s", on, zero, raw)
		}
	}
	for _, typ := range []string{"message", "typing_indicator"} {
		env := sample(reflect.TypeFor[Envelope](), "call", 0).(map[string]any)
		env["type"] = typ
		if typ == "message" {
			env["body"] = sample(reflect.TypeFor[Message](), "call", 0)
		} else {
			env["body"] = sample(reflect.TypeFor[SignalBody](), "call", 0)
		}
		raw, err := json.Marshal(env)
		if err != nil {
			t.Fatal(err)
		}
		checkDecode(t, raw)
		var f Frame
		if err := DecodeFrame(raw, &f); err != nil || f.BodyErr != nil {
			t.Fatal(err, f.BodyErr)
		}
		var zero []string
		zeroFields(reflect.ValueOf(f.Envelope), "Frame", &zero)
		if typ == "message" {
			zeroFields(reflect.ValueOf(f.Message), "Frame.Message", &zero)
		} else {
			zeroFields(reflect.ValueOf(f.Signal), "Frame.Signal", &zero)
		}
		if len(zero) > 0 {
			t.Errorf("%s frame: fields left zero: %v\n%s", typ, zero, raw)
		}
	}
}
