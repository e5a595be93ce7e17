package sweep

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Progress reports a sweep's progress on a writer (stderr): on a terminal
// a bar redrawn in place at most 5 times a second (done, failed, rate,
// ETA); elsewhere (a log file under Slurm or CI) a plain line at most
// every Every, e.g.
//
//	sweep: 37/120 done, 2 failed, 1.3 cells/s, ETA 1m10s
//
// and a last line at the end. Nothing goes to stdout.
type Progress struct {
	w        io.Writer
	term     bool
	total    int
	start    time.Time
	last     time.Time
	Every    time.Duration // plain lines: at most one per Every (default 5 s)
	done     int
	failed   int
	startN   int // cells already done before this run (skipped)
	finished bool
	printed  int // p.done at the last line (-1: none)
}

// NewProgress returns a progress reporter for total cells on w (nil: none).
func NewProgress(w io.Writer, total int) *Progress {
	return &Progress{w: w, term: IsTerminal(w), total: total, start: time.Now(), Every: 5 * time.Second, printed: -1}
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// Skip counts n cells already done (resumed), which the rate leaves out.
func (p *Progress) Skip(n int) {
	if p == nil {
		return
	}
	p.startN += n
	p.done += n
}

// Add counts one finished cell.
func (p *Progress) Add(failed bool) {
	if p == nil || p.w == nil {
		return
	}
	p.done++
	if failed {
		p.failed++
	}
	now := time.Now()
	gap := p.Every
	if p.term {
		gap = 200 * time.Millisecond
	}
	if now.Sub(p.last) < gap && p.done < p.total {
		return
	}
	p.last = now
	p.print(now)
}

// Finish prints the last line.
func (p *Progress) Finish() {
	if p == nil || p.w == nil || p.finished {
		return
	}
	p.finished = true
	if p.printed != p.done {
		p.print(time.Now())
	}
	if p.term {
		fmt.Fprintln(p.w)
	}
}

func (p *Progress) line(now time.Time) string {
	el := now.Sub(p.start).Seconds()
	ran := p.done - p.startN
	rate := 0.0
	if el > 0 {
		rate = float64(ran) / el
	}
	eta := "?"
	if rate > 0 {
		eta = (time.Duration(float64(p.total-p.done) / rate * float64(time.Second))).Round(time.Second).String()
	}
	return fmt.Sprintf("%d/%d done, %d failed, %.3g cells/s, ETA %s", p.done, p.total, p.failed, rate, eta)
}

func (p *Progress) print(now time.Time) {
	p.printed = p.done
	if !p.term {
		fmt.Fprintf(p.w, "sweep: %s\n", p.line(now))
		return
	}
	const width = 30
	fill := 0
	if p.total > 0 {
		fill = width * p.done / p.total
	}
	bar := strings.Repeat("#", fill) + strings.Repeat(".", width-fill)
	fmt.Fprintf(p.w, "\r\x1b[K[%s] %s", bar, p.line(now))
}
