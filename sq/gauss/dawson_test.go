package gauss

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

const dawPrec = 400

// bigDawson returns F(y) and F'(y) = 1 - 2yF(y) in 400-bit arithmetic, from
// the defining integral's power series F(y) = exp(-y²) Σ y^(2n+1)/(n!(2n+1))
// with exp(-y²) = 1/Σ y^(2n)/n! (all terms positive: no cancellation) for
// y <= 22, and from 120 terms of the asymptotic series beyond (where its
// smallest term is below 1e-200).
func bigDawson(y float64) (f, df *big.Float) {
	nf := func(x float64) *big.Float { return new(big.Float).SetPrec(dawPrec).SetFloat64(x) }
	by := nf(y)
	y2 := new(big.Float).SetPrec(dawPrec).Mul(by, by)
	one := nf(1)
	eps := nf(1e-130)
	if y <= 22 {
		s := nf(0)  // Σ y^(2n+1)/(n!(2n+1))
		e := nf(0)  // Σ y^(2n)/n!
		pw := nf(1) // y^(2n)/n!
		for n := 0; n < 5000; n++ {
			if n > 0 {
				pw.Mul(pw, y2)
				pw.Quo(pw, nf(float64(n)))
			}
			e.Add(e, pw)
			t := new(big.Float).SetPrec(dawPrec).Mul(pw, by)
			t.Quo(t, nf(float64(2*n+1)))
			s.Add(s, t)
			if float64(n) > 2*y*y+10 {
				r := new(big.Float).SetPrec(dawPrec).Quo(pw, e)
				if r.Cmp(eps) < 0 {
					break
				}
			}
		}
		f = new(big.Float).SetPrec(dawPrec).Quo(s, e)
	} else {
		x := new(big.Float).SetPrec(dawPrec).Quo(one, new(big.Float).SetPrec(dawPrec).Mul(nf(2), y2))
		term, sum := nf(1), nf(1)
		for n := 1; n < 120; n++ {
			term.Mul(term, nf(float64(2*n-1)))
			term.Mul(term, x)
			sum.Add(sum, term)
		}
		f = new(big.Float).SetPrec(dawPrec).Quo(sum, new(big.Float).SetPrec(dawPrec).Mul(nf(2), by))
	}
	df = new(big.Float).SetPrec(dawPrec).Mul(nf(2), by)
	df.Mul(df, f)
	df.Sub(one, df)
	return f, df
}

func TestDawsonBigFloat(t *testing.T) {
	ys := []float64{1e-300, 1e-8, 1e-3, 0.1, 0.5, 0.9241388730, 1, 1.5, 2, 3.5, 5, 6.5, 6.999999, 7, 7.000001, 8, 10, 15, 21.9, 22.5, 40, 100, 1e4, 1e150}
	r := rand.New(rand.NewPCG(7, 11))
	for i := 0; i < 120; i++ {
		ys = append(ys, 25*r.Float64())
	}
	worstF, worstD := 0.0, 0.0
	for _, y := range ys {
		t.Run(fmt.Sprintf("y=%g", y), func(t *testing.T) {
			bfv, bdv := bigDawson(y)
			wantF, _ := bfv.Float64()
			wantD, _ := bdv.Float64()
			for _, s := range []float64{1, -1} {
				gotF, gotD := DawsonBoth(s * y)
				if e := math.Abs(gotF-s*wantF) / math.Abs(wantF); !(e <= 1e-15) {
					t.Errorf("Dawson(%v) = %.17g, want %.17g (relative error %.2g)", s*y, gotF, s*wantF, e)
				} else {
					worstF = math.Max(worstF, e)
				}
				e := math.Abs(gotD-wantD) / (1e-15*math.Abs(wantD) + 2e-16)
				if !(e <= 1) {
					t.Errorf("DawsonDeriv(%v) = %.17g, want %.17g (error %.2g, allowed 1e-15 |F'| + 2e-16)", s*y, gotD, wantD, math.Abs(gotD-wantD))
				} else {
					if math.Abs(wantD) > 1e-3 {
						worstD = math.Max(worstD, math.Abs(gotD-wantD)/math.Abs(wantD))
					}
				}
				if f := Dawson(s * y); f != gotF {
					t.Errorf("Dawson(%v) = %v differs from DawsonBoth's %v", s*y, f, gotF)
				}
				if d := DawsonDeriv(s * y); d != gotD {
					t.Errorf("DawsonDeriv(%v) = %v differs from DawsonBoth's %v", s*y, d, gotD)
				}
			}
		})
	}
	t.Logf("largest relative error: F %.2g, F' %.2g", worstF, worstD)
}

// TestDawsonKnown checks values quoted in the literature (Abramowitz and
// Stegun table 7.5 / DLMF 7.2.5) and the maximum of F.
func TestDawsonKnown(t *testing.T) {
	cases := []struct{ y, f float64 }{
		{0.5, 0.4244363835020223},
		{1, 0.5380795069127684},
		{2, 0.3013403889237920},
		{0.9241388730, 0.5410442246351817},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("y=%v", c.y), func(t *testing.T) {
			if got := Dawson(c.y); math.Abs(got-c.f) > 2e-15 {
				t.Errorf("Dawson(%v) = %.16g, want %.16g", c.y, got, c.f)
			}
		})
	}
	if Dawson(0) != 0 || DawsonDeriv(0) != 1 || Dawson(math.Inf(1)) != 0 || !math.IsNaN(Dawson(math.NaN())) {
		t.Error("special values")
	}
}

// TestDawsonBounds checks 0 <= F(y) <= min(y, 1/y) and |F'(y)| <= min(1, 1/y²)
// on a grid: the bounds the hardness package's tail estimates rely on.
func TestDawsonBounds(t *testing.T) {
	for y := 1e-4; y < 1e4; y *= 1.01 {
		f, d := DawsonBoth(y)
		if !(f >= 0 && f <= math.Min(y, 1/y)) {
			t.Errorf("F(%v) = %v outside [0, min(y, 1/y)]", y, f)
		}
		if !(math.Abs(d) <= math.Min(1, 1/(y*y))) {
			t.Errorf("|F'(%v)| = %v exceeds min(1, 1/y²)", y, math.Abs(d))
		}
	}
}

func BenchmarkDawson(b *testing.B) {
	ys := []float64{0.05, 0.3, 1, 2, 4, 6, 8, 20}
	s := 0.0
	for i := 0; i < b.N; i++ {
		f, d := DawsonBoth(ys[i%len(ys)])
		s += f + d
	}
	_ = s
}
