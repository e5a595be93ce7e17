package sq_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/sqsim/sqsim/sq"
)

// rssQueries is the number of queries of the peak-RSS measurement.
const rssQueries = 1_000_000

// vmHWM returns the peak resident set size of this process in kB (Linux).
func vmHWM() (int, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/self/status")
}

// TestLedgerRSSChild records rssQueries queries into the ledger named by
// SQSIM_RSS_LEDGER ("full" or "summary"; "summary+trace" also streams the
// trace to io.Discard) and prints the peak RSS. It runs only as the child
// of TestLedgerPeakRSS.
func TestLedgerRSSChild(t *testing.T) {
	mode := os.Getenv("SQSIM_RSS_LEDGER")
	if mode == "" {
		t.Skip("run by TestLedgerPeakRSS")
	}
	before, err := vmHWM()
	if err != nil {
		t.Skip(err)
	}
	l := sq.NewLedger()
	if mode != "full" {
		l = sq.NewSummaryLedger()
	}
	if mode == "summary+trace" {
		l.StreamWithManifest(io.Discard, sq.NewManifest("rss"))
	}
	q := sq.ReluCorr([]float64{0.6, 0.8, 0, 0, 0, 0, 0, 0, 0, 0})
	ans := []float64{0.25}
	for i := range rssQueries {
		ans[0] = float64(i)
		l.Record(q, 1e-3, ans, sq.Info{Oracle: "exact", Nanos: 100})
	}
	if err := l.Err(); err != nil {
		t.Fatal(err)
	}
	after, err := vmHWM()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("RSS %s %d %d %d\n", mode, l.Summary().Queries, before, after)
}

// TestLedgerPeakRSS measures the peak RSS of 10^6 queries recorded into a
// full ledger, a summary-only one, and a summary-only one streaming its
// trace, each in its own process: the summary-only ledger's memory does
// not grow with the queries.
func TestLedgerPeakRSS(t *testing.T) {
	if testing.Short() {
		t.Skip("records 3 x 10^6 queries")
	}
	if _, err := vmHWM(); err != nil {
		t.Skip(err)
	}
	peak := map[string]int{}
	for _, mode := range []string{"full", "summary", "summary+trace"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLedgerRSSChild$", "-test.v")
		cmd.Env = append(os.Environ(), "SQSIM_RSS_LEDGER="+mode)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", mode, err, out)
		}
		var m string
		var n, before, after int
		i := bytes.Index(out, []byte("RSS "))
		if i < 0 {
			t.Fatalf("%s: no RSS line in\n%s", mode, out)
		}
		if _, err := fmt.Sscanf(string(out[i:]), "RSS %s %d %d %d", &m, &n, &before, &after); err != nil || n != rssQueries {
			t.Fatalf("%s: %v, %d queries in\n%s", mode, err, n, out)
		}
		t.Logf("%-14s %d queries: peak RSS %6.1f MB (%.1f MB before recording)", mode, n, float64(after)/1024, float64(before)/1024)
		peak[mode] = after
	}
	for _, mode := range []string{"summary", "summary+trace"} {
		if peak[mode]*4 > peak["full"] {
			t.Errorf("%s ledger: peak RSS %d kB, not well below the full ledger's %d kB", mode, peak[mode], peak["full"])
		}
	}
}

// BenchmarkLedgerRecord: the cost of one Record in each kind of ledger.
func BenchmarkLedgerRecord(b *testing.B) {
	q := sq.ReluCorr([]float64{0.6, 0.8, 0, 0, 0, 0, 0, 0, 0, 0})
	for _, mode := range []string{"full", "summary", "summary+trace"} {
		b.Run(mode, func(b *testing.B) {
			l := sq.NewLedger()
			if mode != "full" {
				l = sq.NewSummaryLedger()
			}
			if mode == "summary+trace" {
				l.StreamWithManifest(io.Discard, sq.NewManifest("bench"))
			}
			ans := []float64{0.25}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				ans[0] = float64(i)
				l.Record(q, 1e-3, ans, sq.Info{Oracle: "exact", Nanos: 100})
			}
		})
	}
}
