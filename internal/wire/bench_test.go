package wire

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// benchKinds are the frames of BenchmarkDecodeFrame: the text message,
// typing indicator and delivery receipt of basic.jsonl (seq 40, 45, 59), the
// action of groups.jsonl (seq 61), the media, custom and call messages of
// testdata/bench/frames.json (the root package's benchmark frames).
var benchKinds = []string{"text", "media", "custom", "action", "call", "typing", "receipt"}

func benchFrames(b *testing.B) map[string][]byte {
	b.Helper()
	out := map[string][]byte{}
	for _, c := range []struct {
		file string
		seq  map[int]string
	}{
		{"../../testdata/captures/basic.jsonl", map[int]string{40: "text", 45: "typing", 59: "receipt"}},
		{"../../testdata/captures/groups.jsonl", map[int]string{61: "action"}},
	} {
		f, err := os.Open(c.file)
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		for sc.Scan() {
			var rec struct {
				Seq   int             `json:"seq"`
				Frame json.RawMessage `json:"frame"`
			}
			if json.Unmarshal(sc.Bytes(), &rec) == nil && c.seq[rec.Seq] != "" {
				out[c.seq[rec.Seq]] = append([]byte(nil), rec.Frame...)
			}
		}
		f.Close()
	}
	raw, err := os.ReadFile("../../testdata/bench/frames.json")
	if err != nil {
		b.Fatal(err)
	}
	var gen map[string]json.RawMessage
	if err := json.Unmarshal(raw, &gen); err != nil {
		b.Fatal(err)
	}
	for k, v := range gen {
		var c bytes.Buffer
		if err := json.Compact(&c, v); err != nil {
			b.Fatal(err)
		}
		out[k] = c.Bytes()
	}
	for _, k := range benchKinds {
		if out[k] == nil {
			b.Fatalf("no %s frame", k)
		}
	}
	return out
}

// BenchmarkDecodeFrame is DecodeFrame: a frame's envelope and body, entities
// included, in one pass.
func BenchmarkDecodeFrame(b *testing.B) {
	frames := benchFrames(b)
	for _, kind := range benchKinds {
		b.Run(kind, func(b *testing.B) {
			raw := frames[kind]
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				var f Frame
				if err := DecodeFrame(raw, &f); err != nil || f.BodyErr != nil {
					b.Fatal(err, f.BodyErr)
				}
			}
		})
	}
}

// BenchmarkUnmarshalFrame is the same result through encoding/json: the
// envelope, then the body into the same types (what DecodeFrame is tested
// equal to).
func BenchmarkUnmarshalFrame(b *testing.B) {
	frames := benchFrames(b)
	for _, kind := range benchKinds {
		b.Run(kind, func(b *testing.B) {
			raw := frames[kind]
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, bodyErr, err := refFrame(raw); err != nil || bodyErr {
					b.Fatal(err, bodyErr)
				}
			}
		})
	}
}
