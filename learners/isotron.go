package learners

import (
	"flag"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

func init() {
	RegisterFlags("isotron", "Isotron: perceptron-like steps with an isotonic link fitted on binned conditional means (Kalai-Sastry 2009)",
		func() Flagger { return new(Isotron) })
}

// Isotron is the Isotron of Kalai and Sastry, "The Isotron algorithm:
// high-dimensional isotonic regression", COLT 2009, written as an SQ
// algorithm (theory §7(d)). It learns a single-index model E[y | x] =
// u(w.x) with an unknown nondecreasing link u, alternating
//
//	u_t     = isotonic regression of y on w_t.x            (the link)
//	w_{t+1} = w_t + Step * E[(y - u_t(w_t.x)) x]            (the direction)
//
// SQ form. The link is a step function of z = w.x/||w|| on Bins bins of
// equal Gaussian mass 1/Bins (edges at the normal quantiles): the bin
// queries E[y 1{z in I_b}] (correlational, norm bound sqrt(1/Bins); one
// scalar ridge query per bin, all in one adaptivity round) divided by the
// free probabilities P[z in I_b] = 1/Bins give the conditional means, and
// the pool-adjacent-violators algorithm (weighted by the bin masses) makes
// them nondecreasing. The step's label part E[y x] does not depend on w: it
// is one correlational vector query (sq.Chow), asked once; E[u(z) x] =
// E[u(z) z] w/||w|| = sum_b u_b (phi(e_b) - phi(e_{b+1})) w/||w|| is free.
// The first iterate from w = 0 (a constant link) is w_1 = E[y x] (Init =
// "chow", the default).
//
// Output. Kalai and Sastry guarantee some iterate, not the last: when
// E[y | z] is not monotone (an agnostic corruption) the fitted links can
// drive ||w|| through 0 and flip the direction, so the learner returns the
// best iterate. Output = "relu" (the default) returns relu(r u.x) for the
// iterate direction u (w_0 included) with the largest m(u) = E[y relu(u.x)]
// and the best norm r = max(0, 2 m(u)) along it (theory §2.4: the best loss
// along u is E[y^2] - 2 m(u)^2), from one correlational vector query
// sq.ReluBatch over the Steps + 1 directions. Output = "sim" returns the
// single-index model u_t(w_t.x) itself (an improper hypothesis, *SIM) with
// the smallest estimated loss sum_b P_b u_b^2 - 2 sum_b u_b E[y 1{z in I_b}]
// (+ E[y^2]), which the bin answers already give; the link is fitted once
// more at the last iterate.
//
// Guarantee (Kalai–Sastry 2009, [MEM]): if E[y | x] = u*(w*.x) with u*
// nondecreasing and 1-Lipschitz, ||w*|| <= W and ||x|| <= 1, some iterate
// among the first O((W/eps)^2) reaches square error eps (with exact
// isotonic regression and fresh samples per iteration). Under N(0, I_d) a
// single-index model has E[y x] parallel to w* (Stein), so the first
// iterate already has the right direction when E[u*(z) z] != 0 and the
// iterations refine the link; from a random start (Init = "random") the
// direction converges to w*/||w*||, which the tests check for a realizable
// ReLU. The binned link costs at most the within-bin variance of E[y | z].
//
// Queries: relu: 1 + Steps*Bins + 1 (d + Steps*Bins + Steps + 1 scalar),
// Steps + 2 rounds; sim: 1 + (Steps+1)*Bins (d + (Steps+1)*Bins scalar),
// Steps + 2 rounds. The session's step hook sees the iterate w_0 (after
// the E[y x] query) and every iterate w_t (not normalized); stopped at step
// t, Isotron returns what it returns with Steps = t (its output stage still
// asks its queries: the selection over the directions so far, or for sim the
// last link fit).
type Isotron struct {
	Bins   int       // number of bins of the link (default 16)
	Steps  int       // iterations (default 10)
	Step   float64   // step size (default 1)
	Init   string    // "chow" (default: w_1 = E[y x]), "random" (norm Norm0), or "given" (W0)
	W0     []float64 // initial weights for Init = "given"
	Norm0  float64   // norm of the random initialisation (default 0.5)
	Output string    // "relu" (default) or "sim"
	Tol    float64   // tolerance of every query (default 1e-6)
	// OnStep, if set, is called after every step with the step number
	// (1, 2, ...) and the new weights (do not keep the slice).
	// Superseded by the session's hook sq.Session.OnStep, which gets the
	// same calls (and step 0) and can also stop the learner: prefer it in
	// new code; this field is kept for existing callers.
	OnStep func(step int, w []float64)

	parsed bool // built from options (NewIsotron): its zero fields are settings, not defaults
}

// Flags declares Isotron's options: bins, steps, step, init, w0, norm0, output, tol. A zero field of a Isotron used directly
// holds the default declared here (W0 with Init "" means Init "given"); one built from options
// (New, NewIsotron) holds exactly the values parsed (steps=0 means 0).
func (g *Isotron) Flags(fs *flag.FlagSet) {
	fs.IntVar(&g.Bins, "bins", 16, "number of bins of the link, 2 <= bins <= 10000")
	fs.IntVar(&g.Steps, "steps", 10, "iterations, 0 <= steps <= 100000 (0: return the initial iterate)")
	fs.Float64Var(&g.Step, "step", 1, "step size")
	fs.StringVar(&g.Init, "init", "chow", "initial iterate: chow (w_1 = E[y x]), random (norm norm0) or given (w0)")
	fs.Var((*Floats)(&g.W0), "w0", "initial weights, comma-separated (sets init=given)")
	fs.Float64Var(&g.Norm0, "norm0", 0.5, "norm of the random initialisation")
	fs.StringVar(&g.Output, "output", "relu", "hypothesis: relu or sim (the fitted isotonic link)")
	fs.Float64Var(&g.Tol, "tol", 1e-6, "tolerance of every query")
}

// NewIsotron builds Isotron from options (see Flags).
func NewIsotron(o Options) (*Isotron, error) {
	g := new(Isotron)
	return g, parseOptions("isotron", g, o)
}

// resolve reads w0 without init as init=given.
func (g *Isotron) resolve() {
	g.parsed = true
	if g.W0 != nil && g.Init == "chow" {
		g.Init = "given"
	}
}

func (g *Isotron) validate() error {
	switch {
	case g.Bins < 2 || g.Bins > 10000:
		return fmt.Errorf("%w: isotron: bins = %d, want 2 <= bins <= 10000", ErrOption, g.Bins)
	case g.Steps < 0 || g.Steps > 100000:
		return fmt.Errorf("%w: isotron: steps = %d, want 0 <= steps <= 100000", ErrOption, g.Steps)
	case !(g.Step > 0) || g.Step > 1e300:
		return fmt.Errorf("%w: isotron: step = %v, want a finite step > 0", ErrOption, g.Step)
	case !(g.Norm0 > 0) || g.Norm0 > 1e300:
		return fmt.Errorf("%w: isotron: norm0 = %v, want a finite norm > 0", ErrOption, g.Norm0)
	case g.Init != "chow" && g.Init != "random" && g.Init != "given":
		return fmt.Errorf("%w: isotron: init = %q, want chow, random or given", ErrOption, g.Init)
	case g.Init == "given" && g.W0 == nil:
		return fmt.Errorf("%w: isotron: init = given needs w0", ErrOption)
	case g.Output != "relu" && g.Output != "sim":
		return fmt.Errorf("%w: isotron: output = %q, want relu or sim", ErrOption, g.Output)
	}
	return tolOK("isotron", g.Tol)
}

// Name returns "isotron".
func (g *Isotron) Name() string { return "isotron" }

// Learn alternates link fits and steps and returns the hypothesis chosen by
// Output.
func (g *Isotron) Learn(s *sq.Session) (sq.Hypothesis, error) {
	g = g.configured()
	if err := g.validate(); err != nil {
		return nil, err
	}
	d := s.Setting.D
	c, err := s.AskVec(sq.Chow(d), g.Tol, nil) // E[y x]
	if err != nil {
		return nil, err
	}
	w, err := g.start(s, c)
	if err != nil {
		return nil, err
	}
	if gauss.Norm(w) == 0 {
		// E[y x] = 0 (or a zero start): no direction to refine. The zero
		// ReLU predicts 0.
		return sq.ReLU{W: w}, nil
	}
	edges := normalEdges(g.Bins)
	dirs, links, scores, err := g.iterate(s, c, w, edges)
	if err != nil {
		return nil, err
	}
	if g.Output == "sim" {
		return bestSIM(dirs, links, scores, edges), nil
	}
	return g.bestReLU(s, dirs)
}

// configured is g, or for a zero Isotron not built by NewIsotron a copy with
// the declared defaults (w0 without init read as init=given).
func (g *Isotron) configured() *Isotron {
	if g.parsed {
		return g
	}
	c := withDefaults(g)
	if g.Init == "" && g.W0 != nil {
		c.Init = "given"
	}
	return c
}

// start is the first iterate by Init: the Chow vector c, a random Gaussian
// direction of norm Norm0, or W0.
func (g *Isotron) start(s *sq.Session, c []float64) ([]float64, error) {
	d := s.Setting.D
	w := make([]float64, d)
	switch g.Init {
	case "chow":
		copy(w, c)
	case "random":
		for i := range w {
			w[i] = s.Rand.NormFloat64()
		}
		n := gauss.Norm(w)
		for i := range w {
			w[i] *= g.Norm0 / n
		}
	case "given":
		if len(g.W0) != d {
			return nil, fmt.Errorf("%w: isotron: w0 has %d entries, want d = %d", ErrOption, len(g.W0), d)
		}
		copy(w, g.W0)
	}
	return w, nil
}

// iterate runs the steps from w (updated in place): at each iterate it
// records the unit direction, fits the link along it (unless Output = "relu"
// at the last step) and its score, then steps w by Step (c - E[u(z) z] u).
// It stops after Steps steps, when the session's hook stops it, or at w = 0.
// It returns the directions, and the links and their estimated losses minus
// E[y^2] (for Output = "sim").
func (g *Isotron) iterate(s *sq.Session, c, w, edges []float64) (dirs, links [][]float64, scores []float64, err error) {
	// last is the step budget: Steps, or the step at which the session's
	// hook stopped the learner (which then finishes as with Steps = last).
	last := g.Steps
	if stop, err := s.Step(0, w); err != nil {
		return nil, nil, nil, fmt.Errorf("isotron: %w", err)
	} else if stop {
		last = 0
	}
	p := 1 / float64(g.Bins)
	for t := 0; ; t++ {
		u := vScaled(1/gauss.Norm(w), w)
		dirs = append(dirs, u)
		if t == last && g.Output == "relu" {
			break
		}
		link, ans, err := fitLink(s, u, edges, g.Tol)
		if err != nil {
			return nil, nil, nil, err
		}
		links, scores = append(links, link), append(scores, linkScore(link, ans, p))
		if t == last {
			break
		}
		ez := linkMoment(link, edges)
		for i := range w {
			w[i] += g.Step * (c[i] - ez*u[i])
		}
		if g.OnStep != nil {
			g.OnStep(t+1, w)
		}
		if stop, err := s.Step(t+1, w); err != nil {
			return nil, nil, nil, fmt.Errorf("isotron: %w", err)
		} else if stop {
			last = t + 1
		}
		if gauss.Norm(w) == 0 {
			break
		}
	}
	return dirs, links, scores, nil
}

// linkScore is the link's estimated loss minus E[y^2]:
// E[(u(z) - y)^2] - E[y^2] = sum_b p u_b^2 - 2 sum_b u_b E[y 1{z in I_b}].
func linkScore(link, ans []float64, p float64) float64 {
	sc := 0.0
	for b, v := range link {
		sc += p*v*v - 2*v*ans[b]
	}
	return sc
}

// linkMoment is E[u(z) z] for z ~ N(0, 1): sum_b u_b (phi(e_b) - phi(e_{b+1})).
func linkMoment(link, edges []float64) float64 {
	ez := 0.0
	for b, v := range link {
		ez += v * (edgePdf(edges, b) - edgePdf(edges, b+1))
	}
	return ez
}

// bestSIM is the single-index model of the iterate whose link scores
// lowest (the first on ties).
func bestSIM(dirs, links [][]float64, scores []float64, edges []float64) *SIM {
	best := 0
	for t, sc := range scores {
		if sc < scores[best] {
			best = t
		}
	}
	return &SIM{W: dirs[best], Edges: slices.Clone(edges[1 : len(edges)-1]), Values: links[best]}
}

// bestReLU is the best ReLU along the best iterate direction: along a unit u
// the best ReLU has loss E[y^2] - 2 m(u)^2 when m(u) = E[y relu(u.x)] > 0
// (theory §2.4), so the largest m wins; one correlational vector query over
// the iterates.
func (g *Isotron) bestReLU(s *sq.Session, dirs [][]float64) (sq.Hypothesis, error) {
	m, err := s.AskVec(sq.ReluBatch(dirs), g.Tol, nil)
	if err != nil {
		return nil, err
	}
	best := 0
	for t := range m {
		if m[t] > m[best] {
			best = t
		}
	}
	return sq.ReLU{W: vScaled(math.Max(0, 2*m[best]), dirs[best])}, nil
}

// normalEdges returns the bins' edges -Inf = e_0 < e_1 < ... < e_B = +Inf at
// the normal quantiles e_b = Phi^{-1}(b/B).
func normalEdges(bins int) []float64 {
	e := make([]float64, bins+1)
	e[0], e[bins] = math.Inf(-1), math.Inf(1)
	for b := 1; b < bins; b++ {
		// Not gauss.Quantile: it differs from this in the last bit for about
		// 30% of the edges (4 of them at bins 8 and 16), which would move the
		// bin queries and every isotron trace; at p >= 1/bins >= 1e-4 this
		// form has no accuracy problem.
		e[b] = -math.Sqrt2 * math.Erfcinv(2*float64(b)/float64(bins))
	}
	return e
}

// edgePdf returns phi(e_b), 0 at the infinite edges.
func edgePdf(edges []float64, b int) float64 {
	if math.IsInf(edges[b], 0) {
		return 0
	}
	return gauss.Pdf(edges[b])
}

// binQuery is E[y 1{lo < u.x <= hi}]: a correlational ridge query whose
// feature has E[h^2] = P[lo < u.x <= hi] = p for a unit u.
func binQuery(u []float64, lo, hi, p float64) *sq.Query {
	var kinks []float64
	for _, e := range []float64{lo, hi} {
		if !math.IsInf(e, 0) {
			kinks = append(kinks, e)
		}
	}
	name := "1{" + strconv.FormatFloat(lo, 'g', -1, 64) + "<u.x<=" + strconv.FormatFloat(hi, 'g', -1, 64) + "}"
	return &sq.Query{Name: "y*" + name, Class: sq.Correlational, Bound: math.Sqrt(p), Dim: 1,
		Terms: []sq.Term{{Coef: 1, Label: sq.Label{Kind: sq.LabelY}, Feature: sq.Feature{
			Kind: sq.FeatRidge, U: [][]float64{slices.Clone(u)}, Kinks: [][]float64{kinks}, Name: name,
			G: func(z []float64) float64 {
				if z[0] > lo && z[0] <= hi {
					return 1
				}
				return 0
			}}}}}
}

// fitLink asks the bin queries along the unit direction u in one round and
// returns the isotonic (nondecreasing) fit of the bins' conditional means,
// and the answers E[y 1{z in I_b}].
func fitLink(s *sq.Session, u, edges []float64, tol float64) ([]float64, []float64, error) {
	bins := len(edges) - 1
	p := 1 / float64(bins)
	ans := make([]float64, bins)
	err := s.Batch(func() error {
		for b := range bins {
			v, err := s.Ask(binQuery(u, edges[b], edges[b+1], p), tol)
			if err != nil {
				return err
			}
			ans[b] = v
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	means := make([]float64, bins)
	weights := make([]float64, bins)
	for b := range means {
		means[b], weights[b] = ans[b]/p, p
	}
	return pav(means, weights), ans, nil
}

// pav returns the weighted least-squares nondecreasing fit of v (weights w,
// all positive) by the pool-adjacent-violators algorithm, in O(n).
func pav(v, w []float64) []float64 {
	type block struct {
		mean, weight float64
		n            int
	}
	var st []block
	for i := range v {
		st = append(st, block{v[i], w[i], 1})
		for len(st) > 1 && st[len(st)-2].mean > st[len(st)-1].mean {
			a, b := st[len(st)-2], st[len(st)-1]
			wt := a.weight + b.weight
			st = st[:len(st)-2]
			st = append(st, block{(a.mean*a.weight + b.mean*b.weight) / wt, wt, a.n + b.n})
		}
	}
	out := make([]float64, 0, len(v))
	for _, b := range st {
		for range b.n {
			out = append(out, b.mean)
		}
	}
	return out
}

// SIM is the single-index hypothesis x -> Values[b] for W.x in the b-th bin,
// the bins being split at Edges (increasing; bin 0 is W.x <= Edges[0], the
// last bin W.x > Edges[len-1]). W is a unit vector.
type SIM struct {
	W      []float64
	Edges  []float64 // len(Values) - 1 interior edges
	Values []float64
}

// Predict returns the link's value at W.x.
func (h *SIM) Predict(x []float64) float64 {
	z := vDot(h.W, x)
	b, _ := slices.BinarySearch(h.Edges, z) // first edge >= z: bins are (e_{b-1}, e_b]
	return h.Values[b]
}

// Direction returns the index direction W (for angles to w*).
func (h *SIM) Direction() []float64 { return h.W }

// String prints the direction and the link.
func (h *SIM) String() string {
	return fmt.Sprintf("u(%v.x), u = %v on edges %v", h.W, h.Values, h.Edges)
}

// ExactLoss returns E[(u(W.x) - y)^2] under the world and a bound on its
// numerical error: E[u(z)^2] = sum_b Values[b]^2 P_b in closed form (z ~
// N(0, 1), W a unit vector), E[y u(W.x)] as one ridge expectation and E[y^2]
// from the world. It is for scoring (the harness calls it); a learner never
// sees a world.
func (h *SIM) ExactLoss(w sq.World) (float64, float64, error) {
	var nw float64
	for _, v := range h.W {
		nw += v * v
	}
	if math.Abs(nw-1) > 1e-9 {
		return 0, 0, fmt.Errorf("learners: SIM direction has norm %v, want a unit vector", math.Sqrt(nw))
	}
	edges := append(append([]float64{math.Inf(-1)}, h.Edges...), math.Inf(1))
	u2 := 0.0
	for b, v := range h.Values {
		u2 += v * v * (gauss.Cdf(edges[b+1]) - gauss.Cdf(edges[b]))
	}
	vals, es := slices.Clone(h.Values), slices.Clone(h.Edges)
	link := &sq.Query{Name: "y*u(w.x)", Class: sq.Correlational, Bound: 1, Dim: 1,
		Terms: []sq.Term{{Coef: 1, Label: sq.Label{Kind: sq.LabelY}, Feature: sq.Feature{
			Kind: sq.FeatRidge, U: [][]float64{slices.Clone(h.W)}, Kinks: [][]float64{es}, Name: "isotonic link",
			G: func(z []float64) float64 {
				b, _ := slices.BinarySearch(es, z[0])
				return vals[b]
			}}}}}
	var yu, y2 [1]float64
	e1, err := w.Expect(link, yu[:])
	if err != nil {
		return 0, 0, err
	}
	e2, err := w.Expect(sq.LabelMoment(2), y2[:])
	if err != nil {
		return 0, 0, err
	}
	return u2 - 2*yu[0] + y2[0], 2*e1 + e2 + 1e-15*u2, nil
}
