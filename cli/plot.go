package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/figure"
)

func init() {
	register(&command{name: "plot", summary: "plot y against x from sweep results or a summary (JSON Lines or CSV): PNG or SVG, log axes, fitted slopes", run: runPlot})
}

const plotExample = `
example (queries against d on log-log axes, one line per learner, error
bars from the summary's queries_ci95_lo/queries_ci95_hi, fitted slopes
printed and shown in the legend):

  sqsim plot --in DIR/summary.csv --x d --y queries --group learner --log x,y --out queries.svg
`

func runPlot(args []string, stdout, stderr io.Writer) error {
	p := newPlotFlags(stdout)
	if err := p.f.parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, plotExample)
		}
		return err
	}
	format, opts, spec, err := p.check()
	if err != nil {
		return err
	}
	cols, series, err := p.read(spec)
	if err != nil {
		return err
	}
	fits, err := p.render(format, opts, cols, series)
	if err != nil {
		return err
	}
	return p.report(stdout, args, fits, cols)
}

// plotFlags is sqsim plot's flags, declared on f.
type plotFlags struct {
	f                                     *flags
	in, x, y, group, logS, yerr, suffixes *string
	title, xlabel, ylabel, legend, out    *string
	width, height                         *float64
	noFit, asJSON                         *bool
}

// newPlotFlags declares sqsim plot's flags.
func newPlotFlags(stdout io.Writer) *plotFlags {
	f := newFlags("plot", "--in FILE --x KEY --y KEY [--group KEY] [--log x,y] [--yerr auto|none|KEY|LO,HI] [--title T] --out FIG.png|FIG.svg", stdout)
	p := &plotFlags{f: f}
	p.in = f.String("in", "", "the data: JSON Lines records (manifest lines skipped, nested objects read as dotted keys; .jsonl, .ndjson, .json) or a CSV summary with a header line (.csv); other names are read by their first character")
	p.x = f.String("x", "", "the key plotted on the x axis")
	p.y = f.String("y", "", "the key plotted on the y axis; a summary's KEY_mean when the data has no column KEY")
	p.group = f.String("group", "", "one line per value of this key (e.g. learner, k), sorted by x; default: one line. Records with equal x (raw results over seeds) are all drawn: plot the summary for means")
	p.logS = f.String("log", "", "logarithmic axes: x, y or x,y; on a log-log plot each line's least-squares slope and its 95% interval (t-based on the residuals) is printed and shown in the legend")
	p.yerr = f.String("yerr", "auto", "error bars: auto (Y+lo and Y+hi of --summary-suffixes, when the data has both), none, a column E (y ± E, e.g. loss_sd) or two columns LO,HI (the interval's ends)")
	p.suffixes = f.String("summary-suffixes", strings.Join([]string{figure.DefaultConvention.Mean, figure.DefaultConvention.Lo, figure.DefaultConvention.Hi}, ","), "MEAN,LO,HI: the suffixes of a summary's columns for a metric (mean and the error bars' ends); when not given, also _ci_lo,_ci_hi, _lo,_hi and nested JSON (m.mean, m.ci95.0, m.ci95.1) are tried")
	p.title = f.String("title", "", "the figure's title")
	p.xlabel = f.String("xlabel", "", "the x axis label (default: the key's quantity and unit, e.g. d -> \"dimension d\")")
	p.ylabel = f.String("ylabel", "", "the y axis label (default: the key's quantity and unit, e.g. cost -> \"sample cost sum (B/tau)^2\")")
	p.width = f.Float64("width", figure.DefaultWidth, "width in points (1/72 inch); a PNG has width*96/72 pixels")
	p.height = f.Float64("height", figure.DefaultHeight, "height in points (1/72 inch)")
	p.legend = f.String("legend", "auto", "the legend's corner: auto (the one with the fewest points near it), top-right, top-left, bottom-right or bottom-left")
	p.noFit = f.Bool("no-fit", false, "no fitted slopes on a log-log plot")
	p.out = f.String("out", "", "the figure: a file ending in .png or .svg (written to a temporary file and renamed, so an existing file is replaced only by a complete figure)")
	p.asJSON = f.Bool("json", false, "print JSON Lines: a manifest line, then the fitted slopes (group, slope, intercept, lo, hi, n), instead of text")
	return p
}

// check validates the parsed flags (usage errors) and turns them into the
// figure's format, its drawing options and the data's spec.
func (p *plotFlags) check() (format string, opts figure.Options, spec figure.Spec, err error) {
	for _, r := range []struct{ name, v string }{{"in", *p.in}, {"x", *p.x}, {"y", *p.y}, {"out", *p.out}} {
		if strings.TrimSpace(r.v) == "" {
			return "", opts, spec, usagef("plot: --%s is required (sqsim plot --in FILE --x KEY --y KEY --out FIG.svg)", r.name)
		}
	}
	format, err = figure.Format(*p.out)
	if err != nil {
		return "", opts, spec, usagef("plot: --out %q: want a file name ending in .png or .svg", *p.out)
	}
	opts = figure.Options{Title: *p.title, XLabel: *p.xlabel, YLabel: *p.ylabel, Width: *p.width, Height: *p.height, NoFit: *p.noFit}
	switch *p.legend {
	case "auto":
	case "top-right", "top-left", "bottom-right", "bottom-left":
		opts.Legend = *p.legend
	default:
		return "", opts, spec, usagef("plot: --legend %q, want auto, top-right, top-left, bottom-right or bottom-left", *p.legend)
	}
	if opts.LogX, opts.LogY, err = parseLogAxes(*p.logS); err != nil {
		return "", opts, spec, err
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"width", *p.width}, {"height", *p.height}} {
		if err := checkFinite(c.name, c.v); err != nil {
			return "", opts, spec, err
		}
		if !(c.v >= 72 && c.v <= 7200) {
			return "", opts, spec, usagef("plot: --%s %v, want 72 to 7200 points (1 to 100 inches)", c.name, c.v)
		}
	}
	parts := strings.Split(*p.suffixes, ",")
	if len(parts) != 3 {
		return "", opts, spec, usagef("plot: --summary-suffixes %q, want three comma-separated suffixes MEAN,LO,HI like _mean,_ci95_lo,_ci95_hi", *p.suffixes)
	}
	conv := figure.Convention{Mean: strings.TrimSpace(parts[0]), Lo: strings.TrimSpace(parts[1]), Hi: strings.TrimSpace(parts[2])}
	if conv == (figure.Convention{}) {
		return "", opts, spec, usagef("plot: --summary-suffixes %q names no suffix", *p.suffixes)
	}
	spec = figure.Spec{X: *p.x, Y: *p.y, Group: *p.group, YErr: *p.yerr, LogX: opts.LogX, LogY: opts.LogY}
	if p.f.set("summary-suffixes") {
		spec.Convention = conv // else the default and its fallbacks (see go doc figure)
	}
	return format, opts, spec, nil
}

// read reads --in and resolves spec's columns and series in it.
func (p *plotFlags) read(spec figure.Spec) (figure.Columns, []figure.Series, error) {
	tab, err := figure.ReadFile(*p.in)
	if err != nil {
		if errors.Is(err, figure.ErrFigure) {
			return figure.Columns{}, nil, usagef("plot: --in: %v", err)
		}
		return figure.Columns{}, nil, fmt.Errorf("plot: %w", err)
	}
	cols, err := figure.Resolve(tab, spec)
	if err != nil {
		return figure.Columns{}, nil, usagef("plot: %v", err)
	}
	series, err := figure.Build(tab, spec)
	if err != nil {
		return figure.Columns{}, nil, usagef("plot: %v", err)
	}
	return cols, series, nil
}

// render draws the series (axis labels defaulting to the keys' quantities)
// and writes the figure to --out atomically; it returns the fitted slopes.
func (p *plotFlags) render(format string, opts figure.Options, cols figure.Columns, series []figure.Series) ([]figure.Fit, error) {
	if opts.XLabel == "" {
		opts.XLabel = figure.Label(*p.x)
	}
	if opts.YLabel == "" {
		opts.YLabel = figure.Label(cols.Y)
	}
	var buf bytes.Buffer
	fits, err := figure.Render(&buf, format, series, opts)
	if err != nil {
		if errors.Is(err, figure.ErrFigure) {
			return nil, usagef("plot: %s: %v", *p.in, err)
		}
		return nil, fmt.Errorf("plot: %w", err)
	}
	if err := writeFileAtomic(*p.out, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
		return nil, fmt.Errorf("plot: %w", err)
	}
	return fits, nil
}

// report prints the fitted slopes: JSON Lines after a manifest (--json), or
// one text line per group.
func (p *plotFlags) report(stdout io.Writer, args []string, fits []figure.Fit, cols figure.Columns) error {
	tw := newErrWriter(stdout)
	if *p.asJSON {
		conf := map[string]any{"in": *p.in, "x": *p.x, "y": cols.Y, "out": *p.out}
		p.f.Visit(func(fl *flag.Flag) { conf[fl.Name] = fl.Value.String() })
		jl, err := bench.NewJSONL(tw, manifestArgs("plot", args, conf))
		if err != nil {
			return err
		}
		for _, fit := range fits {
			if err := jl.Write(plotFit{fit.Group, num(fit.Slope), num(fit.Intercept), num(fit.Lo), num(fit.Hi), fit.N}); err != nil {
				return err
			}
		}
		return tw.Err()
	}
	for _, fit := range fits {
		name := fit.Group
		if name == "" {
			name = cols.Y
		}
		fmt.Fprintf(tw, "%s: %s\n", name, fit)
	}
	return tw.Err()
}

// parseLogAxes reads --log: "", "none", "x", "y", "x,y" (or "xy", "y,x").
func parseLogAxes(s string) (logX, logY bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "none" {
		return false, false, nil
	}
	if s == "xy" || s == "yx" {
		return true, true, nil
	}
	for _, p := range strings.Split(s, ",") {
		switch strings.TrimSpace(p) {
		case "x":
			if logX {
				return false, false, usagef("plot: --log %q names x twice", s)
			}
			logX = true
		case "y":
			if logY {
				return false, false, usagef("plot: --log %q names y twice", s)
			}
			logY = true
		default:
			return false, false, usagef("plot: --log %q, want x, y or x,y", s)
		}
	}
	return logX, logY, nil
}

// plotFit is a fitted log-log slope in plot --json's JSON Lines (after the
// manifest line).
type plotFit struct {
	Group     string `json:"group"`
	Slope     num    `json:"slope"`
	Intercept num    `json:"intercept"`
	Lo        num    `json:"lo"`
	Hi        num    `json:"hi"`
	N         int    `json:"n"`
}
