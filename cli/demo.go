package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/figure"
	"github.com/sqsim/sqsim/sq"
)

func init() {
	register(&command{name: "demo", summary: "the story in three acts: GD works (realizable), cannot work in general (parity), approximation does (start here)", run: runDemo})
}

// demoFigureNames are the base names of the acts' figures (--figures DIR
// writes NAME.png and NAME.svg for each).
var demoFigureNames = [3]string{"act1-gd", "act2-tradeoff", "act3-approx"}

func runDemo(args []string, stdout, stderr io.Writer) error {
	f := newFlags("demo", "[--act N] [--figures DIR] [--d D] [--steps T] [--tol TAU] [--seed S] [--json]", stdout)
	act := f.Int("act", 0, "run only act N (1, 2 or 3; 0: all three)")
	figDir := f.String("figures", "", "write each act's figure to DIR as PNG and SVG ("+demoFigureNames[0]+".png, ...)")
	d := f.Int("d", 50, "act 1: dimension")
	steps := f.Int("steps", 40, "act 1: gradient steps")
	tol := f.Float64("tol", 1e-3, "act 1: tolerance of the noisy oracle (per coordinate)")
	seed := f.Uint64("seed", 1, "seed of every act (act 1: w* and the oracle's noise)")
	asJSON := f.Bool("json", false, "print JSON Lines: a manifest line, then one record per act")
	if err := f.parse(args); err != nil {
		return err
	}
	if *act < 0 || *act > 3 {
		return usagef("demo: --act %d, want 1, 2 or 3 (0: all)", *act)
	}
	if *d < 1 || *d > 100000 {
		return usagef("demo: --d %d, want 1 <= d <= 100000", *d)
	}
	if *steps < 1 || *steps > 100000 {
		return usagef("demo: --steps %d, want 1 <= steps <= 100000", *steps)
	}
	if err := checkFinite("tol", *tol); err != nil {
		return err
	}
	if !(*tol > 0) {
		return usagef("demo: --tol %v, want a tolerance > 0", *tol)
	}
	if *figDir != "" {
		if st, err := os.Stat(*figDir); err != nil || !st.IsDir() {
			return usagef("demo: --figures %q, want an existing directory", *figDir)
		}
	}
	run := func(n int) bool { return *act == 0 || *act == n }

	var jl *bench.JSONL
	var tw *errWriter
	if *asJSON {
		var err error
		cfg := map[string]any{"act": *act, "d": *d, "steps": *steps, "tol": num(*tol), "seed": *seed}
		if jl, err = bench.NewJSONL(stdout, manifest("demo", cfg)); err != nil {
			return fmt.Errorf("demo: writing the output: %w", err)
		}
	} else {
		tw = newErrWriter(stdout)
	}
	// emit writes an act's record or text, then its figures.
	emit := func(n int, rec map[string]any, print func(io.Writer), series []figure.Series, opts figure.Options) error {
		if jl != nil {
			if err := jl.Write(rec); err != nil {
				return fmt.Errorf("demo: writing the output: %w", err)
			}
		} else {
			if n > 1 && *act == 0 {
				fmt.Fprintln(tw)
			}
			print(tw)
			if err := tw.Err(); err != nil {
				return prefixErr("demo", err)
			}
		}
		if *figDir != "" {
			for _, ext := range []string{".png", ".svg"} {
				p := filepath.Join(*figDir, demoFigureNames[n-1]+ext)
				if _, err := figure.Write(p, series, opts); err != nil {
					return fmt.Errorf("demo: act %d figure: %w", n, err)
				}
			}
			if jl == nil {
				fmt.Fprintf(tw, "  figure: %s.{png,svg}\n", filepath.Join(*figDir, demoFigureNames[n-1]))
			}
		}
		return nil
	}
	if run(1) {
		a, err := demoAct1(*d, *steps, *tol, *seed)
		if err != nil {
			return fmt.Errorf("demo: act 1: %w", err)
		}
		s, o := a.figure()
		if err := emit(1, a.record(), a.print, s, o); err != nil {
			return err
		}
	}
	if run(2) {
		a, err := demoAct2(*seed)
		if err != nil {
			return fmt.Errorf("demo: act 2: %w", err)
		}
		s, o, err := a.figure()
		if err != nil {
			return fmt.Errorf("demo: act 2 figure: %w", err)
		}
		if err := emit(2, a.record(), a.print, s, o); err != nil {
			return err
		}
	}
	if run(3) {
		a, err := demoAct3(*seed)
		if err != nil {
			return fmt.Errorf("demo: act 3: %w", err)
		}
		s, o := a.figure()
		if err := emit(3, a.record(), a.print, s, o); err != nil {
			return err
		}
	}
	if tw != nil {
		return prefixErr("demo", tw.Err())
	}
	return nil
}

// ledgerJSON is a ledger summary as JSON: the keys of sq.Summary ("cost" is
// the sample cost sum (B/tau)^2, "sum_inv_tau2" the raw sum 1/tau^2) and
// "sample_cost", the sample cost again under its own name.
func ledgerJSON(s sq.Summary) any {
	return struct {
		sq.Summary
		SampleCost float64 `json:"sample_cost"`
	}{s, s.Cost}
}
