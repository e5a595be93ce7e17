package hardness

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/sqsim/sqsim/sq/gauss"
)

// TestKappaSymmetricRoute compares the one-component symmetric form used
// above k = 400 with the general (k + 2)-component parity integral, an
// independent evaluation of the same Dawson integral, for k up to 600.
func TestKappaSymmetricRoute(t *testing.T) {
	ks := []int{2, 4, 10, 50, 100, 200, 400, 402, 600}
	if testing.Short() {
		ks = []int{2, 4, 10, 50, 100, 402}
	}
	for _, k := range ks {
		ws := make([]float64, k)
		for i := range ws {
			ws[i] = 1 / math.Sqrt(float64(k))
		}
		gen := math.Abs(corrIntegrals(ws, 0, false).C)
		sym := math.Exp(logKappaSym(k))
		if rel := math.Abs(sym-gen) / gen; !(rel <= 2e-16*float64(k)+1e-15) {
			t.Errorf("k = %d: symmetric form %.16g, general integral %.16g (relative %.2g)", k, sym, gen, rel)
		}
		got, err := Kappa(k)
		if err != nil {
			t.Fatal(err)
		}
		if rel := math.Abs(got-gen) / gen; !(rel <= 2e-16*float64(k)+1e-15) {
			t.Errorf("Kappa(%d) = %.16g, general integral %.16g", k, got, gen)
		}
	}
	if want := (math.Sqrt2 - 1) / math.Sqrt(2*math.Pi); math.Abs(math.Exp(logKappaSym(2))-want) > 1e-14*want {
		t.Errorf("symmetric form at k = 2: %.16g, closed form %.16g", math.Exp(logKappaSym(2)), want)
	}
}

// TestKappaBeyondRange: Kappa(50000) used to run for hours; kappa_k is
// about 10^-10720 there, below the float64 range, which is an error.
func TestKappaBeyondRange(t *testing.T) {
	for _, k := range []int{1440, 1500, 50000, 1 << 40} {
		_, err := Kappa(k)
		if !errors.Is(err, ErrFamily) || !strings.Contains(err.Error(), "beyond") {
			t.Errorf("Kappa(%d): err = %v, want a beyond-range error wrapping ErrFamily", k, err)
		}
		if _, err := NewLandscape(k, 0); !errors.Is(err, ErrFamily) {
			t.Errorf("NewLandscape(%d): err = %v, want ErrFamily", k, err)
		}
	}
	if v, err := Kappa(1400); err != nil || !(v > 0 && v < 1e-300) {
		t.Errorf("Kappa(1400) = %v, %v: want a small positive value", v, err)
	}
	if v, err := Kappa(1430); err == nil {
		t.Logf("kappa_1430 = %v", v)
	}
}

// TestMkBeyondInt64: M_k saturated int64 at 9223372036854775807 from k ~ 44
// on. MkBig is exact (the floor of the 256-bit ratio of the float64 T and
// kappa), agrees with the int64 Mk where that fits, and has the number of
// digits that MkLog10 says.
func TestMkBeyondInt64(t *testing.T) {
	for _, k := range []int{2, 12, 24, 40, 42, 44, 60, 200, 1000} {
		l, err := NewLandscape(k, 0)
		if err != nil {
			t.Fatal(err)
		}
		if l.MkBig == nil || l.MkBig.Sign() <= 0 {
			t.Fatalf("k = %d: MkBig = %v", k, l.MkBig)
		}
		if got, want := len(l.MkBig.String()), int(math.Floor(l.MkLog10))+1; got != want {
			t.Errorf("k = %d: M_k has %d digits, log10 says %d", k, got, want)
		}
		// Independent: 4 T/kappa^2 in logarithms.
		if want := math.Log10(4*l.TailK) - 2*math.Log10(l.Kappa); want > 14 && math.Abs(Log10(l.MkBig)-want) > 1e-12*want {
			t.Errorf("k = %d: log10 M_k = %.15g, want %.15g", k, Log10(l.MkBig), want)
		}
		switch {
		case l.MkBeyondInt64:
			if l.MkBig.IsInt64() || l.Mk != math.MaxInt64 {
				t.Errorf("k = %d: beyond int64 but MkBig = %s, Mk = %d", k, l.MkBig, l.Mk)
			}
			if _, err := Mk(k); !errors.Is(err, ErrFamily) || !strings.Contains(err.Error(), "beyond the int64 range") {
				t.Errorf("Mk(%d): err = %v", k, err)
			}
		default:
			if !l.MkBig.IsInt64() || l.MkBig.Int64() != l.Mk {
				t.Errorf("k = %d: Mk = %d, MkBig = %s", k, l.Mk, l.MkBig)
			}
		}
	}
	if l, _ := NewLandscape(44, 0); !l.MkBeyondInt64 {
		t.Errorf("k = 44: M_k = %s should be beyond int64", l.MkBig)
	}
}

// TestLambdaLog10 checks log10 |lambda_k| against a 256-bit evaluation of
// c_k sqrt(k!) (2/pi)^(k/2) (k! exact) for k up to 1000, where lambda_k
// itself (10^2600) is beyond the float64 range.
func TestLambdaLog10(t *testing.T) {
	for _, k := range []int{2, 4, 10, 40, 100, 540, 1000} {
		const prec = 256
		f := new(big.Float).SetPrec(prec).SetInt(new(big.Int).MulRange(1, int64(k)))
		f.Sqrt(f)
		q := new(big.Float).SetPrec(prec).SetFloat64(2 / math.Pi)
		qk := new(big.Float).SetPrec(prec).SetFloat64(1)
		for i := 0; i < k/2; i++ {
			qk.Mul(qk, q)
		}
		f.Mul(f, qk)
		f.Mul(f, new(big.Float).SetPrec(prec).SetFloat64(math.Abs(gauss.ReluCoef(k))))
		want := log10Float(f)
		got, sign := LambdaLog10(k)
		if math.Abs(got-want) > 1e-11*math.Max(1, want) {
			t.Errorf("k = %d: log10|lambda| = %.15g, 256-bit reference %.15g", k, got, want)
		}
		if wantSign := int(math.Copysign(1, gauss.ReluCoef(k))); sign != wantSign {
			t.Errorf("k = %d: sign %d, want %d", k, sign, wantSign)
		}
		l, err := NewLandscape(k, 0)
		if err != nil {
			t.Fatal(err)
		}
		if l.LambdaInRange != !math.IsInf(l.Lambda, 0) || (l.LambdaInRange && math.Abs(math.Log10(math.Abs(l.Lambda))-got) > 1e-12*math.Max(1, got)) {
			t.Errorf("k = %d: Lambda %v, in range %v, log10 %v", k, l.Lambda, l.LambdaInRange, got)
		}
	}
}

func log10Float(f *big.Float) float64 {
	mant := new(big.Float)
	exp := f.MantExp(mant)
	m, _ := mant.Float64()
	return math.Log10(m) + float64(exp)*math.Log10(2)
}

// TestBinomialRoutes checks both routes of BinomialErr against math/big's
// Binomial, and that sizes beyond range (C(1e8, 5e7) used to run for hours)
// are errors naming the values.
func TestBinomialRoutes(t *testing.T) {
	for _, c := range [][2]int{{0, 0}, {5, 2}, {66, 33}, {1000, 3}, {1e9, 7}, {25000, 11000}, {30001, 15000}} {
		got, err := BinomialErr(c[0], c[1])
		if err != nil {
			t.Fatalf("C(%d, %d): %v", c[0], c[1], err)
		}
		want := new(big.Int).Binomial(int64(c[0]), int64(c[1]))
		if got.Cmp(want) != 0 {
			t.Errorf("C(%d, %d) = %s..., want %s...", c[0], c[1], leading(got), leading(want))
		}
		if Binomial(c[0], c[1]).Cmp(want) != 0 {
			t.Errorf("Binomial(%d, %d) differs from BinomialErr", c[0], c[1])
		}
	}
	for _, c := range [][2]int{{-1, 0}, {3, 4}, {3, -1}} {
		if got := Binomial(c[0], c[1]); got.Sign() != 0 {
			t.Errorf("C(%d, %d) = %s, want 0", c[0], c[1], got)
		}
	}
	for _, c := range [][2]int{{1e8, 5e7}, {1e9, 5e5}} {
		_, err := BinomialErr(c[0], c[1])
		if !errors.Is(err, ErrFamily) || !strings.Contains(err.Error(), "beyond") {
			t.Errorf("C(%d, %d): err = %v, want beyond range", c[0], c[1], err)
		}
		if got := Binomial(c[0], c[1]); got.Cmp(big.NewInt(-1)) != 0 {
			t.Errorf("Binomial(%d, %d) = %s, want the beyond-range -1", c[0], c[1], got)
		}
		if b, err := BoundQueries(c[0], 2, 0, 1e-3); err != nil || !(b > 0) {
			t.Errorf("BoundQueries(%d, 2) = %v, %v", c[0], b, err)
		}
	}
	if v := Log10(nil); !math.IsNaN(v) {
		t.Errorf("Log10(nil) = %v, want NaN", v)
	}
	if v := Log10(big.NewInt(-1)); !math.IsNaN(v) {
		t.Errorf("Log10(-1) = %v, want NaN", v)
	}
	if v := Log10(big.NewInt(1000)); math.Abs(v-3) > 1e-15 {
		t.Errorf("Log10(1000) = %v", v)
	}
}

// TestBoundQueriesLog10: log10 of the SQ bound without overflow, against
// the float64 bound where that is finite, and log-gamma beyond.
func TestBoundQueriesLog10(t *testing.T) {
	for _, c := range []struct{ d, k int }{{100, 2}, {1000, 4}, {1e6, 8}, {1e9, 1000}} {
		lb, err := BoundQueriesLog10(c.d, c.k, 0.1, 1e-3)
		if err != nil {
			t.Fatal(err)
		}
		b, err := BoundQueries(c.d, c.k, 0.1, 1e-3)
		if err != nil {
			t.Fatal(err)
		}
		if !math.IsInf(b, 1) {
			if math.Abs(lb-math.Log10(b)) > 1e-12*math.Max(1, math.Abs(lb)) {
				t.Errorf("d = %d, k = %d: log10 bound %.15g, bound %.6g", c.d, c.k, lb, b)
			}
			continue
		}
		lg := func(x int) float64 { v, _ := math.Lgamma(float64(x) + 1); return v }
		want := (lg(c.d)-lg(c.k)-lg(c.d-c.k))/math.Ln10 - 6 - 2*math.Log10(0.8)
		if math.Abs(lb-want) > 1e-9*want {
			t.Errorf("d = %d, k = %d: log10 bound %.15g, log-gamma %.15g", c.d, c.k, lb, want)
		}
	}
}

// TestPairCorrelationLimits: a union of 40 indices meant 2^40 steps; the
// limit is 24, and bad supports or noise rates are errors naming them.
func TestPairCorrelationLimits(t *testing.T) {
	S := make([]int, 20)
	T := make([]int, 20)
	for i := range S {
		S[i], T[i] = i, 20+i
	}
	for name, c := range map[string]struct {
		S, T []int
		eta  float64
		want string
	}{
		"union 40":       {S, T, 0, "at most 24"},
		"unsorted":       {[]int{2, 1}, []int{0, 1}, 0, "[2 1]"},
		"negative index": {[]int{-1, 1}, []int{0, 1}, 0, "[-1 1]"},
		"eta NaN":        {[]int{0, 1}, []int{0, 1}, math.NaN(), "NaN"},
		"eta 1/2":        {[]int{0, 1}, []int{0, 1}, 0.5, "0.5"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := PairCorrelation(c.S, c.T, c.eta)
			if !errors.Is(err, ErrFamily) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want ErrFamily naming %q", err, c.want)
			}
		})
	}
}

// TestKOfEpsBisection: KOfEps stopped at k = 400 (returning 400 for eps =
// 1e-300, whose k(eps) is above 1000) after 14 s of landscapes. It now
// bisects; the answer qualifies and the next even k does not.
func TestKOfEpsBisection(t *testing.T) {
	for _, eps := range []float64{1e-2, 1e-3, 1e-6, 1e-20, 1e-100, 1e-300} {
		k, err := KOfEps(eps, 0.1, 2)
		if err != nil {
			t.Fatalf("eps = %g: %v", eps, err)
		}
		l, err := NewLandscape(k, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		l2, err := NewLandscape(k+2, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		if !(l.Gap >= 2*eps) || l2.Gap >= 2*eps {
			t.Errorf("eps = %g: k = %d with Gap %g, Gap_{k+2} = %g", eps, k, l.Gap, l2.Gap)
		}
	}
	if _, err := KOfEps(1e-320, 0, 2); !errors.Is(err, ErrFamily) {
		t.Errorf("eps = 1e-320: err = %v, want beyond range", err)
	}
}

// TestLandscapeJSON: the new fields decode into a map[string]any (a
// 466-digit JSON number would not).
func TestLandscapeJSON(t *testing.T) {
	l, err := NewLandscape(1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if m["Mk_big"] != l.MkBig.String() || m["Mk_beyond_int64"] != true || m["lambda_in_range"] != false || m["lambda"] != "-Inf" || m["Mk_crude"] != "+Inf" {
		t.Errorf("JSON %s", b)
	}
}

// TestLandscapeJSONUnchanged: for a small k every key keeps its value as
// encoding/json writes it.
func TestLandscapeJSONUnchanged(t *testing.T) {
	l, err := NewLandscape(4, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["lambda"] != l.Lambda || m["Mk_crude"] != l.MkCrude || m["kappa"] != l.Kappa || m["Mk"] != float64(l.Mk) || m["k"] != 4.0 {
		t.Errorf("JSON %s", b)
	}
}
