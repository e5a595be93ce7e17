package cli

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/sqsim/sqsim/bench"
)

// writeCurveSVG draws queries against d on log-log axes, one series per k,
// with the fitted lines, as a self-contained SVG.
func writeCurveSVG(w io.Writer, pts []bench.CurvePoint, fits []bench.CurveFit) error {
	const W, H, L, R, T, B = 640.0, 440.0, 70.0, 150.0, 30.0, 50.0
	minD, maxD, minQ, maxQ := math.Inf(1), 0.0, math.Inf(1), 0.0
	for _, p := range pts {
		if p.Queries <= 0 {
			continue
		}
		minD, maxD = math.Min(minD, float64(p.D)), math.Max(maxD, float64(p.D))
		minQ, maxQ = math.Min(minQ, float64(p.Queries)), math.Max(maxQ, float64(p.Queries))
	}
	if maxD == 0 {
		return fmt.Errorf("curve: no points to draw")
	}
	lx0, lx1 := math.Floor(math.Log10(minD)), math.Ceil(math.Log10(maxD))
	ly0, ly1 := math.Floor(math.Log10(minQ)), math.Ceil(math.Log10(maxQ))
	if lx1 == lx0 {
		lx1++
	}
	if ly1 == ly0 {
		ly1++
	}
	px := func(d float64) float64 { return L + (math.Log10(d)-lx0)/(lx1-lx0)*(W-L-R) }
	py := func(q float64) float64 { return H - B - (math.Log10(q)-ly0)/(ly1-ly0)*(H-T-B) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="12">`+"\n", W, H)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="black"/>`+"\n", L, T, W-L-R, H-T-B)
	for e := lx0; e <= lx1; e++ {
		for m := 1.0; m < 10; m++ {
			x := px(m * math.Pow(10, e))
			if x > W-R+0.1 {
				break
			}
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", x, T, x, H-B)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">10^%.0f</text>`+"\n", px(math.Pow(10, e)), H-B+18, e)
	}
	for e := ly0; e <= ly1; e++ {
		y := py(math.Pow(10, e))
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", L, y, W-R, y)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">10^%.0f</text>`+"\n", L-6, y+4, e)
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">dimension d</text>`+"\n", L+(W-L-R)/2, H-12)
	fmt.Fprintf(&b, `<text x="16" y="%.1f" text-anchor="middle" transform="rotate(-90 16 %.1f)">queries to identify S</text>`+"\n", T+(H-T-B)/2, T+(H-T-B)/2)
	colors := []string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"}
	for i, ft := range fits {
		col := colors[i%len(colors)]
		var xs, ys []float64
		for _, p := range pts {
			if p.K == ft.K && p.Queries > 0 {
				xs = append(xs, float64(p.D))
				ys = append(ys, float64(p.Queries))
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>`+"\n", px(float64(p.D)), py(float64(p.Queries)), col)
			}
		}
		if s, c, n := bench.FitSlope(xs, ys); n >= 2 {
			x0, x1 := float64(ft.DMin), float64(ft.DMax)
			y0, y1 := math.Exp(c)*math.Pow(x0, s), math.Exp(c)*math.Pow(x1, s)
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-dasharray="4 3"/>`+"\n", px(x0), py(y0), px(x1), py(y1), col)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="%s">k = %d: d^%.2f</text>`+"\n", W-R+10, T+20+36*float64(i), col, ft.K, ft.Exponent)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="%s" font-size="10">(d-(k-1)/2)^%.2f</text>`+"\n", W-R+10, T+34+36*float64(i), col, ft.CenteredExponent)
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
