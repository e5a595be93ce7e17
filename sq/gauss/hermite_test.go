package gauss

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestHermiteNormAgainstBigFloat(t *testing.T) {
	const n = 400
	for _, x := range []float64{0, 0.1, -0.7, 1.3, 2.5, -4.1, 7.75, 13, 28.5, -39.9} {
		t.Run(fmt.Sprintf("x=%g", x), func(t *testing.T) {
			ref := bigHermiteNorm(n, x, 2048)
			got := make([]float64, n+1)
			HermiteNormAll(x, got)
			// Errors are measured against the running envelope
			// E_k = sqrt(Σ_{j<=k} h_j(x)²): near a zero of h_k a relative
			// comparison is meaningless, and the recurrence error is of order
			// k·eps·E_k.
			env := 0.0
			worst := 0.0
			for k := 0; k <= n; k++ {
				env = math.Hypot(env, ref[k])
				if got[k] != HermiteNorm(k, x) {
					t.Fatalf("x=%g k=%d: HermiteNormAll %v != HermiteNorm %v", x, k, got[k], HermiteNorm(k, x))
				}
				if e := math.Abs(got[k]-ref[k]) / env; e > worst {
					worst = e
				}
			}
			t.Logf("x=%g: max |h_k - ref|/envelope = %.3g", x, worst)
			if worst > 1e-14 {
				t.Errorf("x=%g: max |h_k - ref|/envelope over k <= %d = %.3g, want <= 1e-14", x, n, worst)
			}
		})
	}
}

func TestHermiteNormSpecialCases(t *testing.T) {
	if got := HermiteNorm(-1, 3); got != 0 {
		t.Errorf("HermiteNorm(-1, 3) = %v, want 0", got)
	}
	HermiteNormAll(1, nil) // must not panic
	one := []float64{7}
	HermiteNormAll(2, one)
	if one[0] != 1 {
		t.Errorf("HermiteNormAll(2, [1]) = %v, want [1]", one)
	}
	// h_n(0) = He_n(0)/sqrt(n!) = (-1)^m sqrt((2m)!)/(2^m m!) for n = 2m:
	// h_2(0) = -1/sqrt2, h_4(0) = 3/sqrt(24).
	tests := []struct {
		n    int
		t    float64
		want float64
	}{
		{0, 5, 1}, {1, 5, 5}, {2, 0, -1 / math.Sqrt2}, {3, 0, 0}, {4, 0, 3 / math.Sqrt(24)},
		{2, 3, (9 - 1) / math.Sqrt2}, {3, 2, (8 - 6) / math.Sqrt(6)},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("n=%d,t=%g", tc.n, tc.t), func(t *testing.T) {
			if got := HermiteNorm(tc.n, tc.t); math.Abs(got-tc.want) > 1e-15*math.Max(1, math.Abs(tc.want)) {
				t.Errorf("HermiteNorm(%d, %g) = %.17g, want %.17g", tc.n, tc.t, got, tc.want)
			}
		})
	}
}

func TestHermiteNormLargeArgument(t *testing.T) {
	// At t = 45, |h_k(t)| peaks near k = t² ≈ 2025 at about e^{t²/4} ≈ 1e219:
	// finite, but beyond the 2^600 rescaling threshold, so the rescaled path
	// is exercised and must agree with the big-float recurrence.
	const n, x = 2100, 45.0
	ref := bigHermiteNorm(n, x, 4096)
	got := make([]float64, n+1)
	HermiteNormAll(x, got)
	for _, k := range []int{10, 500, 1500, 2025, 2100} {
		t.Run(fmt.Sprintf("k=%d", k), func(t *testing.T) {
			if math.IsInf(got[k], 0) || math.IsNaN(got[k]) {
				t.Fatalf("h_%d(%g) = %v, want finite", k, x, got[k])
			}
			if rel := math.Abs(got[k]-ref[k]) / math.Abs(ref[k]); rel > 1e-11 {
				t.Errorf("h_%d(%g) = %.17g, ref %.17g, rel err %.3g", k, x, got[k], ref[k], rel)
			}
			if got[k] != HermiteNorm(k, x) {
				t.Errorf("HermiteNormAll and HermiteNorm differ at k=%d", k)
			}
		})
	}
	if math.Abs(ref[2025]) < 1e200 {
		t.Fatalf("test premise: |h_2025(45)| = %g should exceed 2^600", ref[2025])
	}
	// Where the true value exceeds the float64 range the result is +Inf
	// (h_400(1000) ≈ 1000^400/sqrt(400!) ≈ 1e766), never NaN, and the
	// entries before the overflow stay finite.
	if got := HermiteNorm(400, 1000); !math.IsInf(got, 1) {
		t.Errorf("HermiteNorm(400, 1000) = %v, want +Inf", got)
	}
	all := make([]float64, 401)
	HermiteNormAll(-1000, all)
	for k, v := range all {
		if math.IsNaN(v) {
			t.Fatalf("HermiteNormAll(-1000)[%d] is NaN", k)
		}
	}
	if math.IsInf(all[100], 0) || !math.IsInf(all[400], 1) || !math.IsInf(all[399], -1) {
		t.Errorf("HermiteNormAll(-1000): h_100 = %g (want finite), h_399 = %g (want -Inf), h_400 = %g (want +Inf)", all[100], all[399], all[400])
	}
}

// TestCoefTable checks the table of theory §3.2 (n = 0..12), which is quoted
// to 15–16 significant digits (so the tolerance is ~1e-16, far below the
// 1e-12 the theory asks for).
func TestCoefTable(t *testing.T) {
	table := []struct {
		n                int
		relu, sign, step string
		abs              string
	}{
		{0, "0.3989422804014327", "0", "0.5", "0.7978845608028654"},
		{1, "0.5", "0.7978845608028654", "0.3989422804014327", "0"},
		{2, "0.2820947917738781", "0", "0", "0.5641895835477563"},
		{3, "0", "-0.3257350079352799", "-0.1628675039676400", "0"},
		{4, "-0.08143375198381999", "0", "0", "-0.16286750396764"},
		{5, "0", "0.2185096861184158", "0.1092548430592079", "0"},
		{6, "0.04460310290381928", "0", "0", "0.08920620580763856"},
		{7, "0", "-0.1685838828361839", "-0.08429194141809193", "0"},
		{8, "-0.02980170168805601", "0", "0", "-0.05960340337611201"},
		{9, "0", "0.1390746078775947", "0.06953730393879735", "0"},
		{10, "0.02198962627939975", "0", "0", "0.0439792525587995"},
		{11, "0", "-0.1193421921527582", "-0.0596710960763791", "0"},
		{12, "-0.01722556169126875", "0", "0", "-0.0344511233825375"},
	}
	for _, row := range table {
		t.Run(fmt.Sprintf("n=%d", row.n), func(t *testing.T) {
			for _, c := range []struct {
				name string
				f    func(int) float64
				s    string
			}{{"ReluCoef", ReluCoef, row.relu}, {"SignCoef", SignCoef, row.sign}, {"StepCoef", StepCoef, row.step}, {"AbsCoef", AbsCoef, row.abs}} {
				want := mustParse(c.s)
				// Half a unit in the last printed digit plus two ulps.
				tol := printedTol(c.s) + 4.5e-16*math.Abs(want)
				if c.s == "0" {
					tol = 0 // structural zeros are exact
				}
				if got := c.f(row.n); math.Abs(got-want) > tol {
					t.Errorf("%s(%d) = %.17g, want %s (tol %.1g)", c.name, row.n, got, c.s, tol)
				}
			}
		})
	}
	for _, c := range []struct {
		name string
		f    func(int) float64
	}{{"ReluCoef", ReluCoef}, {"SignCoef", SignCoef}, {"StepCoef", StepCoef}, {"AbsCoef", AbsCoef}} {
		t.Run(c.name+",negative n", func(t *testing.T) {
			if c.f(-1) != 0 || c.f(-2) != 0 {
				t.Errorf("%s(-1), %s(-2) = %v, %v, want 0", c.name, c.name, c.f(-1), c.f(-2))
			}
		})
	}
}

func TestReluCoefExactForms(t *testing.T) {
	sp := math.Sqrt(math.Pi)
	fact := func(n int) float64 { return math.Gamma(float64(n + 1)) }
	want := map[int]float64{
		2:  1 / (2 * sp),
		4:  -1 / math.Sqrt(48*math.Pi),
		6:  3 / math.Sqrt(1440*math.Pi),
		8:  -15 / math.Sqrt(80640*math.Pi),
		10: 105 / math.Sqrt(2*math.Pi*fact(10)),
		12: -945 / math.Sqrt(2*math.Pi*fact(12)),
	}
	for n, w := range want {
		t.Run(fmt.Sprintf("exact,n=%d", n), func(t *testing.T) {
			if got := ReluCoef(n); math.Abs(got-w) > 1e-15*math.Abs(w) {
				t.Errorf("ReluCoef(%d) = %.17g, exact form %.17g", n, got, w)
			}
		})
	}
	// GKK19 Claim 1 form c_n = (He_n(0) + n He_{n-2}(0))/sqrt(2π n!) for
	// n = 2..12, with He_n(0) from the integer recurrence.
	he := []float64{1, 0}
	for k := 1; k < 13; k++ {
		he = append(he, -float64(k)*he[k-1])
	}
	for n := 2; n <= 12; n++ {
		t.Run(fmt.Sprintf("claim1,n=%d", n), func(t *testing.T) {
			w := (he[n] + float64(n)*he[n-2]) / math.Sqrt(2*math.Pi*fact(n))
			if got := ReluCoef(n); math.Abs(got-w) > 1e-15 {
				t.Errorf("ReluCoef(%d) = %.17g, Claim 1 form %.17g", n, got, w)
			}
		})
	}
}

// TestCoefAgainstBigFloat compares with exact-binomial big-float values up to
// n = 5001 (all n <= 80 and a spread of larger n, both sides of the
// switch to the asymptotic series at m = 16).
func TestCoefAgainstBigFloat(t *testing.T) {
	var ns []int
	for n := 2; n <= 80; n++ {
		ns = append(ns, n)
	}
	ns = append(ns, 100, 101, 257, 998, 999, 1000, 1001, 2500, 2501, 4998, 4999, 5000, 5001)
	worst := 0.0
	for _, n := range ns {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			var got, want float64
			if n%2 == 0 {
				got, want = ReluCoef(n), bigReluCoef(n)
				if a := AbsCoef(n); a != 2*got {
					t.Errorf("AbsCoef(%d) = %v, want 2*ReluCoef = %v", n, a, 2*got)
				}
				if SignCoef(n) != 0 || StepCoef(n) != 0 {
					t.Errorf("sign/step coefficient at even n=%d not 0", n)
				}
			} else {
				got, want = SignCoef(n), bigSignCoef(n)
				if s := StepCoef(n); s != got/2 {
					t.Errorf("StepCoef(%d) = %v, want SignCoef/2 = %v", n, s, got/2)
				}
				if ReluCoef(n) != 0 || AbsCoef(n) != 0 {
					t.Errorf("relu/abs coefficient at odd n=%d not 0", n)
				}
			}
			rel := math.Abs(got-want) / math.Abs(want)
			worst = math.Max(worst, rel)
			if rel > 1e-15 {
				t.Errorf("n=%d: got %.17g, big-float %.17g, rel err %.3g", n, got, want, rel)
			}
		})
	}
	t.Logf("max relative error of the coefficients vs big-float: %.3g", worst)
}

func TestCoefAsymptotics(t *testing.T) {
	// theory §3.2: |c_k| k^{5/4} at k = 10, 100, 1000, to the digits given,
	// and the limit 0.356352735177 = 2^{-1/4} π^{-3/4}.
	for _, tc := range []struct {
		k    int
		want string
	}{{10, "0.3910"}, {100, "0.35950"}, {1000, "0.356665"}} {
		t.Run(fmt.Sprintf("table,k=%d", tc.k), func(t *testing.T) {
			got := math.Abs(ReluCoef(tc.k)) * math.Pow(float64(tc.k), 1.25)
			if math.Abs(got-mustParse(tc.want)) > printedTol(tc.want) {
				t.Errorf("|c_%d| k^(5/4) = %.8g, want %s", tc.k, got, tc.want)
			}
		})
	}
	lim := math.Pow(2, -0.25) * math.Pow(math.Pi, -0.75)
	if math.Abs(lim-0.356352735177) > 5e-13 {
		t.Fatalf("constant %v", lim)
	}
	// c_k² = q_m/(2π(2m-1)²) with q_m = (πm)^{-1/2}(1 - 1/(8m) + O(m^-2)) and
	// (2m-1)^-2 = k^-2 (1 + 2/k + O(k^-2)) for k = 2m, so
	// |c_k| k^{5/4}/limit = 1 + 7/(8k) + O(k^-2).
	for _, k := range []int{1 << 12, 1 << 20, 1 << 30} {
		t.Run(fmt.Sprintf("k=%d", k), func(t *testing.T) {
			fk := float64(k)
			got := math.Abs(ReluCoef(k)) * math.Pow(fk, 1.25) / lim
			if d := got - 1 - 7/(8*fk); math.Abs(d) > math.Max(3/(fk*fk), 1e-14) {
				t.Errorf("|c_k| k^(5/4)/limit at k=%d is 1 + 7/(8k) + %.3g", k, d)
			}
		})
	}
}

func TestParseval(t *testing.T) {
	// theory §9.1: Σ_{n<=2000} c_n² = 0.499999526853 (12 digits).
	s := 0.0
	for n := 2000; n >= 0; n-- {
		c := ReluCoef(n)
		s += c * c
	}
	if want := "0.499999526853"; math.Abs(s-mustParse(want)) > printedTol(want) {
		t.Errorf("Σ_{n<=2000} c_n² = %.15g, want %s", s, want)
	}
	// Σ_{m>=1} c_{2m}² = 1/4 - 1/(2π) = T_1 = 0.0908450569081047.
	if got, want := ReluTail(1), 0.25-1/(2*math.Pi); math.Abs(got-want) > 1e-16 {
		t.Errorf("ReluTail(1) = %.17g, want 1/4 - 1/(2π) = %.17g", got, want)
	}
	// The partial sum plus the tail is the whole: Σ_{n<=D} c_n² + T_D = 1/2.
	for _, D := range []int{0, 1, 2, 7, 40, 61, 62, 63, 64, 65, 300} {
		t.Run(fmt.Sprintf("sum+tail,D=%d", D), func(t *testing.T) {
			p := 0.0
			for n := 0; n <= D; n++ {
				c := ReluCoef(n)
				p += c * c
			}
			if got := p + ReluTail(D); math.Abs(got-0.5) > 4e-16 {
				t.Errorf("Σ_{n<=%d} c_n² + T_%d = %.17g, want 1/2", D, D, got)
			}
		})
	}
}

func TestReluTail(t *testing.T) {
	// theory §3.2 table, to the digits given.
	table := []struct {
		D    int
		want string
	}{
		{1, "0.0908450569081"}, {2, "0.0112675853622"}, {4, "0.00463612940"}, {6, "0.00264669261"},
		{8, "0.00175855119"}, {10, "0.00127500752"}, {20, "4.6228604e-4"}, {50, "1.18633704e-4"},
		{100, "4.21373978e-5"}, {1000, "1.33796064e-6"},
	}
	for _, tc := range table {
		t.Run(fmt.Sprintf("D=%d", tc.D), func(t *testing.T) {
			if got := ReluTail(tc.D); math.Abs(got-mustParse(tc.want)) > printedTol(tc.want) {
				t.Errorf("ReluTail(%d) = %.15g, want %s", tc.D, got, tc.want)
			}
		})
	}
	if got, want := ReluTail(0), 0.5-1/(2*math.Pi); math.Abs(got-want) > 1e-16 {
		t.Errorf("ReluTail(0) = %.17g, want 1/2 - 1/(2π) = %.17g", got, want)
	}
	if got := ReluTail(-3); got != 0.5 {
		t.Errorf("ReluTail(-3) = %v, want 1/2", got)
	}
	// Relative accuracy against exact big-float partial sums for every D up
	// to 200 and a few larger D (both sides of the asymptotic switch at D = 62).
	worst := 0.0
	Ds := []int{}
	for D := 1; D <= 200; D++ {
		Ds = append(Ds, D)
	}
	Ds = append(Ds, 999, 1000, 2000, 4001)
	for _, D := range Ds {
		t.Run(fmt.Sprintf("big-float,D=%d", D), func(t *testing.T) {
			got, want := ReluTail(D), bigReluTail(D)
			rel := math.Abs(got-want) / want
			worst = math.Max(worst, rel)
			if rel > 2e-15 {
				t.Errorf("ReluTail(%d) = %.17g, big-float %.17g, rel err %.3g", D, got, want, rel)
			}
		})
	}
	t.Logf("max relative error of ReluTail vs big-float: %.3g", worst)
	// Smallest D with T_D <= 1e-2, 1e-3, 1e-4, 1e-6 (theory §3.2): 4, 12, 58, 1216.
	for _, tc := range []struct {
		eps float64
		D   int
	}{{1e-2, 4}, {1e-3, 12}, {1e-4, 58}, {1e-6, 1216}} {
		t.Run(fmt.Sprintf("smallestD,eps=%g", tc.eps), func(t *testing.T) {
			D := 0
			for ReluTail(D) > tc.eps {
				D++
			}
			if D != tc.D {
				t.Errorf("smallest D with T_D <= %g is %d, want %d", tc.eps, D, tc.D)
			}
		})
	}
	// Asymptotics: T_D D^{3/2} -> sqrt2/(6π^{3/2}) = 0.0423290906228 (§9.5);
	// T_D is monotone decreasing.
	lim := math.Sqrt2 / (6 * math.Pow(math.Pi, 1.5))
	if math.Abs(lim-0.0423290906228) > 5e-14 {
		t.Fatalf("constant %v", lim)
	}
	D := 1 << 24
	if r := ReluTail(D) * math.Pow(float64(D), 1.5) / lim; math.Abs(r-1) > 1e-6 {
		t.Errorf("T_D D^1.5 / limit at D=2^24 = %.12g, want 1 within 1e-6", r)
	}
	prev := ReluTail(0)
	for D := 1; D < 3000; D++ {
		cur := ReluTail(D)
		if cur > prev {
			t.Fatalf("ReluTail not monotone at D=%d: %g > %g", D, cur, prev)
		}
		prev = cur
	}
}

func TestMehlerSeries(t *testing.T) {
	// theory §9.2: at θ = 1.1 both Σ_m c_m² cos^m θ and E3 for unit vectors
	// equal 0.289226846005.
	const want = "0.289226846005"
	rho := math.Cos(1.1)
	s := 0.0
	for m := 400; m >= 0; m-- { // ρ^400 < 1e-130: the rest is negligible
		c := ReluCoef(m)
		s += c * c * math.Pow(rho, float64(m))
	}
	if math.Abs(s-mustParse(want)) > printedTol(want) {
		t.Errorf("Mehler series = %.15g, want %s", s, want)
	}
	u := []float64{1, 0}
	v := []float64{math.Cos(1.1), math.Sin(1.1)}
	if got := ReluCross(u, v); math.Abs(got-mustParse(want)) > printedTol(want) || math.Abs(got-s) > 1e-15 {
		t.Errorf("ReluCross at θ = 1.1 = %.15g, series %.15g, want %s", got, s, want)
	}
}

func TestReluHermiteMultiReference(t *testing.T) {
	// theory §9.1 at u = (cos 0.7, sin 0.7).
	u := []float64{math.Cos(0.7), math.Sin(0.7)}
	table := []struct {
		alpha []int
		want  string
	}{
		{[]int{1, 1}, "0.196568781251"},
		{[]int{2, 0}, "0.165020818779"},
		{[]int{3, 1}, "-0.0469442699365"},
		{[]int{2, 2}, "-0.0484271631021"},
		{[]int{1, 3}, "-0.0333045989679"},
	}
	for _, tc := range table {
		t.Run(fmt.Sprintf("alpha=%v", tc.alpha), func(t *testing.T) {
			got, err := ReluHermiteMulti(u, tc.alpha)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-mustParse(tc.want)) > printedTol(tc.want) {
				t.Errorf("ReluHermiteMulti(u, %v) = %.15g, want %s", tc.alpha, got, tc.want)
			}
		})
	}
}

func TestReluHermiteMultiQuadrature(t *testing.T) {
	// Independent route in 2-D: E[relu(w·z) h_a(z1) h_b(z2)] by kink-aware
	// quadrature, for a non-unit w with a negative entry.
	w := []float64{-0.8, 1.7}
	for _, alpha := range [][]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}, {2, 1}, {3, 2}, {4, 0}, {5, 3}} {
		t.Run(fmt.Sprintf("alpha=%v", alpha), func(t *testing.T) {
			got, err := ReluHermiteMulti(w, alpha)
			if err != nil {
				t.Fatal(err)
			}
			f := func(z1, z2 float64) float64 {
				return math.Max(0, w[0]*z1+w[1]*z2) * HermiteNorm(alpha[0], z1) * HermiteNorm(alpha[1], z2)
			}
			want, _ := Expect2(f, []Kink{{w[0], w[1], 0}}, 1e-14)
			if math.Abs(got-want) > 1e-12 {
				t.Errorf("alpha=%v: closed %.15g, quadrature %.15g", alpha, got, want)
			}
		})
	}
}

func TestReluHermiteMultiAgainstBigFloat(t *testing.T) {
	tests := []struct {
		w     []float64
		alpha []int
	}{
		{[]float64{0.3, -1.2, 2.0}, []int{1, 2, 3}},
		{[]float64{0.3, -1.2, 2.0}, []int{0, 7, 5}},
		{[]float64{0.3, -1.2, 2.0}, []int{10, 12, 20}},
		{[]float64{1, 1, 1, 1}, []int{5, 5, 5, 5}},
		{[]float64{1e-3, 1, -2, 5}, []int{1, 30, 31, 2}},
		{[]float64{0.6, 0.8}, []int{300, 400}},         // near the multinomial mode
		{[]float64{0.6, 0.8}, []int{700, 100}},         // far in the tail
		{[]float64{3, -4, 12, 0.5}, []int{0, 0, 2, 0}}, // only one active cell
		{[]float64{1e200, -2e200}, []int{3, 5}},        // huge entries
		{[]float64{1e-200, 3e-200}, []int{2, 2}},       // tiny entries
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("w=%v,alpha=%v", tc.w, tc.alpha), func(t *testing.T) {
			got, err := ReluHermiteMulti(tc.w, tc.alpha)
			if err != nil {
				t.Fatal(err)
			}
			want := bigReluHermiteMulti(tc.w, tc.alpha)
			N := 0
			for _, a := range tc.alpha {
				N += a
			}
			// Condition number ~ N w.r.t. relative perturbations of the inputs.
			tol := 1e-14 * float64(N+10)
			t.Logf("|alpha| = %d: rel err %.3g", N, math.Abs(got-want)/math.Abs(want))
			if rel := math.Abs(got-want) / math.Abs(want); !(rel <= tol) {
				t.Errorf("ReluHermiteMulti(%v, %v) = %.17g, big-float %.17g, rel err %.3g > %.1g", tc.w, tc.alpha, got, want, rel, tol)
			}
		})
	}
}

func TestReluHermiteMultiEdgeCases(t *testing.T) {
	// Length mismatch and invalid multi-indices are errors, not panics.
	_, err := ReluHermiteMulti([]float64{1, 2}, []int{1})
	if !errors.Is(err, ErrDimension) {
		t.Errorf("mismatched lengths: err = %v, want ErrDimension", err)
	}
	_, err = ReluHermiteMulti([]float64{1, 2}, []int{1, -1})
	if !errors.Is(err, ErrMultiIndex) {
		t.Errorf("negative alpha: err = %v, want ErrMultiIndex", err)
	}
	_, err = ReluHermiteMulti([]float64{1, 2}, []int{math.MaxInt, 2})
	if !errors.Is(err, ErrMultiIndex) {
		t.Errorf("overflowing |alpha|: err = %v, want ErrMultiIndex", err)
	}
	tests := []struct {
		name  string
		w     []float64
		alpha []int
		want  float64
	}{
		{"empty", nil, nil, 0},
		{"zero w", []float64{0, 0}, []int{2, 0}, 0},
		{"zero entry with positive alpha", []float64{0, 1}, []int{1, 1}, 0},
		{"odd degree >= 3", []float64{1, 2}, []int{2, 1}, 0},
		{"degree 0 is E1", []float64{3, 4}, []int{0, 0}, 5 * InvSqrt2Pi},
		{"degree 1 is w_i/2 (E4)", []float64{3, -4}, []int{0, 1}, -2},
		{"1-D, w<0", []float64{-2}, []int{2}, 2 * ReluCoef(2)},
		{"1-D, w>0", []float64{2}, []int{6}, 2 * ReluCoef(6)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReluHermiteMulti(tc.w, tc.alpha)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if math.Abs(got-tc.want) > 1e-15*math.Max(1, math.Abs(tc.want)) {
				t.Errorf("%s: got %.17g, want %.17g", tc.name, got, tc.want)
			}
		})
	}
	if got, _ := ReluHermiteMulti([]float64{math.NaN(), 1}, []int{1, 1}); !math.IsNaN(got) {
		t.Errorf("NaN input: got %v, want NaN", got)
	}
}

func TestGaussHermiteBasics(t *testing.T) {
	if x, w := GaussHermite(0); x != nil || w != nil {
		t.Errorf("GaussHermite(0) = %v, %v, want nil", x, w)
	}
	x, w := GaussHermite(1)
	if diff := cmp.Diff([]float64{0}, x); diff != "" {
		t.Errorf("1-point nodes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{1}, w, cmpopts.EquateApprox(0, 1e-15)); diff != "" {
		t.Errorf("1-point weights (-want +got):\n%s", diff)
	}
	for _, n := range []int{2, 3, 7, 20, 64, 200, 201, 450} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			x, w := GaussHermite(n)
			if len(x) != n || len(w) != n {
				t.Fatalf("n=%d: lengths %d, %d", n, len(x), len(w))
			}
			s := 0.0
			for i := range x {
				s += w[i]
				if w[i] < 0 || math.IsNaN(w[i]) {
					t.Fatalf("n=%d: weight %d = %v", n, i, w[i])
				}
				if i > 0 && !(x[i] > x[i-1]) {
					t.Fatalf("n=%d: nodes not increasing at %d", n, i)
				}
				if x[i] != -x[n-1-i] || w[i] != w[n-1-i] {
					t.Fatalf("n=%d: rule not symmetric at %d", n, i)
				}
			}
			if math.Abs(s-1) > 1e-15 {
				t.Errorf("n=%d: weights sum to %.17g", n, s)
			}
		})
	}
	// Exactness for moments: E[Z^{2k}] = (2k-1)!! for 2k <= 2n-1.
	const n = 20
	x, w = GaussHermite(n)
	want := 1.0
	for k := 1; 2*k <= 2*n-1; k++ {
		want *= float64(2*k - 1)
		t.Run(fmt.Sprintf("n=%d,moment %d", n, 2*k), func(t *testing.T) {
			got := 0.0
			for i := range x {
				got += w[i] * math.Pow(x[i], float64(2*k))
			}
			if math.Abs(got-want) > 1e-13*want {
				t.Errorf("E[Z^%d] = %.17g, want %.17g", 2*k, got, want)
			}
		})
	}
	// Callers get copies.
	x[0], w[0] = 99, 99
	x2, w2 := GaussHermite(n)
	if x2[0] == 99 || w2[0] == 99 {
		t.Error("GaussHermite returned the cached slices, not copies")
	}
}

func TestGaussHermiteConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	res := make([][]float64, 8)
	for g := range res {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x, _ := GaussHermite(37 + g%2)
			res[g] = x
		}()
	}
	wg.Wait()
	for g := 2; g < len(res); g++ {
		if diff := cmp.Diff(res[g%2], res[g]); diff != "" {
			t.Errorf("goroutine %d got a different rule:\n%s", g, diff)
		}
	}
}

// TestHermiteOrthonormality checks E[h_j h_k] = δ_jk for all j, k <= 400 with
// the 450-point rule (exact to degree 899 >= 800).
//
// Is gonum's rule accurate at this size? Measured: its n = 450 rule (an
// asymptotic formula, used for n > 200) has nodes within 2.3e-14 and weights
// within 8.6e-13 (relative) of the polished ones, and its tabulated n = 200
// rule has weights off by up to 8.5e-9; GaussHermite polishes both. The
// polished rule gives max |Gram - I| = 1.8e-14 here.
//
// The real obstacle at degree 800 is float64 range: the 20 outermost weights
// underflow to 0 while h_400² is of order 1e300 there, so the Gram sum with the
// returned weights is off by O(1). The sum therefore uses the square roots of
// the Christoffel weights, sqrt(λ_i) = 1/(sqrt(n) |h_{n-1}(x_i)|), computed by
// HermiteNorm, at the returned nodes; where the returned weight is a normal
// number it must equal λ_i to 1e-13.
func TestHermiteOrthonormality(t *testing.T) {
	const n, m = 450, 400
	x, w := GaussHermite(n)
	gram := make([]float64, (m+1)*(m+1))
	h := make([]float64, m+1)
	for i, xi := range x {
		s := 1 / (math.Sqrt(n) * math.Abs(HermiteNorm(n-1, xi)))
		if w[i] > 1e-290 {
			if math.Abs(s*s-w[i]) > 1e-13*w[i] {
				t.Fatalf("node %d: weight %.17g, Christoffel %.17g", i, w[i], s*s)
			}
		} else if w[i] > 1e-300 && s*s > 0 && math.Abs(s*s-w[i]) > 1e-6*w[i] {
			t.Fatalf("node %d: tiny weight %.17g, Christoffel %.17g", i, w[i], s*s)
		}
		HermiteNormAll(xi, h)
		for j := range h {
			h[j] *= s
		}
		for j := 0; j <= m; j++ {
			hj := h[j]
			row := gram[j*(m+1) : j*(m+1)+j+1]
			for k := range row {
				row[k] += hj * h[k]
			}
		}
	}
	worst, wj, wk := 0.0, 0, 0
	for j := 0; j <= m; j++ {
		for k := 0; k <= j; k++ {
			d := gram[j*(m+1)+k]
			if j == k {
				d--
			}
			if math.Abs(d) > worst {
				worst, wj, wk = math.Abs(d), j, k
			}
		}
	}
	t.Logf("max |E[h_j h_k] - δ_jk| over j, k <= %d with the %d-point rule: %.3g (at %d, %d)", m, n, worst, wj, wk)
	if worst > 1e-12 {
		t.Errorf("orthonormality error %.3g at (%d, %d), want <= 1e-12", worst, wj, wk)
	}
}

func ExampleReluCoef() {
	for n := 0; n <= 6; n++ {
		fmt.Printf("c_%d = %+.12f\n", n, ReluCoef(n))
	}
	fmt.Printf("T_10 = %.8e\n", ReluTail(10))
	// Output:
	// c_0 = +0.398942280401
	// c_1 = +0.500000000000
	// c_2 = +0.282094791774
	// c_3 = +0.000000000000
	// c_4 = -0.081433751984
	// c_5 = +0.000000000000
	// c_6 = +0.044603102904
	// T_10 = 1.27500752e-03
}
