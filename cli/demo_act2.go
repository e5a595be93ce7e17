package cli

import (
	"fmt"
	"io"
	"math"
	"math/big"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/figure"
	"github.com/sqsim/sqsim/hardness"
	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/sq"
)

// Act 2's family: d = 50, k = 4, eta = 0 and tau = 2.6e-3, just below
// kappa_4/8 = 2.64e-3 so that support search identifies S, and with
// C(50, 4) = 230300 supports the counting bound (C(d,k) - M_k) tau^2 = 1.56
// is above 1 (at d = 20 it is 0.03: vacuous).
const (
	act2D   = 50
	act2K   = 4
	act2Tau = 2.6e-3
)

// act2Eps are the target excess losses of the k(eps) table; act2Dims the
// dimensions of the tradeoff figure's support-search curves.
var (
	act2Eps  = []float64{0.03, 0.01, 3e-3, 1e-3, 3e-4, 1e-4, 1e-5}
	act2Dims = []int{20, 50, 100}
)

// capture is a learner that remembers the hypothesis of the learner it wraps.
type capture struct {
	sq.Learner
	h sq.Hypothesis
}

func (c *capture) Learn(s *sq.Session) (sq.Hypothesis, error) {
	h, err := c.Learner.Learn(s)
	c.h = h
	return h, err
}

// act2Game is one game of act 2.
type act2Game struct {
	Learner    string `json:"learner"`
	Tau        num    `json:"tau"`
	Queries    int    `json:"queries"`
	Scalar     int    `json:"scalar_queries"`
	Loss       num    `json:"loss"`        // L_S(h) on the truth the adversary picked
	Excess     num    `json:"excess_loss"` // L_S(h) - opt_S
	OverOpt0   num    `json:"loss_minus_opt0"`
	NullLoss   num    `json:"null_loss,omitempty"` // L_0(h), the loss in the null world (gd)
	Identified bool   `json:"identified"`
	Support    []int  `json:"support"` // the truth picked
	Found      []int  `json:"found,omitempty"`
	Survivors  string `json:"survivors"`
	NormH      num    `json:"norm_h,omitempty"`
	res        *bench.GameResult
}

// act2Row is one row of the k(eps) table.
type act2Row struct {
	Eps        num    `json:"eps"`
	K          int    `json:"k"`
	Gap        num    `json:"gap"`
	Supports   string `json:"supports"` // C(d, k), exact
	Log10Supp  num    `json:"log10_supports"`
	Log10DPowK num    `json:"log10_d_pow_k"`
	// Tau is C(d,k)^(-1/3) and Bound the counting bound (C(d,k) - M_k)
	// tau^2 at that tolerance, about C(d,k)^(1/3) (theory §5.3); Vacuous
	// when it is below 1.
	Tau     num  `json:"tau"`
	Bound   num  `json:"bound_queries"`
	Vacuous bool `json:"bound_vacuous"`
}

// act2Result is act 2 of the demo: the lower-bound game.
type act2Result struct {
	D, K         int
	Tau          num
	Seed         uint64
	Land         hardness.Landscape
	Supports     string
	BoundQueries num
	Vacuous      bool
	GD           act2Game
	Sparse       act2Game
	Table        []act2Row
}

func playAct2(name string, d, k int, tau float64, seed uint64) (act2Game, error) {
	opts := bench.GameOptions(name, k, tau)
	l, err := learners.New(name, learners.Options(opts))
	if err != nil {
		return act2Game{}, err
	}
	c := &capture{Learner: l}
	res, err := bench.PlayGame(c, bench.GameConfig{D: d, K: k, Tau: tau, Learner: name, Seed: seed, DropRecords: true})
	if err != nil {
		return act2Game{}, fmt.Errorf("game of %s: %w", name, err)
	}
	if res.GaveUp {
		return act2Game{}, fmt.Errorf("game of %s: the learner gave up: %s", name, res.LearnerError)
	}
	g := act2Game{Learner: name, Tau: num(tau), Queries: res.Queries, Scalar: res.ScalarQueries,
		Loss: num(res.Verdict.Loss), Excess: num(res.Verdict.Loss - res.Landscape.OptS),
		OverOpt0: num(res.Verdict.Loss - res.Landscape.Opt0), Identified: res.Verdict.Identified,
		Support: res.Verdict.Support, res: res}
	if res.Survivors.Exact {
		g.Survivors = res.Survivors.Lower.String()
	} else {
		g.Survivors = res.Survivors.Lower.String() + ".." + res.Survivors.Upper.String()
	}
	if h, ok := c.h.(sq.ReLU); ok {
		// In the null world y ~ Bernoulli(1/2) independently of x, so
		// L_0(w) = 1/2 - ||w||/sqrt(2 pi) + ||w||^2/2 (E[relu(w.x)] =
		// ||w||/sqrt(2 pi), E[relu(w.x)^2] = ||w||^2/2), minimal at
		// ||w|| = 1/sqrt(2 pi) where it is opt_0 = 1/2 - 1/(4 pi).
		r := 0.0
		for _, v := range h.W {
			r += v * v
		}
		r = math.Sqrt(r)
		g.NormH = num(r)
		g.NullLoss = num(0.5 - r/math.Sqrt(2*math.Pi) + r*r/2)
		// support search returns the ReLU along 1_S of the support it found
		var found []int
		for i, v := range h.W {
			if v != 0 {
				found = append(found, i)
			}
		}
		if len(found) == k {
			g.Found = found
		}
	}
	return g, nil
}

func bigLog10(n *big.Int) float64 { return hardness.Log10(n) }

// demoAct2 plays gd (at the family's tau and at act2TauFine) and support
// search against the adversary, and tabulates k(eps).
func demoAct2(seed uint64) (*act2Result, error) {
	d, k, tau := act2D, act2K, act2Tau
	land, err := hardness.NewLandscape(k, 0)
	if err != nil {
		return nil, err
	}
	bound, err := hardness.BoundQueries(d, k, 0, tau)
	if err != nil {
		return nil, err
	}
	a := &act2Result{D: d, K: k, Tau: num(tau), Seed: seed, Land: land, Supports: hardness.Binomial(d, k).String(),
		BoundQueries: num(bound), Vacuous: bound < 1}
	if a.GD, err = playAct2("gd", d, k, tau, seed); err != nil {
		return nil, err
	}
	if a.Sparse, err = playAct2("sparse", d, k, tau, seed); err != nil {
		return nil, err
	}
	for _, eps := range act2Eps {
		kk, err := hardness.KOfEps(eps, 0, 2)
		if err != nil {
			return nil, err
		}
		l, err := hardness.NewLandscape(kk, 0)
		if err != nil {
			return nil, err
		}
		sup := hardness.Binomial(d, kk)
		t := math.Pow(10, -bigLog10(sup)/3)
		b, err := hardness.BoundQueries(d, kk, 0, t)
		if err != nil {
			return nil, err
		}
		a.Table = append(a.Table, act2Row{Eps: num(eps), K: kk, Gap: num(l.Gap), Supports: sup.String(),
			Log10Supp: num(bigLog10(sup)), Log10DPowK: num(float64(kk) * math.Log10(float64(d))),
			Tau: num(t), Bound: num(b), Vacuous: b < 1})
	}
	return a, nil
}

func (a *act2Result) record() map[string]any {
	return map[string]any{"act": 2, "title": "why it cannot work in general", "d": a.D, "k": a.K, "eta": 0, "tau": a.Tau, "seed": a.Seed,
		"opt0": num(a.Land.Opt0), "optS": num(a.Land.OptS), "gap": num(a.Land.Gap), "eps": num(a.Land.Eps), "kappa": num(a.Land.Kappa),
		"Mk": a.Land.Mk, "supports": a.Supports, "bound_queries": a.BoundQueries, "bound_vacuous": a.Vacuous,
		"gd": a.GD, "sparse": a.Sparse, "k_of_eps": a.Table}
}

func (a *act2Result) print(w io.Writer) {
	l := a.Land
	fmt.Fprintf(w, "Act 2. Why it cannot work in general (Goel, Karmalkar, Klivans 2019): the parity-embedded family (seed %d)\n", a.Seed)
	fmt.Fprintf(w, "  world:   x ~ N(0, I_%d); for a hidden support S of k = %d coordinates, y = 1 when chi_S(x) = prod_{i in S} sign(x_i) = +1, else 0\n", a.D, a.K)
	fmt.Fprintf(w, "           (the null world: y ~ Bernoulli(1/2) independent of x). There are C(%d,%d) = %s supports.\n", a.D, a.K, a.Supports)
	fmt.Fprintf(w, "  oracle:  an adversary answers every query within tau = %g with the null world's value as long as some support agrees,\n", float64(a.Tau))
	fmt.Fprintf(w, "           and at the end picks the worst support still consistent with every answer as the truth.\n")
	fmt.Fprintf(w, "  opt_0 = %.10f (best ReLU knowing nothing: 1/2 - 1/(4 pi)), opt_S = %.10f (best ReLU knowing S), gap = %.4e, eps = gap/2 = %.4e\n",
		l.Opt0, l.OptS, l.Gap, l.Eps)
	vac := "above 1: meaningful"
	if a.Vacuous {
		vac = "below 1: vacuous at this size"
	}
	fmt.Fprintf(w, "  counting bound: every SQ learner that reaches opt_S + eps needs >= (C(d,k) - M_k) tau^2 = (%s - %d) x %g^2 = %.3g queries (%s)\n\n",
		a.Supports, l.Mk, float64(a.Tau), float64(a.BoundQueries), vac)
	g := a.GD
	fmt.Fprintf(w, "  gd (random start, %d steps): %d queries; it ends at ||w|| = %.6f, the null world's best norm 1/sqrt(2 pi): its null-world loss is opt_0 %+.1e;\n",
		g.Queries, g.Queries, float64(g.NormH), float64(g.NullLoss)-l.Opt0)
	fmt.Fprintf(w, "      on the truth the adversary picks its loss is %.10f = opt_0 %+.2e, above opt_S + eps by %.3e: identified %v\n",
		float64(g.Loss), float64(g.OverOpt0), float64(g.Loss)-l.OptS-l.Eps, g.Identified)
	s := a.Sparse
	fmt.Fprintf(w, "  support search at tau = %g: %d queries (C(d,k) + 1 = %s + 1), found S = %v, truth %v; loss %.10f, excess over opt_S %.2e; identified: %v\n\n",
		float64(s.Tau), s.Queries, a.Supports, s.Found, s.Support, float64(s.Loss), float64(s.Excess), s.Identified)
	fmt.Fprintf(w, "  To get within eps of opt, a learner must beat the family with the largest k whose gap is >= 2 eps: k(eps) grows like log(1/eps),\n")
	fmt.Fprintf(w, "  and the queries needed like d^k(eps) = d^Omega(log 1/eps) (d = %d; support search spends C(d,k) + 1; at tolerance tau = C(d,k)^(-1/3)\n", a.D)
	fmt.Fprintf(w, "  every SQ learner needs >= (C(d,k) - M_k) tau^2, about C(d,k)^(1/3): the lower bound column)\n")
	fmt.Fprintf(w, "  %8s  %6s  %11s  %10s  %10s  %10s  %11s\n", "eps", "k(eps)", "gap_k", "d^k", "C(d,k)", "tau", "lower bound")
	for _, r := range a.Table {
		vac := ""
		if r.Vacuous {
			vac = " (vacuous)"
		}
		fmt.Fprintf(w, "  %8g  %6d  %11.4e  %10s  %10s  %10.3g  %11.4g%s\n", float64(r.Eps), r.K, float64(r.Gap),
			sci(float64(r.Log10DPowK)), sci(float64(r.Log10Supp)), float64(r.Tau), float64(r.Bound), vac)
	}
	fmt.Fprintf(w, "  The figure (act2-tradeoff) draws the queries support search needs, C(d, k(eps)), against eps at d = %v; gd's %d queries reach only excess >= gap_k,\n", act2Dims, a.GD.Queries)
	fmt.Fprintf(w, "  and support search's %d queries at the family's eps = %.3g.\n", a.Sparse.Queries, a.Land.Eps)
	fmt.Fprintf(w, "  Conclusion: gradient descent stays at opt_0 (the adversary's answers are the null world's, however long it runs), and reaching opt + eps costs\n")
	fmt.Fprintf(w, "  d^Theta(log 1/eps) queries, which support search pays.\n")
}

// sci writes 10^x as a number in scientific notation.
func sci(log10 float64) string {
	e := math.Floor(log10)
	m := math.Pow(10, log10-e)
	if m >= 9.995 {
		m, e = 1, e+1
	}
	if e < 6 {
		return fmt.Sprintf("%.0f", math.Pow(10, log10))
	}
	return fmt.Sprintf("%.2fe%02.0f", m, e)
}

// figure is act 2's figure, the time/accuracy tradeoff: for target excess
// loss eps, the queries support search spends, C(d, k(eps)), at several d,
// and the measured games (gd, support search) at the excess loss each
// reached.
func (a *act2Result) figure() ([]figure.Series, figure.Options, error) {
	var series []figure.Series
	var xs []float64
	// eps from 1e-4 (k(eps) = 8 <= 20/2, so that C(d, k) grows along every
	// curve) to 0.039 (Gap_2 = 0.0796 >= 2 eps: k(eps) = 2).
	for i := 0; i <= 40; i++ {
		eps := math.Pow(10, -4+float64(i)*(math.Log10(0.039)+4)/40)
		xs = append(xs, eps)
	}
	for _, d := range act2Dims {
		s := figure.Series{Name: fmt.Sprintf("C(d, k(eps)), d = %d", d)}
		for _, eps := range xs {
			k, err := hardness.KOfEps(eps, 0, 2)
			if err != nil {
				return nil, figure.Options{}, err
			}
			s.X = append(s.X, eps)
			s.Y = append(s.Y, math.Pow(10, bigLog10(hardness.Binomial(d, k))))
		}
		series = append(series, s)
	}
	// gd's measured game: its queries, drawn at every eps it reaches (its
	// excess loss and above); support search's, at the family's eps.
	series = append(series,
		figure.Series{Name: fmt.Sprintf("gd, d = %d, measured (excess >= %.2g)", a.D, float64(a.GD.Excess)),
			X: []float64{float64(a.GD.Excess), xs[len(xs)-1]}, Y: []float64{float64(a.GD.Queries), float64(a.GD.Queries)}},
		figure.Series{Name: fmt.Sprintf("support search, d = %d, measured (excess %.2g)", a.D, float64(a.Sparse.Excess)),
			X: []float64{a.Land.Eps}, Y: []float64{float64(a.Sparse.Queries)}},
	)
	return series, figure.Options{Title: "Act 2: the time/accuracy tradeoff (parity-embedded ReLU, eta = 0)", XLabel: "target excess loss eps",
		YLabel: "queries to reach opt + eps", LogX: true, LogY: true, NoFit: true, Legend: "top-right", Height: 432}, nil
}
