package bench

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
)

// progressValues is the sampling work (examples x d) of one answer above
// which a run with Config.Progress reports it: about a second of drawing
// on one core. A variable so that tests can make it small.
var progressValues = 1e8

// progressEvery is the least time between two progress lines after the
// first.
var progressEvery = 10 * time.Second

// withProgress wraps the sample oracle's stack so that, before an answer
// that draws more than progressValues values, a line on w says what it
// draws and how far the run is (the first such answer always, then at
// most every progressEvery). It is transparent: its name, tolerance floor
// and sample reports are those of the oracle below.
func withProgress(w io.Writer, d int, delta float64) oracle.Middleware {
	if delta == 0 {
		delta = 0.01
	}
	return func(o sq.Oracle) sq.Oracle {
		return &progressOracle{inner: o, w: w, d: d, delta: delta, start: time.Now()}
	}
}

type progressOracle struct {
	inner    sq.Oracle
	mu       sync.Mutex // guards the fields below inner, w, d, delta and start
	w        io.Writer
	d        int
	delta    float64
	start    time.Time
	last     time.Time
	reported bool
	answered int
	examples float64
}

func (o *progressOracle) Name() string { return o.inner.Name() }
func (o *progressOracle) EffectiveTol(tau float64) float64 {
	return sq.EffectiveTol(o.inner, tau)
}
func (o *progressOracle) LastSamples() (int64, bool) {
	if r, ok := o.inner.(sq.SampleReporter); ok {
		return r.LastSamples()
	}
	return 0, false
}

func (o *progressOracle) Answer(q *sq.Query, tau float64, ans []float64) error {
	if q != nil && q.Dim > 0 {
		n := float64(oracle.SampleSize(q, sq.EffectiveTol(o.inner, tau), o.delta).N())
		o.mu.Lock()
		if n*float64(max(o.d, 1)) >= progressValues && (!o.reported || time.Since(o.last) >= progressEvery) {
			fmt.Fprintf(o.w, "sqsim: sample oracle: query %d (%s) at tau %g draws %.3g examples of dimension %d; %d answered so far (%.3g examples), %s elapsed\n",
				o.answered+1, q.Name, sq.EffectiveTol(o.inner, tau), n, o.d, o.answered, o.examples, time.Since(o.start).Round(time.Second))
			o.reported, o.last = true, time.Now()
		}
		o.mu.Unlock()
	}
	if err := o.inner.Answer(q, tau, ans); err != nil {
		return err
	}
	n, _ := o.LastSamples()
	o.mu.Lock()
	o.answered++
	o.examples += float64(max(n, 0))
	o.mu.Unlock()
	return nil
}
