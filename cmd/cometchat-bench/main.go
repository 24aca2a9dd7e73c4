// Command cometchat-bench is the SDK's load program (issue 7). It runs the
// SDK against the fake CometChat server of internal/fakeserver on loopback
// and prints a small table and one machine-readable line per measurement:
//
//	BENCH idle clients= goroutines_per_client= heap_kib_per_client= ...
//	BENCH receive msgs_per_s= raw_msgs_per_s= ratio= ...
//	BENCH latency p50_us= p99_us= p999_us= n= ...
//	BENCH fanout members= p50_ms= p99_ms= ...
//	BENCH storm clients= reconnect_s= lost= ...
//
// Usage:
//
//	go run ./cmd/cometchat-bench                       # every scenario, full sizes
//	go run ./cmd/cometchat-bench -scenario all -quick  # smaller sizes, < 60 s
//	go run ./cmd/cometchat-bench -scenario idle -n 10000
//
// The server runs in this process, except for idle, which measures the SDK
// alone: there the server runs in a child process (this binary re-executed),
// so that goroutines and heap are the SDK's only, and so that 10,000 clients
// fit the file-descriptor limit (in one process each client costs two
// descriptors). Idle also measures the in-process total (SDK + server) when
// the descriptors allow it. TLS is used unless -plain is given.
//
// Every wait is bounded and only loopback is used.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

// childEnv, when set, makes this binary serve the fake server for a parent
// run (see startChild). Its value is "plain" or "tls".
const childEnv = "COMETCHAT_BENCH_CHILD"

// childProfileEnv, when set in a child, names the file of its CPU profile.
const childProfileEnv = "COMETCHAT_BENCH_CHILD_CPUPROFILE"

func main() {
	if mode := os.Getenv(childEnv); mode != "" {
		if err := serveChild(mode, os.Stdin, os.Stdout); err != nil {
			_, _ = fmt.Fprintln(os.Stderr, "cometchat-bench child:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			_, _ = fmt.Fprintln(os.Stderr, "cometchat-bench:", err)
		}
		os.Exit(1)
	}
}

// params are the sizes of one run.
type params struct {
	scenarios []string
	idleN     []int
	stormN    int
	members   []int
	fanMsgs   int
	latMsgs   int
	recvDur   time.Duration
	rounds    int
	plain     bool
	inproc    bool // idle: also measure the in-process total
	// cpuProfile and memProfile are pprof output files ("" = none).
	cpuProfile, memProfile string
}

func parse(args []string, out io.Writer) (params, error) {
	fs := flag.NewFlagSet("cometchat-bench", flag.ContinueOnError)
	fs.SetOutput(out)
	scenario := fs.String("scenario", "all", "idle, receive, latency, fanout, storm, durable, or all (comma-separated list allowed)")
	n := fs.Int("n", 0, "clients for idle and storm (default: idle 1000 and 10000, storm 1000; quick: 200)")
	dur := fs.Duration("duration", 0, "how long each receive round pushes and each durable round sends (default 3s; quick 1s)")
	members := fs.Int("members", 0, "online group members for fanout (default 1,000 then 10,000; quick 100)")
	msgs := fs.Int("msgs", 0, "messages for latency (default 5000; quick 500)")
	fanMsgs := fs.Int("fanout-msgs", 0, "messages per fanout group (default 200; quick 20)")
	quick := fs.Bool("quick", false, "smaller sizes: the whole run takes well under a minute")
	plain := fs.Bool("plain", false, "use ws:// and http:// instead of TLS")
	noInproc := fs.Bool("no-inproc-idle", false, "idle: skip the in-process (SDK + server) measurement")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	memProfile := fs.String("memprofile", "", "write a heap profile at the end of each idle measurement to this file")
	if err := fs.Parse(args); err != nil {
		return params{}, err
	}
	p := params{idleN: []int{1000, 10000}, stormN: 10000, members: []int{1000, 10000}, latMsgs: 5000, fanMsgs: 200,
		recvDur: 3 * time.Second, rounds: 3, plain: *plain, inproc: !*noInproc, cpuProfile: *cpuProfile, memProfile: *memProfile}
	if *quick {
		p.idleN, p.stormN, p.members, p.latMsgs, p.fanMsgs, p.recvDur, p.rounds = []int{200}, 200, []int{100}, 500, 20, time.Second, 1
	}
	if *n > 0 {
		p.idleN, p.stormN = []int{*n}, *n
	}
	if *dur > 0 {
		p.recvDur = *dur
	}
	if *members > 0 {
		p.members = []int{*members}
	}
	if *msgs > 0 {
		p.latMsgs = *msgs
	}
	if *fanMsgs > 0 {
		p.fanMsgs = *fanMsgs
	}
	all := []string{"idle", "receive", "latency", "fanout", "storm", "durable"}
	for _, s := range strings.Split(*scenario, ",") {
		s = strings.TrimSpace(s)
		switch {
		case s == "all":
			p.scenarios = append(p.scenarios, all...)
		case slices.Contains(all, s):
			p.scenarios = append(p.scenarios, s)
		default:
			return params{}, fmt.Errorf("unknown scenario %q", s)
		}
	}
	return p, nil
}

// row is one line of the table.
type row struct {
	scenario, metric, value, target, met string
}

type report struct {
	out   io.Writer
	rows  []row
	bench []string
}

func (r *report) add(scenario, metric, value, target string, ok *bool) {
	met := ""
	if ok != nil {
		met = map[bool]string{true: "met", false: "NOT met"}[*ok]
	}
	r.rows = append(r.rows, row{scenario, metric, value, target, met})
}

func (r *report) line(scenario string, kv ...any) {
	var b strings.Builder
	b.WriteString("BENCH " + scenario)
	for i := 0; i+1 < len(kv); i += 2 {
		_, _ = fmt.Fprintf(&b, " %v=%v", kv[i], kv[i+1])
	}
	r.bench = append(r.bench, b.String())
	_, _ = fmt.Fprintln(r.out, b.String()) // also as it happens, for long runs
}

func (r *report) print() {
	_, _ = fmt.Fprintln(r.out)
	tw := tabwriter.NewWriter(r.out, 0, 0, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "SCENARIO\tMETRIC\tVALUE\tTARGET\t")
	for _, x := range r.rows {
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", x.scenario, x.metric, x.value, x.target, x.met)
	}
	_ = tw.Flush()
	_, _ = fmt.Fprintln(r.out)
	for _, l := range r.bench {
		_, _ = fmt.Fprintln(r.out, l)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	p, err := parse(args, out)
	if err != nil {
		return err
	}
	var lim syscall.Rlimit
	_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	_, _ = fmt.Fprintf(out, "cometchat-bench: %s %s/%s, %d CPUs, GOMAXPROCS %d, fd limit %d, %s\n", runtime.Version(),
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), lim.Cur, map[bool]string{true: "plain ws/http", false: "TLS (wss/https)"}[p.plain])
	if p.cpuProfile != "" {
		f, err := os.Create(p.cpuProfile)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
		// A child server profiles itself into FILE.child.
		_ = os.Setenv(childProfileEnv, p.cpuProfile+".child")
	}
	memProfile = p.memProfile
	if memProfile != "" {
		runtime.MemProfileRate = 256 // fine-grained: idle costs are a few KiB per client
	}
	r := &report{out: out}
	for _, s := range p.scenarios {
		start := time.Now()
		_, _ = fmt.Fprintf(out, "== %s\n", s)
		var err error
		switch s {
		case "idle":
			for _, n := range p.idleN {
				if err = idle(ctx, r, p, n, int(lim.Cur)); err != nil {
					break
				}
			}
		case "receive":
			err = receive(ctx, r, p)
		case "latency":
			err = latency(ctx, r, p)
		case "fanout":
			for _, m := range p.members {
				if err = fanout(ctx, r, p, m, int(lim.Cur)); err != nil {
					break
				}
			}
		case "storm":
			err = storm(ctx, r, p)
		case "durable":
			err = durable(ctx, r, p)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
		_, _ = fmt.Fprintf(out, "   (%s took %.1fs)\n", s, time.Since(start).Seconds())
	}
	r.print()
	return nil
}

// progress notes a step of a long scenario on standard error, with the time
// since the program started, so that a slow step shows where it is.
func progress(format string, args ...any) {
	_, _ = fmt.Fprintf(os.Stderr, "%7.1fs  %s\n", time.Since(programStart).Seconds(), fmt.Sprintf(format, args...))
}

var programStart = time.Now()
