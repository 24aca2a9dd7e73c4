package cometchat

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// messageCorpus collects every message object of the captures and of the
// benchmark frames, plus variants with odd shapes.
func messageCorpus(t *testing.T) [][]byte {
	t.Helper()
	var out [][]byte
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if _, ok := x["category"]; ok {
				if _, ok := x["id"]; ok {
					b, _ := json.Marshal(x)
					out = append(out, b)
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	files, _ := filepath.Glob("testdata/captures/*.jsonl")
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		for sc.Scan() {
			var v any
			if json.Unmarshal(sc.Bytes(), &v) == nil {
				walk(v)
			}
		}
		f.Close()
	}
	raw, err := os.ReadFile("testdata/bench/frames.json")
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	walk(v)
	if len(out) < 20 {
		t.Fatalf("only %d messages in the corpus", len(out))
	}
	// Variants: odd values where the layers are lenient.
	base := len(out)
	for _, m := range out[:base] {
		s := string(m)
		for _, r := range [][2]string{
			{`"entityType":"user"`, `"entityType":"message"`},
			{`"entityType":"user"`, `"entityType":"call"`},
			{`"entityType":"group"`, `"entityType":"other"`},
			{`"entity":{`, `"entity":null,"x":{`},
			{`"data":{`, `"data":null,"x":{`},
			{`"data":{`, `"data":"","x":{`},
			{`"lastActiveAt":`, `"lastActiveAt":"soon","y":`},
			{`"membersCount":`, `"membersCount":"many","y":`},
			{`"metadata":`, `"metadata":"","y":`},
			{`"text":"`, `"text":"\u00e9\\n\\"`},
			{`"uid":"`, `"uid":"\\u0041`},
			{`"category":"message"`, `"category":"call"`},
			{`"category":"action"`, `"category":"message"`},
			{`"entities":{`, `"entities":[],"z":{`},
			{`"sender":"`, `"sender":7,"zz":"`},
		} {
			if strings.Contains(s, r[0]) {
				out = append(out, []byte(strings.Replace(s, r[0], r[1], 1)))
			}
		}
	}
	return out
}

// TestDecodeFastMatchesSlow checks that the one-pass decode gives exactly
// what the layer-by-layer decode gives, wherever it applies.
func TestDecodeFastMatchesSlow(t *testing.T) {
	fast := 0
	corpus := messageCorpus(t)
	for _, raw := range corpus {
		slow, serr := decodeMessageSlow(raw)
		got, ok := decodeMessageFast(raw)
		if !ok {
			continue
		}
		fast++
		if serr != nil {
			t.Errorf("fast decoded what slow rejects (%v): %s", serr, raw)
			continue
		}
		if !reflect.DeepEqual(got, slow) {
			t.Errorf("fast and slow differ for %s\nfast: %#v\nslow: %#v", raw, got, slow)
		}
	}
	if fast == 0 {
		t.Fatal("the fast path never applied")
	}
	t.Logf("%d of %d messages decoded by the fast path", fast, len(corpus))
}
