package cli

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/hardness"
)

// infoOutput is the JSON object of sqsim hardness info --json.
type infoOutput struct {
	D             int    `json:"d"`
	K             int    `json:"k"`
	Eta           num    `json:"eta"`
	Tau           num    `json:"tau"`
	Supports      string `json:"supports"` // C(d,k), an exact decimal
	Log10Supports num    `json:"log10_supports"`

	Kappa         num    `json:"kappa"`
	Lambda        num    `json:"lambda"`
	Opt0          num    `json:"opt0"`
	OptS          num    `json:"optS"`
	Gap           num    `json:"gap"`
	Eps           num    `json:"eps"`
	RStar         num    `json:"r_star"`
	A             num    `json:"a"`
	Tail          num    `json:"tail"`
	Mk            int64  `json:"Mk"`
	MkCertain     bool   `json:"Mk_certain"`
	MkCrude       num    `json:"Mk_crude"`
	MkBig         string `json:"Mk_big"`
	MkBeyondInt64 bool   `json:"Mk_beyond_int64"`
	MkLog10       num    `json:"Mk_log10"`
	LambdaLog10   num    `json:"lambda_log10"`
	LambdaInRange bool   `json:"lambda_in_range"`

	BoundQueries      num  `json:"bound_queries"`
	BoundVacuous      bool `json:"bound_vacuous"`
	SDABound          num  `json:"sda_bound"`
	BoundQueriesLog10 num  `json:"bound_queries_log10"`
	SDABoundLog10     num  `json:"sda_bound_log10"`

	Manifest bench.CommandManifest `json:"manifest"`
}

func runHardnessInfo(args []string, stdout io.Writer) error {
	f := newFlags("hardness info", "--d D --k K [--eta E] [--tau T] [--json] [--out FILE]", stdout)
	fam := familyFlags{Tau: 1e-3}
	bindFamily(f, &fam, familySpec{DNote: "(required)", KNote: "(required)", TauNote: "of the query lower bound"})
	var o outputFlags
	bindOutput(f, &o, "")
	if err := f.parse(args); err != nil {
		return err
	}
	if !f.set("d") || !f.set("k") {
		return usagef("hardness info: --d and --k are both required")
	}
	if err := familyArgs("hardness info", fam.D, fam.K, fam.Eta); err != nil {
		return err
	}
	if fam.K > infoMaxK {
		return usagef("hardness info: --k %d, want k <= %d (kappa_k and M_k are computed for k <= %d)", fam.K, infoMaxK, infoMaxK)
	}
	if err := tauArg("hardness info", fam.Tau); err != nil {
		return err
	}
	w, err := o.open("hardness info", stdout)
	if err != nil {
		return err
	}
	return o.close("hardness info", hardnessInfo(fam, o.JSON, args, w))
}

// hardnessInfo computes and prints the quantities of the family fam.
func hardnessInfo(fam familyFlags, asJSON bool, args []string, stdout io.Writer) error {
	d, k, eta, tau := fam.D, fam.K, fam.Eta, fam.Tau
	land, err := hardness.NewLandscape(k, eta)
	if err != nil {
		return err
	}
	sup, err := hardness.BinomialErr(d, k)
	if err != nil {
		return usagef("hardness info: --d %d --k %d: %v", d, k, err)
	}
	bound, err := hardness.BoundQueries(d, k, eta, tau)
	if err != nil {
		return err
	}
	boundLog10, err := hardness.BoundQueriesLog10(d, k, eta, tau)
	if err != nil {
		return err
	}
	sda := hardness.SDABound(d, k, eta, tau*tau)
	// log10 of the SDA bound, for sizes where it leaves the float64 range.
	sdaLog10 := 2*math.Log10(tau) + hardness.Log10(sup) - 2*math.Log10(1-2*eta)
	if asJSON {
		cfg := map[string]any{"d": d, "k": k, "eta": num(eta), "tau": num(tau)}
		return writeJSON(stdout, infoOutput{
			D: d, K: k, Eta: num(eta), Tau: num(tau),
			Supports: sup.String(), Log10Supports: num(hardness.Log10(sup)),
			Kappa: num(land.Kappa), Lambda: num(land.Lambda), Opt0: num(land.Opt0), OptS: num(land.OptS),
			Gap: num(land.Gap), Eps: num(land.Eps), RStar: num(land.RStar), A: num(land.A),
			Tail: num(land.TailK), Mk: land.Mk, MkCertain: land.MkCertain, MkCrude: num(land.MkCrude),
			BoundQueries: num(bound), BoundVacuous: bound < 1, SDABound: num(sda),
			MkBig: land.MkDecimal, MkBeyondInt64: land.MkBeyondInt64, MkLog10: num(land.MkLog10),
			LambdaLog10: num(land.LambdaLog10), LambdaInRange: land.LambdaInRange,
			BoundQueriesLog10: num(boundLog10), SDABoundLog10: num(sdaLog10),
			Manifest: manifestArgs("hardness info", args, cfg),
		})
	}
	fmt.Fprintf(stdout, "parity-embedded ReLU family: d = %d, k = %d, eta = %g (construction: theory §4.2, a reconstruction)\n", d, k, eta)
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
		fmt.Fprintf(stdout, "  bound_queries     10^%.4f  (C(d,k) - M_k) tau^2/(1-2 eta)^2 at tau = %g, beyond the float64 range\n", boundLog10, tau)
	} else {
		fmt.Fprintf(stdout, "  bound_queries     %.6g  (C(d,k) - M_k) tau^2/(1-2 eta)^2 at tau = %g%s\n", bound, tau, vac)
	}
	if math.IsInf(sda, 1) {
		fmt.Fprintf(stdout, "  SDA bound         10^%.4f  tau^2 C(d,k)/(1-2 eta)^2 (theory §5.2), beyond the float64 range\n", sdaLog10)
	} else {
		fmt.Fprintf(stdout, "  SDA bound         %.6g  tau^2 C(d,k)/(1-2 eta)^2 (theory §5.2)\n", sda)
	}
	return nil
}
