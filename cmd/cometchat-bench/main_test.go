package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestMain lets the test binary serve as the child fake server of idle.
func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		if err := serveChild(mode, os.Stdin, os.Stdout); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestScenarios runs every scenario at tiny sizes and checks that each
// prints its BENCH line and that the storm loses nothing. Timings are never
// asserted.
func TestScenarios(t *testing.T) {
	var out bytes.Buffer
	args := []string{"-scenario", "all", "-quick", "-n", "20", "-members", "10", "-msgs", "50", "-fanout-msgs", "5", "-duration", "200ms"}
	if err := run(context.Background(), args, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{
		`(?m)^BENCH idle clients=20 goroutines_per_client=\S+ heap_kib_per_client=\S+ stack_kib_per_client=\S+`,
		`(?m)^BENCH receive msgs_per_s=\d+ raw_msgs_per_s=\d+ ratio=\S+ read_only_msgs_per_s=\d+ read_only_ratio=\S+`,
		`(?m)^BENCH latency p50_us=\d+ p99_us=\d+ p999_us=\d+ floor_p50_us=\d+ floor_p99_us=\d+ ratio_p50=\S+ n=50`,
		`(?m)^BENCH fanout members=10 p50_ms=\S+ p99_ms=\S+ n=5 server=inproc floor_p50_ms=\S+ floor_p99_ms=\S+`,
		`(?m)^BENCH storm clients=20 reconnect_s=\S+ lost=0 dup=0`,
		`(?m)^BENCH durable store=durable senders=50 sends_per_s=\d+ p50_us=\d+ p99_us=\d+`,
	} {
		if !regexp.MustCompile(want).MatchString(text) {
			t.Errorf("no line matching %s in:\n%s", want, text)
		}
	}
	if !strings.Contains(text, "SCENARIO") {
		t.Errorf("no table in:\n%s", text)
	}
}

func TestParse(t *testing.T) {
	if _, err := parse([]string{"-scenario", "nope"}, &bytes.Buffer{}); err == nil {
		t.Fatal("unknown scenario accepted")
	}
	p, err := parse([]string{"-scenario", "idle,storm", "-n", "7"}, &bytes.Buffer{})
	if err != nil || len(p.scenarios) != 2 || p.idleN[0] != 7 || p.stormN != 7 {
		t.Fatalf("parse: %+v %v", p, err)
	}
}
