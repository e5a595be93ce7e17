package figure

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Series is one line of a plot.
type Series struct {
	// Name is the line's legend entry (a group's value); "" for none.
	Name string
	// X and Y are the points, drawn in the order given (Build sorts them
	// by x).
	X, Y []float64
	// Lo and Hi, when not nil, are error bars: the absolute lower and upper
	// ends at each point (Lo[i] <= Y[i] <= Hi[i]).
	Lo, Hi []float64
	// Reference marks a reference line (a bound): drawn dashed, without
	// markers, and never fitted.
	Reference bool
}

// Convention names the columns of a summary over seeds: for a metric m,
// the plotted value is m+Mean when the table has no column m, and the
// error bars are m+Lo and m+Hi when the table has both.
type Convention struct {
	Mean, Lo, Hi string
}

// DefaultConvention is the summary convention of sqsim sweep merge:
// m_mean with its 95% interval m_ci95_lo, m_ci95_hi.
var DefaultConvention = Convention{Mean: "_mean", Lo: "_ci95_lo", Hi: "_ci95_hi"}

// fallbackIntervals are the error-bar suffixes tried after the default
// convention's, in order, when a Spec leaves Convention zero: other
// spellings of a summary's interval (m_ci_lo, m.ci95.0 from a nested
// {"m":{"ci95":[lo,hi]}}, ...).
var fallbackIntervals = [][2]string{
	{"_ci_lo", "_ci_hi"}, {"_lo", "_hi"},
	{".ci95_lo", ".ci95_hi"}, {".ci95.0", ".ci95.1"}, {".ci_lo", ".ci_hi"}, {".ci.0", ".ci.1"}, {".lo", ".hi"},
}

// fallbackMeans are the mean suffixes tried after "_mean" when a Spec
// leaves Convention zero.
var fallbackMeans = []string{".mean"}

// Spec says which columns of a table to plot.
type Spec struct {
	// X and Y are the keys of the axes (Y resolved by the convention).
	X, Y string
	// Group, when not "", is the key whose value splits the rows into
	// series, one line per value.
	Group string
	// YErr chooses the error bars: "" or "auto" (by Convention, when the
	// columns exist), "none", a column e (symmetric: y ± e, e.g. loss_sd),
	// or two columns "lo,hi" (absolute bounds).
	YErr string
	// Convention names the summary columns; the zero value means
	// DefaultConvention.
	Convention Convention
	// LogX and LogY say the axis will be logarithmic: Build then refuses
	// a value <= 0 on it (an error bar's ends included), naming the line
	// and key.
	LogX, LogY bool
}

// Columns are the keys Build resolved: the y column actually plotted and
// the error-bar columns ("" when none).
type Columns struct {
	Y, Err, Lo, Hi string
}

// Resolve returns the columns Build would plot for spec on t, or an
// error naming a key the table does not have.
func Resolve(t *Table, spec Spec) (Columns, error) {
	conv := spec.Convention
	defaulted := conv == (Convention{})
	if defaulted {
		conv = DefaultConvention
	}
	var c Columns
	if spec.X == "" || spec.Y == "" {
		return c, fmt.Errorf("%w: the x and y keys must both be given", ErrFigure)
	}
	if !t.Has(spec.X) {
		return c, missingKey(t, "x", spec.X)
	}
	base := spec.Y
	switch {
	case t.Has(spec.Y):
		c.Y = spec.Y
		if b, ok := strings.CutSuffix(spec.Y, conv.Mean); ok && conv.Mean != "" {
			base = b
		} else if defaulted {
			for _, m := range fallbackMeans {
				if b, ok := strings.CutSuffix(spec.Y, m); ok {
					base = b
					break
				}
			}
		}
	case conv.Mean != "" && t.Has(spec.Y+conv.Mean):
		c.Y = spec.Y + conv.Mean
	default:
		found := false
		if defaulted {
			for _, m := range fallbackMeans {
				if t.Has(spec.Y + m) {
					c.Y, found = spec.Y+m, true
					break
				}
			}
		}
		if !found {
			return c, missingKey(t, "y", spec.Y)
		}
	}
	if spec.Group != "" && !t.Has(spec.Group) {
		return c, missingKey(t, "group", spec.Group)
	}
	switch e := strings.TrimSpace(spec.YErr); e {
	case "", "auto":
		pairs := [][2]string{{conv.Lo, conv.Hi}}
		if defaulted {
			pairs = append(pairs, fallbackIntervals...)
		}
		for _, p := range pairs {
			if p[0] != "" && p[1] != "" && t.Has(base+p[0]) && t.Has(base+p[1]) {
				c.Lo, c.Hi = base+p[0], base+p[1]
				break
			}
		}
	case "none":
	default:
		lo, hi, two := strings.Cut(e, ",")
		lo, hi = strings.TrimSpace(lo), strings.TrimSpace(hi)
		if !two {
			if !t.Has(lo) {
				return c, missingKey(t, "error-bar", lo)
			}
			c.Err = lo
			break
		}
		for _, k := range []string{lo, hi} {
			if !t.Has(k) {
				return c, missingKey(t, "error-bar", k)
			}
		}
		c.Lo, c.Hi = lo, hi
	}
	return c, nil
}

func missingKey(t *Table, role, key string) error {
	cols := t.Columns
	more := ""
	if len(cols) > 30 {
		cols, more = cols[:30], ", ..."
	}
	return fmt.Errorf("%w: %s: no %s key %q (keys: %s%s)", ErrFigure, t.Source, role, key, strings.Join(cols, ", "), more)
}

// Build turns the rows of t into series per spec: one per value of the
// group key (sorted numerically when every value is a number, else as
// strings), each sorted by x (rows with equal x kept in input order).
// Every row must have the x and y keys (and the error-bar keys when error
// bars are drawn) with finite numbers; the error wraps ErrFigure and names
// the line and key of the first that does not.
func Build(t *Table, spec Spec) ([]Series, error) {
	cols, err := Resolve(t, spec)
	if err != nil {
		return nil, err
	}
	type point struct{ x, y, lo, hi float64 }
	bars := cols.Err != "" || cols.Lo != ""
	groups := map[string][]point{}
	var names []string
	for _, r := range t.Rows {
		var p point
		var err error
		if p.x, err = finite(t, r, spec.X); err != nil {
			return nil, err
		}
		if p.y, err = finite(t, r, cols.Y); err != nil {
			return nil, err
		}
		switch {
		case cols.Err != "":
			e, err := finite(t, r, cols.Err)
			if err != nil {
				return nil, err
			}
			if e < 0 {
				return nil, fmt.Errorf("%w: %s: line %d: error %s is %v, want >= 0", ErrFigure, t.Source, r.Line, cols.Err, e)
			}
			p.lo, p.hi = p.y-e, p.y+e
		case cols.Lo != "":
			if p.lo, err = finite(t, r, cols.Lo); err != nil {
				return nil, err
			}
			if p.hi, err = finite(t, r, cols.Hi); err != nil {
				return nil, err
			}
			if !(p.lo <= p.y && p.y <= p.hi) {
				return nil, fmt.Errorf("%w: %s: line %d: %s = %v is outside its interval [%s, %s] = [%v, %v]", ErrFigure, t.Source, r.Line, cols.Y, p.y, cols.Lo, cols.Hi, p.lo, p.hi)
			}
		}
		for _, v := range []struct {
			log bool
			key string
			v   float64
		}{{spec.LogX, spec.X, p.x}, {spec.LogY, cols.Y, p.y}, {spec.LogY && bars, errKey(cols, "low"), p.lo}, {spec.LogY && bars, errKey(cols, "high"), p.hi}} {
			if v.log && !(v.v > 0) {
				return nil, fmt.Errorf("%w: %s: line %d: %s is %v, which a log axis cannot show (want > 0)", ErrFigure, t.Source, r.Line, v.key, v.v)
			}
		}
		g := ""
		if spec.Group != "" {
			v, ok := r.Values[spec.Group]
			if !ok {
				return nil, fmt.Errorf("%w: %s: line %d has no group key %q", ErrFigure, t.Source, r.Line, spec.Group)
			}
			g = v
		}
		if _, ok := groups[g]; !ok {
			names = append(names, g)
		}
		groups[g] = append(groups[g], p)
	}
	sortGroups(names)
	out := make([]Series, 0, len(names))
	for _, g := range names {
		pts := groups[g]
		sort.SliceStable(pts, func(i, j int) bool { return pts[i].x < pts[j].x })
		s := Series{Name: g, X: make([]float64, len(pts)), Y: make([]float64, len(pts))}
		if spec.Group != "" {
			s.Name = spec.Group + " = " + g
		}
		if bars {
			s.Lo, s.Hi = make([]float64, len(pts)), make([]float64, len(pts))
		}
		for i, p := range pts {
			s.X[i], s.Y[i] = p.x, p.y
			if bars {
				s.Lo[i], s.Hi[i] = p.lo, p.hi
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// errKey names the column of an error bar's low or high end.
func errKey(c Columns, end string) string {
	switch {
	case c.Err != "" && end == "low":
		return c.Y + " - " + c.Err
	case c.Err != "":
		return c.Y + " + " + c.Err
	case end == "low":
		return c.Lo
	default:
		return c.Hi
	}
}

// finite reads a finite number.
func finite(t *Table, r Row, key string) (float64, error) {
	v, err := t.Number(r, key)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%w: %s: line %d: %s is %v, want a finite number", ErrFigure, t.Source, r.Line, key, v)
	}
	return v, nil
}

// sortGroups sorts group values numerically when all are numbers, else
// as strings.
func sortGroups(names []string) {
	nums := make(map[string]float64, len(names))
	for _, n := range names {
		v, err := strconv.ParseFloat(n, 64)
		if err != nil || math.IsNaN(v) {
			sort.Strings(names)
			return
		}
		nums[n] = v
	}
	sort.SliceStable(names, func(i, j int) bool {
		if nums[names[i]] != nums[names[j]] {
			return nums[names[i]] < nums[names[j]]
		}
		return names[i] < names[j]
	})
}
