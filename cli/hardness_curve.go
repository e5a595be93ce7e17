package cli

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

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

func runHardnessCurve(args []string, stdout, stderr io.Writer) error {
	f := newFlags("hardness curve", "[--k 2,4,6] [--dims K=D1,D2,...]... [--eta E] [--tau-frac F] [--seed S] [--svg FILE] [--json]", stdout)
	ksS := f.String("k", "2,4,6", "support sizes, comma-separated (1 or even)")
	eta := f.Float64("eta", 0, "label noise rate in [0, 1/2)")
	tauFrac := f.Float64("tau-frac", 0.25, "tolerance as a fraction of a kappa_k (support search needs < 0.36)")
	seed := f.Uint64("seed", 1, "seed")
	svg := f.String("svg", "", "write the log-log figure of queries against d to FILE (SVG)")
	asJSON := f.Bool("json", false, "JSON Lines: a manifest, one line per game, one per fit")
	dims := dimsFlag{}
	f.Var(dims, "dims", "dimensions for one k, e.g. --dims 4=8,12,16 (repeatable; defaults: 2=8..1024, 4=8..64, 6=8..28)")
	if err := f.parse(args); err != nil {
		return err
	}
	ks, err := intList(*ksS)
	if err != nil {
		return usagef("hardness curve: --k: %v", err)
	}
	if err := checkFinite("tau-frac", *tauFrac); err != nil {
		return err
	}
	if !(*tauFrac > 0) {
		return usagef("hardness curve: --tau-frac %v, want > 0", *tauFrac)
	}
	for k := range dims {
		if !slices.Contains(ks, k) {
			return usagef("hardness curve: --dims %d=... but --k %s does not include k = %d", k, *ksS, k)
		}
	}
	for _, k := range ks {
		ds := dims[k]
		if len(ds) == 0 {
			ds = hardness.DefaultCurveDs[k]
		}
		if len(ds) == 0 {
			return usagef("hardness curve: no default dimensions for k = %d; give --dims %d=D1,D2,...", k, k)
		}
		for _, d := range ds {
			if err := familyArgs("hardness curve", d, k, *eta); err != nil {
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
	var fig *atomicFile
	if *svg != "" {
		var err error
		if fig, err = createAtomic(*svg); err != nil {
			return usagef("hardness curve: --svg %q: %v", *svg, err)
		}
		defer func() {
			if fig != nil {
				fig.Abort()
			}
		}()
	}
	cfg := hardness.CurveConfig{Ks: ks, Ds: map[int][]int(dims), Eta: *eta, TauFrac: *tauFrac, Seed: *seed}
	if isTerminal(stderr) {
		cfg.Progress = func(p hardness.CurvePoint) {
			fmt.Fprintf(stderr, "k = %d, d = %d: %d queries (%.1fs)\n", p.K, p.D, p.Queries, p.Seconds)
		}
	}
	pts, fits, err := hardness.Curve(cfg)
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
	if *asJSON {
		if err := writeJSON(stdout, manifest("hardness curve", map[string]any{"k": ks, "dims": dims, "eta": num(*eta), "tau_frac": num(*tauFrac), "seed": *seed})); err != nil {
			return err
		}
		for _, p := range pts {
			if err := writeJSON(stdout, map[string]any{"k": p.K, "d": p.D, "tau": num(p.Tau), "supports": p.Supports, "queries": p.Queries,
				"identified": p.Identified, "bound_queries": num(p.BoundQueries), "survivors": p.Survivors, "survivors_kind": p.Kind, "seconds": num(p.Seconds)}); err != nil {
				return err
			}
		}
		for _, ft := range fits {
			if err := writeJSON(stdout, map[string]any{"fit_k": ft.K, "exponent": num(ft.Exponent), "supports_exponent": num(ft.SupportsExponent),
				"centered_exponent": num(ft.CenteredExponent),
				"vs_supports":       num(ft.VsSupports), "points": ft.Points, "d_min": ft.DMin, "d_max": ft.DMax}); err != nil {
				return err
			}
		}
		return nil
	}
	fmt.Fprintf(stdout, "queries to success: sparse (support search) against the parity adversary, eta = %g, tau = %g a kappa_k\n\n", *eta, *tauFrac)
	fmt.Fprintf(stdout, "%3s %6s %12s %14s %10s %14s %8s\n", "k", "d", "tau", "C(d,k)", "queries", "bound", "found")
	for _, p := range pts {
		fmt.Fprintf(stdout, "%3d %6d %12.4g %14s %10d %14.4g %8v\n", p.K, p.D, p.Tau, p.Supports, p.Queries, p.BoundQueries, p.Identified)
	}
	fmt.Fprintln(stdout, "\nfitted exponents (least squares on log-log):")
	fmt.Fprintf(stdout, "%3s %10s %11s %19s %22s %11s\n", "k", "d range", "queries~d^", "C(d,k)~d^ (same d)", "queries~(d-(k-1)/2)^", "queries~C^")
	for _, ft := range fits {
		fmt.Fprintf(stdout, "%3d %4d..%-5d %11.3f %19.3f %22.3f %11.4f\n", ft.K, ft.DMin, ft.DMax, ft.Exponent, ft.SupportsExponent, ft.CenteredExponent, ft.VsSupports)
	}
	if *svg != "" {
		fmt.Fprintf(stdout, "\nfigure: %s\n", *svg)
	}
	return nil
}
