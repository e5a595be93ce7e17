package hardness

import (
	"math"
	"testing"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

// symmetric returns 1_S/sqrt(k) in dimension d for S = {0, ..., k-1}.
func symmetric(d, k int) ([]float64, []int) {
	w := make([]float64, d)
	S := make([]int, k)
	for i := 0; i < k; i++ {
		w[i] = 1 / math.Sqrt(float64(k))
		S[i] = i
	}
	return w, S
}

// TestSymmetricCorrelationTable reproduces the table of theory §4.3:
// C_S(1_S/sqrt k) for k = 1..20 (sign included) to 1e-12 relative, and 0
// exactly for odd k >= 3, in dimension k and with idle coordinates.
func TestSymmetricCorrelationTable(t *testing.T) {
	want := map[int]float64{
		1:  0.3989422804014327,
		2:  0.1652473031463236,
		4:  -0.02109524459055063,
		6:  0.004756930012615352,
		8:  -0.001271669730566023,
		10: 3.695646605412635e-4,
		12: -1.128864800320842e-4,
		14: 3.564403071038831e-5,
		16: -1.152404977014412e-5,
		18: 3.792514407371491e-6,
		20: -1.265440438356576e-6,
	}
	for k := 1; k <= 20; k++ {
		for _, extra := range []int{0, 3} {
			w, S := symmetric(k+extra, k)
			c, eb, err := Corr(w, S)
			if err != nil {
				t.Fatal(err)
			}
			ref, ok := want[k]
			if !ok {
				if c != 0 {
					t.Errorf("k = %d (odd): C_S = %v, want exactly 0", k, c)
				}
				continue
			}
			if rel := math.Abs(c-ref) / math.Abs(ref); !(rel <= 1e-12) {
				t.Errorf("k = %d, d = %d: C_S(u_S) = %.16g, want %.16g (relative error %.2g)", k, k+extra, c, ref, rel)
			}
			if !(eb < 1e-13*math.Abs(ref)+1e-18) {
				t.Errorf("k = %d: error bound %.3g is not small", k, eb)
			}
		}
	}
}

// TestKappa checks kappa_2 in closed form and kappa_22..30 (theory §9.3).
func TestKappa(t *testing.T) {
	k2, _ := Kappa(2)
	if want := (math.Sqrt2 - 1) / math.Sqrt(2*math.Pi); math.Abs(k2-want) > 1e-15*want {
		t.Errorf("kappa_2 = %.17g, want (sqrt 2 - 1)/sqrt(2 pi) = %.17g", k2, want)
	}
	for k, want := range map[int]float64{22: 4.2692443e-7, 24: 1.4533972e-7, 26: 4.9852675e-8, 28: 1.7209212e-8, 30: 5.9731985e-9} {
		got, err := Kappa(k)
		if err != nil {
			t.Fatal(err)
		}
		if rel := math.Abs(got-want) / want; rel > 1.5e-8 {
			t.Errorf("kappa_%d = %.9g, want %.8g", k, got, want)
		}
	}
	if k3, _ := Kappa(3); k3 != 0 {
		t.Errorf("kappa_3 = %v, want 0", k3)
	}
	if _, err := Kappa(0); err == nil {
		t.Error("Kappa(0) did not fail")
	}
}

// TestLambda checks the leading Hermite couplings lambda_k of theory §4.3.
func TestLambda(t *testing.T) {
	for k, want := range map[int]float64{2: 0.25397, 4: -0.16169, 6: 0.30880, 8: -0.98293, 10: 4.3803} {
		if got := Lambda(k); math.Abs(got-want) > 6e-5*math.Abs(want) {
			t.Errorf("lambda_%d = %.6g, want %.5g", k, got, want)
		}
	}
}

// TestNonSymmetricReferences checks the non-symmetric values of theory §4.3
// and §9.3, including two partial derivatives.
func TestNonSymmetricReferences(t *testing.T) {
	c, _, err := Corr([]float64{math.Cos(0.5), math.Sin(0.5)}, []int{0, 1})
	if err != nil {
		t.Fatal(err)
	}
	if want := 0.14242562573308988176; math.Abs(c-want) > 1e-15 {
		t.Errorf("C_{1,2}((cos .5, sin .5)) = %.20g, want %.20g", c, want)
	}
	g := make([]float64, 3)
	c, _, err = CorrGrad([]float64{0.5, -0.3, 0.4}, []int{0, 1}, g)
	if err != nil {
		t.Fatal(err)
	}
	if want := -0.0624194297571768; math.Abs(c-want) > 1e-15 {
		t.Errorf("C_S((0.5,-0.3|0.4)) = %.16g, want %.16g", c, want)
	}
	if want := -0.0758633027693; math.Abs(g[0]-want) > 1e-12 {
		t.Errorf("d_1 C_S = %.13g, want %.13g", g[0], want)
	}
	if want := 0.0700556781846; math.Abs(g[2]-want) > 1e-12 {
		t.Errorf("d_3 C_S = %.13g, want %.13g", g[2], want)
	}
}

// TestCorrTwoDimQuadrature checks C_S for k = 2 against an independent
// route: two-dimensional kink-aware quadrature of
// E[relu(w_1 x_1 + w_2 x_2 + rho xi) sign(x_1) sign(x_2)], with the xi part
// integrated in closed form (E[relu(m + rho xi)] = rho (a Phi(a) + phi(a)),
// a = m/rho).
func TestCorrTwoDimQuadrature(t *testing.T) {
	cases := [][3]float64{{0.5, -0.3, 0.4}, {0.9, 0.2, 0}, {0.1, 0.7, 1.5}, {-0.4, -0.8, 0.05}, {1e-3, 0.6, 0.3}}
	for _, c := range cases {
		w1, w2, rho := c[0], c[1], c[2]
		f := func(x1, x2 float64) float64 {
			m := w1*x1 + w2*x2
			var r float64
			if rho == 0 {
				r = math.Max(m, 0)
			} else {
				a := m / rho
				r = rho * (a*gauss.Cdf(a) + gauss.Pdf(a))
			}
			return r * sgn(x1) * sgn(x2)
		}
		kinks := []gauss.Kink{{A1: 1}, {A2: 1}}
		if rho == 0 {
			kinks = append(kinks, gauss.Kink{A1: w1, A2: w2})
		}
		want, qerr := gauss.Expect2(f, kinks, 1e-14)
		got, _, err := Corr([]float64{w1, w2, rho}, []int{0, 1})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 1e-12+qerr {
			t.Errorf("w = %v: C_S = %.16g, 2-D quadrature %.16g (its error %.2g)", c, got, want, qerr)
		}
	}
}

func sgn(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// TestCorrGradFiniteDifferences compares the gradient formulas with central
// differences of C_S for k = 2, 4, 6 at random w (with idle coordinates and
// a zero weight on S).
func TestCorrGradFiniteDifferences(t *testing.T) {
	r := sq.Stream(3, 1)
	for _, k := range []int{2, 4, 6} {
		for trial := 0; trial < 3; trial++ {
			d := k + 3
			w := make([]float64, d)
			for i := range w {
				w[i] = r.NormFloat64() * 0.5
			}
			if trial == 2 {
				w[1] = 0 // one zero on S: C_S = 0, only d_1 C_S survives on S
			}
			S := make([]int, k)
			for i := range S {
				S[i] = i
			}
			g := make([]float64, d)
			if _, _, err := CorrGrad(w, S, g); err != nil {
				t.Fatal(err)
			}
			const h = 1e-5
			for j := 0; j < d; j++ {
				wp, wm := append([]float64(nil), w...), append([]float64(nil), w...)
				wp[j] += h
				wm[j] -= h
				cp, _, _ := Corr(wp, S)
				cm, _, _ := Corr(wm, S)
				fd := (cp - cm) / (2 * h)
				if math.Abs(fd-g[j]) > 1e-8 {
					t.Errorf("k = %d trial %d: d_%d C_S = %.12g, finite difference %.12g", k, trial, j, g[j], fd)
				}
			}
		}
	}
}

// TestCorrSymmetries: 1-homogeneity, the sign of a flipped coordinate,
// invariance under permutations of S, and dependence on the rest only
// through its norm.
func TestCorrSymmetries(t *testing.T) {
	w := []float64{0.3, -0.7, 0.2, 0.5, 0.1, -0.4}
	S := []int{0, 1, 2, 3}
	c, _, _ := Corr(w, S)
	scaled := make([]float64, len(w))
	for i := range w {
		scaled[i] = 2.5 * w[i]
	}
	if cs, _, _ := Corr(scaled, S); math.Abs(cs-2.5*c) > 1e-15 {
		t.Errorf("C_S(2.5 w) = %v, want 2.5 C_S(w) = %v", cs, 2.5*c)
	}
	flipped := append([]float64(nil), w...)
	flipped[2] = -flipped[2]
	if cf, _, _ := Corr(flipped, S); math.Abs(cf+c) > 1e-16 {
		t.Errorf("flipping w_3: %v, want %v", cf, -c)
	}
	perm := []float64{0.5, 0.2, -0.7, 0.3, 0, 0.41231056256176605} // S permuted; rest as one coordinate of the same norm
	if cp, _, _ := Corr(perm, S); math.Abs(cp-c) > 1e-15 {
		t.Errorf("permuted weights and rest of equal norm: %v, want %v", cp, c)
	}
}

// TestCorrMonteCarlo checks C_S at a non-symmetric w for k = 4 (where no
// second exact route is at hand) against a Monte Carlo mean over 4e6
// Gaussian samples of |w.x| chi_S(x)/2, which has the same mean as
// relu(w.x) chi_S(x) (the odd part w.x/2 has zero correlation with the even
// chi_S) and half its variance. Bound: 5 standard errors (a false failure
// has probability below 6e-7); the standard error is about 2.4e-4, 4% of
// C_S here.
func TestCorrMonteCarlo(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo: 4e6 samples")
	}
	w := []float64{0.6, -0.3, 0.5, 0.2, 0.4, -0.2}
	S := []int{0, 1, 2, 3}
	want, _, err := Corr(w, S)
	if err != nil {
		t.Fatal(err)
	}
	r := sq.Stream(11, 2)
	const n = 4000000
	x := make([]float64, len(w))
	var sum, sum2 float64
	for i := 0; i < n; i++ {
		s, chi := 0.0, 1.0
		for j := range x {
			x[j] = r.NormFloat64()
			s += w[j] * x[j]
		}
		for _, j := range S {
			chi *= sgn(x[j])
		}
		v := math.Abs(s) / 2 * chi
		sum += v
		sum2 += v * v
	}
	mean := sum / n
	se := math.Sqrt((sum2/n - mean*mean) / n)
	if math.Abs(mean-want) > 5*se {
		t.Errorf("C_S(w) = %.6g, Monte Carlo %.6g ± %.2g (%.1f standard errors)", want, mean, se, math.Abs(mean-want)/se)
	}
	t.Logf("C_S(w) = %.8f, Monte Carlo %.8f ± %.8f", want, mean, se)
}

func TestCorrBadSupport(t *testing.T) {
	w := []float64{1, 2, 3}
	for _, S := range [][]int{{}, {0, 0}, {2, 1}, {0, 3}, {-1}} {
		if _, _, err := Corr(w, S); err == nil {
			t.Errorf("support %v accepted", S)
		}
	}
	if _, _, err := CorrGrad(w, []int{0, 1}, make([]float64, 2)); err == nil {
		t.Error("short gradient buffer accepted")
	}
}
