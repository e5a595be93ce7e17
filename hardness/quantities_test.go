package hardness

import (
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
)

// TestLandscapeTable reproduces the table of theory §4.4: opt_S (eta = 0)
// to 1e-11 (it is printed with 12 digits), and Gap_k for eta in
// {0, 0.1, 0.25}, r* and kappa to the printed 7 significant digits.
// Independently of the printed digits, opt_S and Gap are checked to 1e-14
// against the closed forms evaluated at the 16-digit kappa of §4.3.
func TestLandscapeTable(t *testing.T) {
	rows := []struct {
		k                      int
		kappa, optS            float64
		gap0, gap01, gap025, r float64
	}{
		{2, 1.652473e-1, 0.340845056908, 7.957747e-2, 6.147744e-2, 3.637540e-2, 0.564190},
		{4, 2.109524e-2, 0.411784238799, 8.638290e-3, 6.875031e-3, 4.263519e-3, 0.420038},
		{6, 4.756930e-3, 0.418513473756, 1.909055e-3, 1.525433e-3, 9.516988e-4, 0.403699},
		{8, 1.271670e-3, 0.419914397060, 5.081314e-4, 4.063757e-4, 2.538636e-4, 0.400214},
		{10, 3.695647e-4, 0.420275025197, 1.475033e-4, 1.179917e-4, 7.373456e-5, 0.399312},
		{12, 1.128865e-4, 0.420377486893, 4.504156e-5, 3.603223e-5, 2.251919e-5, 0.399055},
		{14, 3.564403e-5, 0.420408307908, 1.422055e-5, 1.137634e-5, 7.110114e-6, 0.398978},
		{16, 1.152405e-5, 0.420417930957, 4.597497e-6, 3.677987e-6, 2.298732e-6, 0.398954},
	}
	kappa16 := map[int]float64{2: 0.1652473031463236, 4: 0.02109524459055063, 6: 0.004756930012615352,
		8: 0.001271669730566023, 10: 3.695646605412635e-4, 12: 1.128864800320842e-4, 14: 3.564403071038831e-5, 16: 1.152404977014412e-5}
	rel := func(a, b float64) float64 { return math.Abs(a-b) / math.Abs(b) }
	for _, row := range rows {
		l0, err := NewLandscape(row.k, 0)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(l0.OptS-row.optS) > 1e-11 {
			t.Errorf("k = %d: opt_S = %.13g, want %.12g", row.k, l0.OptS, row.optS)
		}
		if rel(l0.Kappa, row.kappa) > 5e-7 || rel(l0.RStar, row.r) > 2e-6 || rel(l0.Gap, row.gap0) > 7e-7 {
			t.Errorf("k = %d: kappa %.7g r* %.7g gap %.7g, want %.7g %.6g %.7g", row.k, l0.Kappa, l0.RStar, l0.Gap, row.kappa, row.r, row.gap0)
		}
		for _, c := range []struct{ eta, gap float64 }{{0.1, row.gap01}, {0.25, row.gap025}} {
			l, err := NewLandscape(row.k, c.eta)
			if err != nil {
				t.Fatal(err)
			}
			if rel(l.Gap, c.gap) > 7e-7 {
				t.Errorf("k = %d, eta = %v: gap = %.7g, want %.7g", row.k, c.eta, l.Gap, c.gap)
			}
			// Closed forms at the 16-digit kappa.
			a := (1 - 2*c.eta) / 2
			kap := kappa16[row.k]
			m := A0 + a*kap
			if math.Abs(l.OptS-(0.5-2*m*m)) > 1e-14 || rel(l.Gap, 4*A0*a*kap+2*a*a*kap*kap) > 1e-12 {
				t.Errorf("k = %d, eta = %v: opt_S %.16g gap %.16g disagree with the closed forms at the 16-digit kappa", row.k, c.eta, l.OptS, l.Gap)
			}
			if math.Abs(l.Opt0-l.OptS-l.Gap) > 1e-15 {
				t.Errorf("k = %d, eta = %v: opt_0 - opt_S = %.17g, gap %.17g", row.k, c.eta, l.Opt0-l.OptS, l.Gap)
			}
		}
	}
	if want := 0.5 - 1/(2*math.Pi); math.Abs(mustLand(t, 2, 0).OptS-want) > 1e-15 {
		t.Errorf("k = 2, eta = 0: opt_S = %.17g, want 1/2 - 1/(2 pi) = %.17g", mustLand(t, 2, 0).OptS, want)
	}
	if math.Abs(Opt0()-0.4204225284540523) > 1e-16 {
		t.Errorf("opt_0 = %.17g", Opt0())
	}
}

func mustLand(t *testing.T, k int, eta float64) Landscape {
	t.Helper()
	l, err := NewLandscape(k, eta)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestMk checks M_k exactly (theory §4.5).
func TestMk(t *testing.T) {
	for k, want := range map[int]int64{2: 13, 4: 101, 6: 819, 8: 6546, 10: 51503, 12: 400210} {
		got, err := Mk(k)
		if err != nil || got != want {
			t.Errorf("M_%d = %d (%v), want %d", k, got, err, want)
		}
	}
	// From k = 24 on the floor is within rounding of an integer: reported, not hidden.
	if _, err := Mk(24); err == nil {
		t.Error("M_24 claimed certain")
	}
	if l := mustLand(t, 24, 0); l.MkCertain || l.Mk != 76045192782 {
		t.Errorf("M_24 = %d certain %v, want 76045192782 uncertain", l.Mk, l.MkCertain)
	}
}

// TestKOfEps reproduces the k(eps) table of theory §4.5 for eta = 0 and 0.1.
func TestKOfEps(t *testing.T) {
	want := map[float64]int{1e-2: 2, 1e-3: 4, 1e-4: 8, 1e-5: 12, 1e-6: 16, 1e-7: 20, 1e-8: 24}
	for _, eta := range []float64{0, 0.1} {
		for eps, k := range want {
			got, err := KOfEps(eps, eta, 2)
			if err != nil || got != k {
				t.Errorf("eta = %v: k(%g) = %d (%v), want %d", eta, eps, got, err, k)
			}
		}
	}
	if _, err := KOfEps(0.1, 0, 2); err == nil {
		t.Error("eps = 0.1 (above Gap_2/2) accepted")
	}
}

// TestBinomialsAndBounds reproduces the numbers table of theory §5.3
// (eta = 0, tau = 1e-3) and the log10 C(d, k) at k(eps).
func TestBinomialsAndBounds(t *testing.T) {
	// An independent big-integer product for C(66, 33), where float64 and
	// gonum's int binomial fail.
	num, den := big.NewInt(1), big.NewInt(1)
	for i := int64(0); i < 33; i++ {
		num.Mul(num, big.NewInt(66-i))
		den.Mul(den, big.NewInt(i+1))
	}
	if got := Binomial(66, 33); got.Cmp(new(big.Int).Quo(num, den)) != 0 || got.String() != "7219428434016265740" {
		t.Errorf("C(66, 33) = %s", got)
	}
	if Binomial(5, 6).Sign() != 0 || Binomial(5, -1).Sign() != 0 {
		t.Error("C(5, 6) or C(5, -1) is not 0")
	}
	rows := []struct {
		d, k  int
		c     string
		bound float64
		relB  float64
	}{
		{32, 2, "496", 0.000483, 1e-9},
		{32, 4, "35960", 0.035859, 1e-4},
		{32, 6, "906192", 0.905373, 1e-6},
		{32, 8, "10518300", 10.5, 1e-2},
		{64, 8, "4426165368", 4426, 1e-3},
		{128, 6, "5423611200", 5424, 1e-3},
	}
	for _, r := range rows {
		if got := Binomial(r.d, r.k).String(); got != r.c {
			t.Errorf("C(%d, %d) = %s, want %s", r.d, r.k, got, r.c)
		}
		b, err := BoundQueries(r.d, r.k, 0, 1e-3)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(b-r.bound) > r.relB*r.bound {
			t.Errorf("bound(d = %d, k = %d) = %.6g, want %.6g", r.d, r.k, b, r.bound)
		}
	}
	for _, r := range []struct {
		d, k int
		v    float64
	}{{128, 8, 1.4297e12}, {1024, 6, 1.578e15}, {1024, 8, 2.917e19}} {
		c, _ := new(big.Float).SetInt(Binomial(r.d, r.k)).Float64()
		if math.Abs(c-r.v) > 5e-4*r.v {
			t.Errorf("C(%d, %d) = %.5g, want %.4g", r.d, r.k, c, r.v)
		}
	}
	for _, r := range []struct {
		d   int
		eps float64
		lg  float64
	}{{100, 1e-3, 6.59}, {100, 1e-4, 11.27}, {100, 1e-6, 18.13}, {1000, 1e-3, 10.62}, {1000, 1e-4, 19.38}, {1000, 1e-6, 34.63}} {
		k, err := KOfEps(r.eps, 0, 2)
		if err != nil {
			t.Fatal(err)
		}
		if got := Log10(Binomial(r.d, k)); math.Abs(got-r.lg) > 0.006 {
			t.Errorf("log10 C(%d, k(%g) = %d) = %.3f, want %.2f", r.d, r.eps, k, got, r.lg)
		}
	}
	if _, err := BoundQueries(10, 4, 0, 0); err == nil {
		t.Error("tau = 0 accepted")
	}
}

// TestPairCorrelation checks chi_{D_0}(D_S, D_T) = (1-2 eta)^2 1{S = T}
// (theory §5.2) by exact enumeration, and the SDA bound.
func TestPairCorrelation(t *testing.T) {
	for _, eta := range []float64{0, 0.1, 0.3} {
		b := (1 - 2*eta) * (1 - 2*eta)
		for _, c := range []struct {
			S, T []int
			same bool
		}{{[]int{0, 1}, []int{0, 1}, true}, {[]int{0, 1}, []int{1, 2}, false}, {[]int{0, 1, 2, 3}, []int{4, 5, 6, 7}, false},
			{[]int{0, 1, 2, 3}, []int{0, 1, 2, 5}, false}, {[]int{2, 5, 7, 9}, []int{2, 5, 7, 9}, true}} {
			got, err := PairCorrelation(c.S, c.T, eta)
			if err != nil {
				t.Fatal(err)
			}
			want := 0.0
			if c.same {
				want = b
			}
			if math.Abs(got-want) > 1e-15 {
				t.Errorf("eta = %v, S = %v, T = %v: %v, want %v", eta, c.S, c.T, got, want)
			}
		}
	}
	if got, want := SDABound(20, 4, 0.25, 0.01), 0.01*4845/0.25; math.Abs(got-want) > 1e-9 {
		t.Errorf("SDA bound %v, want %v", got, want)
	}
}

// TestFamilyErrors: bad parameters are rejected with an explanation.
func TestFamilyErrors(t *testing.T) {
	cases := []struct {
		d, k int
		eta  float64
		want string
	}{
		{10, 3, 0, "odd"}, {10, 5, 0.1, "uncorrelated"}, {4, 6, 0, "k = 6"}, {0, 1, 0, "d = 0"},
		{10, 2, 0.5, "eta = 0.5"}, {10, 2, -0.1, "eta = -0.1"}, {10, 0, 0, "k = 0"}, {10, 2, math.NaN(), "NaN"},
	}
	for _, c := range cases {
		_, err := NewFamily(c.d, c.k, c.eta)
		if err == nil || !errors.Is(err, ErrFamily) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewFamily(%d, %d, %v) = %v, want an ErrFamily mentioning %q", c.d, c.k, c.eta, err, c.want)
		}
	}
	for _, k := range []int{1, 2, 4} {
		if _, err := NewFamily(10, k, 0.2); err != nil {
			t.Errorf("k = %d rejected: %v", k, err)
		}
	}
}
