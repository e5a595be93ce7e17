package cli

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/hardness"
)

// dimsFlag collects --dims K=D1,D2,... (repeatable).
type dimsFlag map[int][]int

func (m dimsFlag) String() string { return "" }
func (m dimsFlag) Set(v string) error {
	ks, ds, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("want K=D1,D2,..., got %q", v)
	}
	k, err := strconv.Atoi(strings.TrimSpace(ks))
	if err != nil {
		return fmt.Errorf("k %q is not an integer", ks)
	}
	if _, dup := m[k]; dup {
		return fmt.Errorf("dimensions for k = %d are given twice", k)
	}
	list, err := intList(ds)
	if err != nil {
		return err
	}
	m[k] = list
	return nil
}

// curveFlags are the flags of sqsim hardness curve.
type curveFlags struct {
	f       *flags
	fam     familyFlags
	tauFrac float64
	seed    uint64
	svg     string
	dims    dimsFlag
	out     outputFlags
}

func runHardnessCurve(args []string, stdout, stderr io.Writer) error {
	f := newFlags("hardness curve", "[--k 2,4,6] [--dims K=D1,D2,...]... [--eta E] [--tau-frac F] [--seed S] [--svg FILE] [--json] [--out FILE]", stdout)
	c := &curveFlags{f: f, fam: familyFlags{Ks: []int{2, 4, 6}}, dims: dimsFlag{}}
	bindFamily(f, &c.fam, familySpec{KList: true, NoD: true, NoTau: true})
	f.Float64Var(&c.tauFrac, "tau-frac", 0.25, "tolerance as a fraction of a kappa_k (support search needs < 0.36)")
	f.Uint64Var(&c.seed, "seed", 1, "seed")
	f.StringVar(&c.svg, "svg", "", "write the log-log figure of queries against d to FILE (SVG)")
	bindOutput(f, &c.out, "one line per game, one per fit")
	f.Var(c.dims, "dims", "dimensions for one k, e.g. --dims 4=8,12,16 (repeatable; defaults: 2=8..1024, 4=8..64, 6=8..28)")
	if err := f.parse(args); err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return err
	}
	w, err := c.out.open("hardness curve", stdout)
	if err != nil {
		return err
	}
	return c.out.close("hardness curve", c.run(args, w, stderr))
}

// check validates the flags: every (k, d) of the curve must be a family
// whose support search fits the limits.
func (c *curveFlags) check() error {
	ks, eta := c.fam.Ks, c.fam.Eta
	if err := checkFinite("tau-frac", c.tauFrac); err != nil {
		return err
	}
	if !(c.tauFrac > 0) {
		return usagef("hardness curve: --tau-frac %v, want > 0", c.tauFrac)
	}
	for k := range c.dims {
		if !slices.Contains(ks, k) {
			return usagef("hardness curve: --dims %d=... but --k %s does not include k = %d", k, intsFlag{p: &ks}, k)
		}
	}
	for _, k := range ks {
		ds := c.dims[k]
		if len(ds) == 0 {
			ds = bench.DefaultCurveDs[k]
		}
		if len(ds) == 0 {
			return usagef("hardness curve: no default dimensions for k = %d; give --dims %d=D1,D2,...", k, k)
		}
		for _, d := range ds {
			if err := familyArgs("hardness curve", d, k, eta); err != nil {
				return err
			}
			if d > gameMaxD {
				return usagef("hardness curve: d = %d for k = %d, the adversary handles d <= %d", d, k, gameMaxD)
			}
			if supportsFloat(d, k) > supportSearchLimit {
				return usagef("hardness curve: d = %d, k = %d: the support search needs C(%d, %d) = %s queries, more than the limit %d",
					d, k, d, k, hardness.Binomial(d, k), supportSearchLimit)
			}
		}
	}
	return nil
}

// curvePoint is a game line of sqsim hardness curve --json.
type curvePoint struct {
	K             int    `json:"k"`
	D             int    `json:"d"`
	Tau           num    `json:"tau"`
	Supports      string `json:"supports"`
	Queries       int    `json:"queries"`
	Identified    bool   `json:"identified"`
	BoundQueries  num    `json:"bound_queries"`
	Survivors     string `json:"survivors"`
	SurvivorsKind string `json:"survivors_kind"`
	Seconds       num    `json:"seconds"`
}

// curveFit is a fit line of sqsim hardness curve --json.
type curveFit struct {
	FitK             int `json:"fit_k"`
	Exponent         num `json:"exponent"`
	SupportsExponent num `json:"supports_exponent"`
	CenteredExponent num `json:"centered_exponent"`
	VsSupports       num `json:"vs_supports"`
	Points           int `json:"points"`
	DMin             int `json:"d_min"`
	DMax             int `json:"d_max"`
}

// legacyManifestLine is the first line of the JSON Lines of hardness curve
// and escape: {"manifest": {...}}, with the manifest's keys also at the top
// level, where the older format had them.
type legacyManifestLine struct {
	bench.ManifestLine
	bench.CommandManifest
}

func newLegacyJSONL(w io.Writer, m bench.CommandManifest) (*bench.JSONL, error) {
	return bench.NewJSONLHeader(w, legacyManifestLine{bench.ManifestLine{Manifest: m}, m})
}

// run plays the games of the curve, draws the figure and prints the table
// or the JSON Lines.
func (c *curveFlags) run(args []string, stdout, stderr io.Writer) error {
	ks, eta, tauFrac := c.fam.Ks, c.fam.Eta, c.tauFrac
	var fig *atomicFile
	if c.svg != "" {
		var err error
		if fig, err = createAtomic(c.svg); err != nil {
			return usagef("hardness curve: --svg %q: %v", c.svg, err)
		}
		defer func() {
			if fig != nil {
				fig.Abort()
			}
		}()
	}
	cfg := bench.CurveConfig{Ks: ks, Ds: map[int][]int(c.dims), Eta: eta, TauFrac: tauFrac, Seed: c.seed}
	if isTerminal(stderr) {
		cfg.Progress = func(p bench.CurvePoint) {
			fmt.Fprintf(stderr, "k = %d, d = %d: %d queries (%.1fs)\n", p.K, p.D, p.Queries, p.Seconds)
		}
	}
	pts, fits, err := bench.Curve(cfg)
	if err != nil {
		return err
	}
	if fig != nil {
		if err := writeCurveSVG(fig, pts, fits); err != nil {
			return err
		}
		err := fig.Commit()
		fig = nil
		if err != nil {
			return err
		}
	}
	if c.out.JSON {
		conf := map[string]any{"k": ks, "dims": c.dims, "eta": num(eta), "tau_frac": num(tauFrac), "seed": c.seed}
		jl, err := newLegacyJSONL(stdout, manifestArgs("hardness curve", args, conf))
		if err != nil {
			return err
		}
		for _, p := range pts {
			jl.Write(curvePoint{K: p.K, D: p.D, Tau: num(p.Tau), Supports: p.Supports, Queries: p.Queries,
				Identified: p.Identified, BoundQueries: num(p.BoundQueries), Survivors: p.Survivors, SurvivorsKind: p.Kind, Seconds: num(p.Seconds)})
		}
		for _, ft := range fits {
			jl.Write(curveFit{FitK: ft.K, Exponent: num(ft.Exponent), SupportsExponent: num(ft.SupportsExponent),
				CenteredExponent: num(ft.CenteredExponent), VsSupports: num(ft.VsSupports), Points: ft.Points, DMin: ft.DMin, DMax: ft.DMax})
		}
		return jl.Err()
	}
	fmt.Fprintf(stdout, "queries to success: sparse (support search) against the parity adversary, eta = %g, tau = %g a kappa_k\n\n", eta, tauFrac)
	fmt.Fprintf(stdout, "%3s %6s %12s %14s %10s %14s %8s\n", "k", "d", "tau", "C(d,k)", "queries", "bound", "found")
	for _, p := range pts {
		fmt.Fprintf(stdout, "%3d %6d %12.4g %14s %10d %14.4g %8v\n", p.K, p.D, p.Tau, p.Supports, p.Queries, p.BoundQueries, p.Identified)
	}
	fmt.Fprintln(stdout, "\nfitted exponents (least squares on log-log):")
	fmt.Fprintf(stdout, "%3s %10s %11s %19s %22s %11s\n", "k", "d range", "queries~d^", "C(d,k)~d^ (same d)", "queries~(d-(k-1)/2)^", "queries~C^")
	for _, ft := range fits {
		fmt.Fprintf(stdout, "%3d %4d..%-5d %11.3f %19.3f %22.3f %11.4f\n", ft.K, ft.DMin, ft.DMax, ft.Exponent, ft.SupportsExponent, ft.CenteredExponent, ft.VsSupports)
	}
	if c.svg != "" {
		fmt.Fprintf(stdout, "\nfigure: %s\n", c.svg)
	}
	return nil
}
