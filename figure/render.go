package figure

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Default size of a figure, in points (1/72 inch): 8 x 5 inches, which a
// PNG at 96 dots per inch renders as 768 x 480 pixels.
const (
	DefaultWidth  = 576
	DefaultHeight = 360
	// PNGDPI is the resolution of PNG output.
	PNGDPI = 96
	// MarkerLimit is the number of points above which a series is drawn
	// as a line without markers.
	MarkerLimit = 200
	// MaxPoints bounds the points of one figure (all series together).
	MaxPoints = 2_000_000
)

// Options are a figure's title, axes and size.
type Options struct {
	Title          string
	XLabel, YLabel string
	// LogX and LogY make an axis logarithmic; every value on it (and
	// every error bar's end) must then be > 0.
	LogX, LogY bool
	// NoFit turns off the fitted slopes of a log-log plot.
	NoFit bool
	// Width and Height in points (1/72 inch); 0 means the default.
	Width, Height float64
	// Legend places the legend in a corner: "top-right", "top-left",
	// "bottom-right", "bottom-left", or "" for the corner with the fewest
	// points near it (ties in that order).
	Legend string
}

// palette is the Okabe-Ito colour-blind-safe palette (yellow left out: it
// does not show on white), assigned to the series in order.
var palette = []color.NRGBA{
	{0x00, 0x72, 0xB2, 0xff}, {0xD5, 0x5E, 0x00, 0xff}, {0x00, 0x9E, 0x73, 0xff},
	{0xCC, 0x79, 0xA7, 0xff}, {0xE6, 0x9F, 0x00, 0xff}, {0x56, 0xB4, 0xE9, 0xff},
	{0x00, 0x00, 0x00, 0xff},
}

// errPoints is a series with error bars, for plotter.YErrorBars.
type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

// Lines builds the plot of the series: one line per series, error bars
// where a series has them, reference series dashed, and on a log-log plot
// (unless opts.NoFit) the least-squares slope of every non-reference
// series with at least two distinct x, in its legend entry and drawn as a
// dotted line; the fits are returned in series order. The error wraps
// ErrFigure and names the series and point of a value that cannot be
// plotted.
func Lines(series []Series, opts Options) (*plot.Plot, []Fit, error) {
	if err := check(series, opts); err != nil {
		return nil, nil, err
	}
	p := plot.New()
	p.Title.Text = opts.Title
	p.X.Label.Text, p.Y.Label.Text = opts.XLabel, opts.YLabel
	if opts.LogX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = logTicks{}
	}
	if opts.LogY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
	}
	p.Add(plotter.NewGrid())
	corner := opts.Legend
	if corner == "" {
		corner = emptiestCorner(series, opts)
	}
	p.Legend.Top = strings.HasPrefix(corner, "top")
	p.Legend.Left = strings.HasSuffix(corner, "left")
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(10), -vg.Points(6)
	if p.Legend.Left {
		p.Legend.XOffs = vg.Points(10)
	}
	if !p.Legend.Top {
		p.Legend.YOffs = vg.Points(6)
	}
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Title.Padding = vg.Points(6)
	fitting := opts.LogX && opts.LogY && !opts.NoFit
	var fits []Fit
	for i, s := range series {
		col := palette[i%len(palette)]
		xys := make(plotter.XYs, len(s.X))
		for j := range s.X {
			xys[j].X, xys[j].Y = s.X[j], s.Y[j]
		}
		line, err := plotter.NewLine(xys)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: series %q: %v", ErrFigure, s.Name, err)
		}
		line.Color = col
		line.Width = vg.Points(1.5)
		if s.Reference {
			line.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		}
		p.Add(line)
		thumbs := []plot.Thumbnailer{line}
		if !s.Reference && len(xys) <= MarkerLimit {
			sc, err := plotter.NewScatter(xys)
			if err != nil {
				return nil, nil, fmt.Errorf("%w: series %q: %v", ErrFigure, s.Name, err)
			}
			sc.Color = col
			sc.Shape = glyphs[i%len(glyphs)]
			sc.Radius = vg.Points(2.5)
			p.Add(sc)
			thumbs = append(thumbs, sc)
		}
		if s.Lo != nil {
			ep := errPoints{XYs: xys, YErrors: make(plotter.YErrors, len(xys))}
			for j := range xys {
				ep.YErrors[j].Low = s.Y[j] - s.Lo[j]
				ep.YErrors[j].High = s.Hi[j] - s.Y[j]
			}
			eb, err := plotter.NewYErrorBars(ep)
			if err != nil {
				return nil, nil, fmt.Errorf("%w: series %q: %v", ErrFigure, s.Name, err)
			}
			eb.Color = col
			p.Add(eb)
		}
		name := s.Name
		if fitting && !s.Reference && distinct(s.X) {
			f, err := FitLogLog(s.X, s.Y)
			if err != nil {
				return nil, nil, fmt.Errorf("series %q: %w", s.Name, err)
			}
			f.Group = s.Name
			fits = append(fits, f)
			if name != "" {
				name += ": "
			}
			name += f.String()
			fl, err := fitLine(f, s.X)
			if err != nil {
				return nil, nil, err
			}
			fl.Color = col
			p.Add(fl)
		}
		if name != "" {
			p.Legend.Add(name, thumbs...)
		}
	}
	fixRange(&p.X, opts.LogX)
	fixRange(&p.Y, opts.LogY)
	pad(&p.X, opts.LogX)
	pad(&p.Y, opts.LogY)
	return p, fits, nil
}

var glyphs = []draw.GlyphDrawer{
	draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.PlusGlyph{},
	draw.CrossGlyph{}, draw.RingGlyph{}, draw.BoxGlyph{},
}

// fitLine is the fitted line over the x range of a series, dotted.
func fitLine(f Fit, x []float64) (*plotter.Line, error) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range x {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	const n = 2 // a straight line on log-log axes
	xys := make(plotter.XYs, n)
	for i := range xys {
		v := lo * math.Pow(hi/lo, float64(i)/(n-1))
		xys[i].X, xys[i].Y = v, math.Exp(f.Intercept+f.Slope*math.Log(v))
	}
	l, err := plotter.NewLine(xys)
	if err != nil {
		return nil, fmt.Errorf("%w: fitted line of %q: %v", ErrFigure, f.Group, err)
	}
	l.Width = vg.Points(0.8)
	l.Dashes = []vg.Length{vg.Points(1.5), vg.Points(2)}
	return l, nil
}

// fixRange widens a degenerate axis range (every value equal), which
// gonum/plot would widen to [v-1, v+1], below 0 on a log axis.
func fixRange(a *plot.Axis, log bool) {
	if a.Min != a.Max {
		return
	}
	v := a.Min
	switch {
	case log:
		a.Min, a.Max = v/2, v*2
	case v == 0:
		a.Min, a.Max = -1, 1
	default:
		a.Min, a.Max = v-math.Abs(v)/10, v+math.Abs(v)/10
	}
}

// Corners are the legend positions, in the order ties are broken.
var Corners = []string{"top-right", "top-left", "bottom-right", "bottom-left"}

// emptiestCorner is the corner whose region (the outer 45% of the width
// and 35% of the height, in axis coordinates) holds the fewest points.
func emptiestCorner(series []Series, opts Options) string {
	tr := func(v float64, log bool) float64 {
		if log {
			return math.Log(v)
		}
		return v
	}
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for j := range s.X {
			x, y := tr(s.X[j], opts.LogX), tr(s.Y[j], opts.LogY)
			minX, maxX = math.Min(minX, x), math.Max(maxX, x)
			minY, maxY = math.Min(minY, y), math.Max(maxY, y)
		}
	}
	var count [4]int
	for _, s := range series {
		for j := range s.X {
			x, y := 0.5, 0.5
			if maxX > minX {
				x = (tr(s.X[j], opts.LogX) - minX) / (maxX - minX)
			}
			if maxY > minY {
				y = (tr(s.Y[j], opts.LogY) - minY) / (maxY - minY)
			}
			right, left, top, bottom := x >= 0.55, x <= 0.45, y >= 0.65, y <= 0.35
			if top && right {
				count[0]++
			}
			if top && left {
				count[1]++
			}
			if bottom && right {
				count[2]++
			}
			if bottom && left {
				count[3]++
			}
		}
	}
	best := 0
	for i := range count {
		if count[i] < count[best] {
			best = i
		}
	}
	return Corners[best]
}

func distinct(x []float64) bool {
	for _, v := range x {
		if v != x[0] {
			return true
		}
	}
	return false
}

// check validates series and options before anything is drawn.
func check(series []Series, opts Options) error {
	if len(series) == 0 {
		return fmt.Errorf("%w: no series to plot", ErrFigure)
	}
	for _, v := range []struct {
		name string
		v    float64
	}{{"width", opts.Width}, {"height", opts.Height}} {
		if v.v != 0 && !(v.v >= 72 && v.v <= 72*100) {
			return fmt.Errorf("%w: %s %v points, want 72 to 7200 (1 to 100 inches) or 0 for the default", ErrFigure, v.name, v.v)
		}
	}
	switch opts.Legend {
	case "", "top-right", "top-left", "bottom-right", "bottom-left":
	default:
		return fmt.Errorf("%w: legend %q, want top-right, top-left, bottom-right, bottom-left or \"\" (automatic)", ErrFigure, opts.Legend)
	}
	total := 0
	for i, s := range series {
		name := fmt.Sprintf("series %d %q", i+1, s.Name)
		if len(s.X) == 0 {
			return fmt.Errorf("%w: %s has no points", ErrFigure, name)
		}
		if len(s.Y) != len(s.X) {
			return fmt.Errorf("%w: %s has %d x values but %d y values", ErrFigure, name, len(s.X), len(s.Y))
		}
		if (s.Lo == nil) != (s.Hi == nil) || (s.Lo != nil && (len(s.Lo) != len(s.X) || len(s.Hi) != len(s.X))) {
			return fmt.Errorf("%w: %s: error bars need Lo and Hi with one value per point (%d), got %d and %d", ErrFigure, name, len(s.X), len(s.Lo), len(s.Hi))
		}
		total += len(s.X)
		if total > MaxPoints {
			return fmt.Errorf("%w: more than %d points in one figure", ErrFigure, MaxPoints)
		}
		for j := range s.X {
			if err := value(name, j, "x", s.X[j], opts.LogX); err != nil {
				return err
			}
			if err := value(name, j, "y", s.Y[j], opts.LogY); err != nil {
				return err
			}
			if s.Lo == nil {
				continue
			}
			if err := value(name, j, "error bar low end", s.Lo[j], opts.LogY); err != nil {
				return err
			}
			if err := value(name, j, "error bar high end", s.Hi[j], opts.LogY); err != nil {
				return err
			}
			if !(s.Lo[j] <= s.Y[j] && s.Y[j] <= s.Hi[j]) {
				return fmt.Errorf("%w: %s point %d: y = %v is outside its error bar [%v, %v]", ErrFigure, name, j+1, s.Y[j], s.Lo[j], s.Hi[j])
			}
		}
	}
	return nil
}

func value(series string, j int, what string, v float64, log bool) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%w: %s point %d: %s is %v, want a finite number", ErrFigure, series, j+1, what, v)
	}
	if log && !(v > 0) {
		return fmt.Errorf("%w: %s point %d: %s is %v, which a log axis cannot show (want > 0)", ErrFigure, series, j+1, what, v)
	}
	return nil
}

// Format is the image format of a file name by its extension: "png" or
// "svg" (case-insensitive); any other extension is an error.
func Format(path string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".png":
		return "png", nil
	case ".svg":
		return "svg", nil
	default:
		return "", fmt.Errorf("%w: %q: unknown figure format %q, want a name ending in .png or .svg", ErrFigure, path, ext)
	}
}

// Render draws the series (see Lines) and encodes the figure on w in
// format "png" or "svg". The bytes depend only on the arguments.
func Render(w io.Writer, format string, series []Series, opts Options) (fits []Fit, err error) {
	if format != "png" && format != "svg" {
		return nil, fmt.Errorf("%w: unknown figure format %q, want png or svg", ErrFigure, format)
	}
	p, fits, err := Lines(series, opts)
	if err != nil {
		return nil, err
	}
	// gonum/plot panics on some inputs (a value its log scale cannot
	// place); check rules out the ones known, and this turns any other
	// into an error rather than a crash of the caller.
	defer func() {
		if r := recover(); r != nil {
			fits, err = nil, fmt.Errorf("%w: gonum/plot could not draw the figure: %v", ErrFigure, r)
		}
	}()
	width, height := opts.Width, opts.Height
	if width == 0 {
		width = DefaultWidth
	}
	if height == 0 {
		height = DefaultHeight
	}
	wl, hl := vg.Length(width)*vg.Inch/72, vg.Length(height)*vg.Inch/72
	var wt io.WriterTo
	if format == "png" {
		c := vgimg.NewWith(vgimg.UseWH(wl, hl), vgimg.UseDPI(PNGDPI))
		p.Draw(draw.New(c))
		wt = vgimg.PngCanvas{Canvas: c}
	} else {
		c := vgsvg.New(wl, hl)
		p.Draw(draw.New(c))
		wt = c
	}
	if _, err := wt.WriteTo(w); err != nil {
		return nil, err
	}
	return fits, nil
}

// Write renders the series into the file path, PNG or SVG by its
// extension, atomically: the figure is written to a temporary file in the
// same directory and renamed onto path only when complete, so path is
// either unchanged or the whole new figure.
func Write(path string, series []Series, opts Options) ([]Fit, error) {
	format, err := Format(path)
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, err
	}
	fail := func(err error) ([]Fit, error) {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	fits, err := Render(tmp, format, series, opts)
	if err != nil {
		return fail(err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return nil, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return nil, err
	}
	return fits, nil
}
