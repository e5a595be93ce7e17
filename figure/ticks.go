package figure

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// logTicks marks a log axis: every power of ten labelled, and when the
// axis spans fewer than three decades also 2 and 5 times each power (so
// that an axis from 5 to 40 reads 5, 10, 20), with unlabelled minor ticks
// at the other integer multiples when it spans fewer than six decades.
type logTicks struct{}

func (logTicks) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max > min) || math.IsInf(max, 0) {
		return nil
	}
	decades := math.Log10(max) - math.Log10(min) // max/min can overflow
	lo, hi := int(math.Floor(math.Log10(min))), int(math.Ceil(math.Log10(max)))
	step := 1
	if decades > 12 {
		step = int(math.Ceil(decades / 8))
	}
	var ticks []plot.Tick
	for e := lo; e <= hi; e++ {
		p := math.Pow(10, float64(e))
		for m := 1; m <= 9; m++ {
			v := float64(m) * p
			if v < min*(1-1e-9) || v > max*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			switch {
			case m == 1 && (e-lo)%step == 0:
				t.Label = tickLabel(v, e)
			case (m == 2 || m == 5) && decades < 3:
				t.Label = tickLabel(v, e)
			case m == 1 || decades < 6:
			default:
				continue
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// tickLabel writes v = m 10^e plainly for moderate exponents, else as
// m e±E (1e-06, 2e+08).
func tickLabel(v float64, e int) string {
	if e >= -4 && e <= 5 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'e', 0, 64)
}

// pad widens an axis range by a small margin so that no point sits on
// the frame: 4% of the range, in log coordinates on a log axis.
func pad(a *plot.Axis, log bool) {
	const f = 0.04
	if log {
		lmin, lmax := math.Log(a.Min), math.Log(a.Max)
		d := (lmax - lmin) * f
		a.Min = math.Max(math.Exp(lmin-d), math.SmallestNonzeroFloat64*(1<<52)) // the smallest normal
		a.Max = math.Min(math.Exp(lmax+d), math.MaxFloat64)
		return
	}
	d := (a.Max - a.Min) * f
	a.Min, a.Max = a.Min-d, a.Max+d
}
