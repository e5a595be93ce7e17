package cli

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/sqsim/sqsim/hardness"
)

func runHardnessInfo(args []string, stdout io.Writer) error {
	f := newFlags("hardness info", "--d D --k K [--eta E] [--tau T] [--json]", stdout)
	d := f.Int("d", 0, "dimension (required)")
	k := f.Int("k", 0, "support size: 1 or even (required)")
	eta := f.Float64("eta", 0, "label noise rate in [0, 1/2)")
	tau := f.Float64("tau", 1e-3, "tolerance for the query lower bound")
	asJSON := f.Bool("json", false, "print one JSON object")
	if err := f.parse(args); err != nil {
		return err
	}
	if !f.set("d") || !f.set("k") {
		return usagef("hardness info: --d and --k are both required")
	}
	if err := familyArgs("hardness info", *d, *k, *eta); err != nil {
		return err
	}
	if *k > infoMaxK {
		return usagef("hardness info: --k %d, want k <= %d (kappa_k and M_k are computed for k <= %d)", *k, infoMaxK, infoMaxK)
	}
	if err := tauArg("hardness info", *tau); err != nil {
		return err
	}
	land, err := hardness.NewLandscape(*k, *eta)
	if err != nil {
		return err
	}
	sup, err := hardness.BinomialErr(*d, *k)
	if err != nil {
		return usagef("hardness info: --d %d --k %d: %v", *d, *k, err)
	}
	bound, err := hardness.BoundQueries(*d, *k, *eta, *tau)
	if err != nil {
		return err
	}
	boundLog10, err := hardness.BoundQueriesLog10(*d, *k, *eta, *tau)
	if err != nil {
		return err
	}
	sda := hardness.SDABound(*d, *k, *eta, *tau**tau)
	// log10 of the SDA bound, for sizes where it leaves the float64 range.
	sdaLog10 := 2*math.Log10(*tau) + hardness.Log10(sup) - 2*math.Log10(1-2**eta)
	if *asJSON {
		cfg := map[string]any{"d": *d, "k": *k, "eta": num(*eta), "tau": num(*tau)}
		return writeJSON(stdout, map[string]any{
			"d": *d, "k": *k, "eta": num(*eta), "tau": num(*tau),
			"supports": sup.String(), "log10_supports": num(hardness.Log10(sup)),
			"kappa": num(land.Kappa), "lambda": num(land.Lambda), "opt0": num(land.Opt0), "optS": num(land.OptS),
			"gap": num(land.Gap), "eps": num(land.Eps), "r_star": num(land.RStar), "a": num(land.A),
			"tail": num(land.TailK), "Mk": land.Mk, "Mk_certain": land.MkCertain, "Mk_crude": num(land.MkCrude),
			"bound_queries": num(bound), "bound_vacuous": bound < 1, "sda_bound": num(sda),
			"Mk_big": land.MkDecimal, "Mk_beyond_int64": land.MkBeyondInt64, "Mk_log10": num(land.MkLog10),
			"lambda_log10": num(land.LambdaLog10), "lambda_in_range": land.LambdaInRange,
			"bound_queries_log10": num(boundLog10), "sda_bound_log10": num(sdaLog10),
			"manifest": manifest("hardness info", cfg),
		})
	}
	fmt.Fprintf(stdout, "parity-embedded ReLU family: d = %d, k = %d, eta = %g (construction: theory §4.2, a reconstruction)\n", *d, *k, *eta)
	fmt.Fprintf(stdout, "  supports C(d,k)   %s  (10^%.2f, exact)\n", sup, hardness.Log10(sup))
	fmt.Fprintf(stdout, "  kappa_k           %.16g  |C_S(1_S/sqrt k)|, Dawson integral\n", land.Kappa)
	if land.LambdaInRange {
		fmt.Fprintf(stdout, "  lambda_k          %.6g  leading Hermite coupling c_k sqrt(k!) (2/pi)^(k/2)\n", land.Lambda)
	} else {
		fmt.Fprintf(stdout, "  lambda_k          |lambda_k| = 10^%.4f, beyond the float64 range  leading Hermite coupling c_k sqrt(k!) (2/pi)^(k/2)\n", land.LambdaLog10)
	}
	fmt.Fprintf(stdout, "  opt_0             %.16g  1/2 - 1/(4 pi)\n", land.Opt0)
	fmt.Fprintf(stdout, "  opt_S             %.16g  1/2 - 2 (A0 + a kappa)^2, at r* = %.6f\n", land.OptS, land.RStar)
	fmt.Fprintf(stdout, "  gap               %.6e  opt_0 - opt_S; eps = gap/2 = %.6e\n", land.Gap, land.Eps)
	mkNote := "exact"
	if !land.MkCertain {
		mkNote = "floor uncertain by one"
	}
	mk := land.MkDecimal
	if mk == "" {
		mk = strconv.FormatInt(land.Mk, 10)
	}
	if len(mk) > 40 {
		mk = fmt.Sprintf("10^%.4f (%d digits; the exact integer is --json key Mk_big)", land.MkLog10, len(mk))
	}
	crude := fmt.Sprintf("%.4g", land.MkCrude)
	if math.IsInf(land.MkCrude, 1) {
		crude = fmt.Sprintf("10^%.4f", math.Log10(2)-2*math.Log10(land.Kappa))
	}
	fmt.Fprintf(stdout, "  M_k               %s  floor(4 T_{k-1}/kappa^2) (%s; crude 2/kappa^2 = %s)\n", mk, mkNote, crude)
	vac := ""
	if bound < 1 {
		vac = "  (vacuous: below 1)"
	}
	if math.IsInf(bound, 1) {
		fmt.Fprintf(stdout, "  bound_queries     10^%.4f  (C(d,k) - M_k) tau^2/(1-2 eta)^2 at tau = %g, beyond the float64 range\n", boundLog10, *tau)
	} else {
		fmt.Fprintf(stdout, "  bound_queries     %.6g  (C(d,k) - M_k) tau^2/(1-2 eta)^2 at tau = %g%s\n", bound, *tau, vac)
	}
	if math.IsInf(sda, 1) {
		fmt.Fprintf(stdout, "  SDA bound         10^%.4f  tau^2 C(d,k)/(1-2 eta)^2 (theory §5.2), beyond the float64 range\n", sdaLog10)
	} else {
		fmt.Fprintf(stdout, "  SDA bound         %.6g  tau^2 C(d,k)/(1-2 eta)^2 (theory §5.2)\n", sda)
	}
	return nil
}
