package hardness

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

// The references of this file compute C_S and its gradient for k = 2 by a
// route independent of the Dawson integral: a two-dimensional Gaussian
// quadrature over (x_i, x_j), S = {i, j}, after integrating the
// off-support part z ~ N(0, 1) (of norm rho) in closed form:
//
//	E_z[relu(c + rho z)] = rho (u Phi(u) + phi(u)),  u = c/rho,
//
// with the constant rho phi(0) and the linear c/2 removed (their products
// with sign(x_i) sign(x_j) have mean 0 exactly), which leaves the even
// function rho G(u), G(u) = u erf(u/sqrt 2)/2 + phi(0) expm1(-u^2/2), and
// no cancellation of a term of size rho against a value of size 1/rho.

var axes = []gauss.Kink{{A1: 1, A2: 0, C: 0}, {A1: 0, A2: 1, C: 0}}

func refCorr2(w1, w2, rho float64) (float64, float64) {
	return gauss.Expect2(func(z1, z2 float64) float64 {
		u := (w1*z1 + w2*z2) / rho
		g := u*math.Erf(u/math.Sqrt2)/2 + gauss.InvSqrt2Pi*math.Expm1(-u*u/2)
		return sgn(z1) * sgn(z2) * rho * g
	}, axes, 1e-15)
}

// refGrad2 returns dC/dw_i (E[|x_i| sign(x_j) (Phi(u) - 1/2)]) and
// J = -E[sign sign phi(u)]/rho, so that dC/dw_l = -w_l J off S.
func refGrad2(w1, w2, rho float64) (gi, j float64) {
	gi, _ = gauss.Expect2(func(z1, z2 float64) float64 {
		u := (w1*z1 + w2*z2) / rho
		return math.Abs(z1) * sgn(z2) * math.Erf(u/math.Sqrt2) / 2
	}, axes, 1e-15)
	e, _ := gauss.Expect2(func(z1, z2 float64) float64 {
		u := (w1*z1 + w2*z2) / rho
		return sgn(z1) * sgn(z2) * gauss.InvSqrt2Pi * math.Expm1(-u*u/2)
	}, axes, 1e-15)
	return gi, -e / rho
}

// TestCorrLargeOffSupport is the regression test of issue 8 §6: with the
// off-support norm s far above the weights on S, C_S((1, 1, s, 0)) was 0
// with error bound 0 (truth 0.254/s).
func TestCorrLargeOffSupport(t *testing.T) {
	S := []int{0, 1}
	// s = 22.6 is where the route switches (rho/a_max = 32).
	ss := []float64{1, 2, 10, 20, 22, 22.6, 22.7, 23, 25, 30, 45, 46, 100, 300, 1000, 3000, 1e4}
	step := 1
	if testing.Short() {
		step = 8
	}
	for i := 0; i <= 80; i += step {
		ss = append(ss, math.Pow(10, float64(i)/20))
	}
	for _, s := range ss {
		c, eb, err := Corr([]float64{1, 1, s, 0}, S)
		if err != nil {
			t.Fatal(err)
		}
		ref, rerr := refCorr2(1, 1, s)
		if tol := 1e-12*math.Abs(ref) + eb + rerr; !(math.Abs(c-ref) <= tol) {
			t.Errorf("s = %g: C_S = %.16g ± %.2g, reference %.16g ± %.2g", s, c, eb, ref, rerr)
		}
		if !(eb <= 1e-13*math.Abs(ref)) {
			t.Errorf("s = %g: error bound %.3g is not small against %.3g", s, eb, ref)
		}
		// Asymptotics: s C_S -> P_2 (1/2) sqrt(pi/2) = 0.25397..., with
		// relative correction O(1/s^2).
		if s >= 100 {
			lim := ParityConst(2) * 0.5 * math.Sqrt(math.Pi/2)
			if rel := math.Abs(s*c-lim) / lim; rel > 2/(s*s) {
				t.Errorf("s = %g: s C_S = %.10g, limit %.10g (relative %.2g)", s, s*c, lim, rel)
			}
		}
	}
	if c, _, _ := Corr([]float64{1, 1, 1000, 0}, S); !(c > 2.5e-4 && c < 2.6e-4) {
		t.Errorf("C_S((1, 1, 1000, 0)) = %v, want about 2.54e-4", c)
	}
}

// TestCorrRandomAgainstQuadrature compares C_S and its gradient, k = 2,
// with the x-space quadrature for random weight vectors whose on-support
// weights and off-support norms range over 1e-2 .. 1e4.
func TestCorrRandomAgainstQuadrature(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 6))
	n := 60
	if testing.Short() {
		n = 12
	}
	S := []int{3, 11}
	checked := 0
	defer func() {
		if checked < n/4 {
			t.Errorf("only %d of %d random cases were checked", checked, n)
		}
	}()
	for it := 0; it < n; it++ {
		w := make([]float64, 18)
		for j := range w {
			w[j] = r.NormFloat64() * math.Pow(10, 4*r.Float64()-2)
		}
		w[3] = (2*r.Float64() - 1) * math.Pow(10, 3*r.Float64()-1)
		w[11] = (2*r.Float64() - 1) * math.Pow(10, 3*r.Float64()-1)
		rho := 0.0
		for j, v := range w {
			if j != 3 && j != 11 {
				rho = math.Hypot(rho, v)
			}
		}
		// Keep the ratio of the weights on S moderate: the reference's
		// cancellation grows with max/min of them.
		if m := math.Max(math.Abs(w[3]), math.Abs(w[11])) / math.Min(math.Abs(w[3]), math.Abs(w[11])); m > 30 || rho < 1 {
			continue
		}
		checked++
		grad := make([]float64, 18)
		c, eb, err := CorrGrad(w, S, grad)
		if err != nil {
			t.Fatal(err)
		}
		ref, rerr := refCorr2(w[3], w[11], rho)
		scale := (w[3]*w[3] + w[11]*w[11]) / rho // size of the reference's integrand
		if tol := 1e-11*math.Max(math.Abs(ref), scale) + eb + rerr; !(math.Abs(c-ref) <= tol) {
			t.Errorf("w_S = (%.4g, %.4g), rho = %.4g: C_S = %.16g ± %.2g, reference %.16g ± %.2g", w[3], w[11], rho, c, eb, ref, rerr)
		}
		c2, eb2, _ := Corr(w, S)
		if c2 != c || eb2 > eb*2+1e-300 && eb2 != eb {
			// Corr and CorrGrad share C but integrate different sets of
			// components; both must be within their bounds of the truth.
			if !(math.Abs(c2-ref) <= 1e-11*math.Max(math.Abs(ref), scale)+eb2+rerr) {
				t.Errorf("Corr = %.16g, CorrGrad = %.16g, reference %.16g", c2, c, ref)
			}
		}
		gi, J := refGrad2(w[3], w[11], rho)
		gj, _ := refGrad2(w[11], w[3], rho)
		for _, chk := range []struct {
			name      string
			got, want float64
		}{{"d/dw_3", grad[3], gi}, {"d/dw_11", grad[11], gj}, {"d/dw_0", grad[0], -w[0] * J}} {
			if !(math.Abs(chk.got-chk.want) <= 1e-10*math.Max(math.Abs(chk.want), 1e-3)+eb) {
				t.Errorf("w_S = (%.4g, %.4g), rho = %.4g: %s = %.12g, reference %.12g", w[3], w[11], rho, chk.name, chk.got, chk.want)
			}
		}
	}
}

// TestFamilyExpectLargeWeights: d = 18, k = 2, S = {3, 11} and weights of
// sizes 1e-3 .. 2e3 (a quarter of them 0) gave NaN answers with NaN bounds
// and nil errors. Every answer must now be finite with a finite bound, and
// agree with the null part plus a C_S from Corr.
func TestFamilyExpectLargeWeights(t *testing.T) {
	f, err := NewFamily(18, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	S := []int{3, 11}
	w, err := f.Planted(S)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	n := 600
	if testing.Short() {
		n = 150
	}
	for i := 0; i < n; i++ {
		v := make([]float64, 18)
		for j := range v {
			v[j] = (2*r.Float64() - 1) * math.Pow(10, 6.3*r.Float64()-3)
			if r.IntN(4) == 0 {
				v[j] = 0
			}
		}
		for _, q := range []*sq.Query{sq.ReluCorr(v), sq.GateCorr(v), sq.Loss(v)} {
			out := make([]float64, q.Dim)
			eb, err := w.Expect(q, out)
			if err != nil {
				t.Fatalf("%s at %v: %v", q.Name, v, err)
			}
			if math.IsNaN(eb) || math.IsInf(eb, 0) {
				t.Fatalf("%s at %v: error bound %v", q.Name, v, eb)
			}
			for j, x := range out {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					t.Fatalf("%s at %v: answer[%d] = %v", q.Name, v, j, x)
				}
			}
		}
		out := make([]float64, 1)
		eb, _ := w.Expect(sq.ReluCorr(v), out)
		c, ceb, _ := Corr(v, S)
		null := 0.5 * gauss.Norm(v) * gauss.InvSqrt2Pi
		if want := null + f.A()*c; !(math.Abs(out[0]-want) <= 1e-13*math.Abs(null)+eb+f.A()*ceb) {
			t.Errorf("ReluCorr at %v = %.16g, want %.16g", v, out[0], want)
		}
	}
}

// TestCorrRefusesNonFinite: a NaN weight used to hang the quadrature; it
// and ±Inf are errors wrapping ErrFamily that name the entry.
func TestCorrRefusesNonFinite(t *testing.T) {
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		w := []float64{1, bad, 0.5, 0.2}
		if _, _, err := Corr(w, []int{0, 1}); !errorsIsFamily(err, "w[1]") {
			t.Errorf("Corr with w[1] = %v: err = %v", bad, err)
		}
		w = []float64{1, 0.5, 0.2, bad}
		if _, _, err := CorrGrad(w, []int{0, 1}, make([]float64, 4)); !errorsIsFamily(err, "w[3]") {
			t.Errorf("CorrGrad with w[3] = %v: err = %v", bad, err)
		}
	}
}

func errorsIsFamily(err error, name string) bool {
	return err != nil && errors.Is(err, ErrFamily) && strings.Contains(err.Error(), name)
}

// TestCorrDynamicRange: the fuzzer found weights on S of sizes 3.5e-104
// and 1.9e220 whose quadrature ran to t = +Inf and never returned. Such
// spreads (over 2^400) are errors naming the sizes.
func TestCorrDynamicRange(t *testing.T) {
	w := []float64{3.5e-104, 1.9e220, -1.6e220, -1.2e220, 0, 0.5}
	S := []int{0, 1, 2, 3}
	if _, _, err := CorrGrad([]float64{1e-130, 1.9, -1.6, -1.2, 0, 0.5}, S, make([]float64, 6)); !errorsIsFamily(err, "1e-130") {
		t.Errorf("CorrGrad: err = %v", err)
	}
	if _, _, err := Corr([]float64{1e-130, 1, 0}, []int{0, 1}); !errorsIsFamily(err, "2^400") {
		t.Errorf("Corr: err = %v", err)
	}
	if _, _, err := Corr([]float64{1e-130, 1e-130, 1}, []int{0, 1}); !errorsIsFamily(err, "2^400") {
		t.Errorf("Corr, tiny weights on S against rho = 1: err = %v", err)
	}
	f, _ := NewFamily(6, 4, 0.1)
	pw, _ := f.Planted(S)
	if _, err := pw.Expect(sq.GateCorr(w), make([]float64, 6)); !errors.Is(err, sq.ErrNotExact) {
		t.Errorf("family Expect: err = %v, want ErrNotExact", err)
	}
	// 2^-300 apart is still computed, and matches the k = 2 reference.
	c, eb, err := Corr([]float64{1e-90, 1, 0.5}, []int{0, 1})
	ref, rerr := refCorr2(1e-90, 1, 0.5)
	if err != nil || math.Abs(c-ref) > 1e-12*math.Abs(ref)+eb+rerr {
		t.Errorf("C_S((1e-90, 1 | 0.5)) = %v ± %v (%v), reference %v", c, eb, err, ref)
	}
}
