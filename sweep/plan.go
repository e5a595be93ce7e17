package sweep

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/learners"
)

// Cell is one run of a sweep: its parameters and its key.
type Cell struct {
	Key   string // the cell's name: every parameter but none of the sweep's bookkeeping (see Plan)
	Index int    // position in the plan (the shard of a cell is Index mod N)
	Block int    // the [[grid]] block it comes from (0-based)
	Kind  string // "learn" or "game"

	Learner string
	Options map[string]string // learner options ([learner_options.NAME])
	World   string            // learn
	WorldOp map[string]string // world options ([world_options.NAME])
	D       int
	Oracle  string  // learn
	Tol     float64 // learn: the tolerance (bench.DefaultTol of the oracle when the spec gives none)
	Eps     float64 // learn: stop at the first iterate of exact loss <= Eps (0: run to the end)
	K       int     // game
	Eta     float64 // game
	Tau     float64 // game
	Mode    string  // game
	Seed    uint64

	MaxQueries int
	Stop       string // learn: how Eps is judged, "exact" ("") or "estimate" (bench.Config.StopRule)
}

// Plan returns the cells of the spec in plan order: the blocks in the
// order of the file, in each block the cartesian product of its axes with
// the last axis (seeds) fastest, zipped axes advancing together, excluded
// combinations dropped.
//
// A cell's key lists its parameters as name=value pairs, e.g.
//
//	learner=gd(steps=30),world=realizable,d=5,oracle=noise,tol=0.001,seed=1
//	game,learner=sparse,d=12,k=2,eta=0,tau=0.01,mode=auto,seed=1
//
// with the learner's and world's options in parentheses, eps only when set,
// and numbers in Go's shortest form. The key names the run: the seed of a
// cell's randomness is its seed, used exactly as `sqsim learn --seed`
// (or `sqsim hardness game --seed`) uses it, so a cell's record is the same
// whatever the workers, shards or order, and any cell can be re-run alone.
func (s *Spec) Plan() []Cell {
	cells, _ := s.cells()
	return cells
}

func (s *Spec) cells() ([]Cell, error) {
	var out []Cell
	for b := range s.Grid {
		if err := s.blockCells(b, func(c Cell) { c.Index = len(out); out = append(out, c) }); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func fmtF(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// axisValues returns the block's axes in key order, each as strings.
func (g *Grid) axisValues() ([]string, map[string][]string) {
	vals := map[string][]string{}
	strs := func(v []string) []string { return v }
	ints := func(v []int) []string {
		o := make([]string, len(v))
		for i, x := range v {
			o[i] = strconv.Itoa(x)
		}
		return o
	}
	floats := func(v []float64) []string {
		o := make([]string, len(v))
		for i, x := range v {
			o[i] = fmtF(x)
		}
		return o
	}
	seeds := make([]string, len(g.Seeds))
	for i, x := range g.Seeds {
		seeds[i] = strconv.FormatUint(x, 10)
	}
	vals["learner"], vals["d"], vals["seeds"] = strs(g.Learner), ints(g.D), seeds
	if g.Kind == "game" {
		vals["k"], vals["eta"], vals["tau"], vals["mode"] = ints(g.K), floats(g.Eta), floats(g.Tau), strs(g.Mode)
		return append(append([]string(nil), gameAxes...), "seeds"), vals
	}
	vals["world"], vals["oracle"], vals["tol"], vals["eps"] = strs(g.World), strs(g.Oracle), floats(g.Tol), floats(g.Eps)
	return append(append([]string(nil), learnAxes...), "seeds"), vals
}

func (s *Spec) blockCells(b int, emit func(Cell)) error {
	g := &s.Grid[b]
	axes, vals := g.axisValues()
	// units: one per axis, or one per zip group (at the place of its first axis)
	zipOf := map[string]int{}
	for zi, z := range g.Zip {
		for _, a := range z {
			zipOf[a] = zi
		}
	}
	type unit struct{ axes []string }
	var units []unit
	placed := map[int]bool{}
	for _, a := range axes {
		if zi, ok := zipOf[a]; ok {
			if !placed[zi] {
				placed[zi] = true
				units = append(units, unit{axes: g.Zip[zi]})
			}
			continue
		}
		units = append(units, unit{axes: []string{a}})
	}
	idx := make([]int, len(units))
	for {
		pick := map[string]string{}
		for u, un := range units {
			for _, a := range un.axes {
				pick[a] = vals[a][idx[u]]
			}
		}
		if !g.excluded(pick) {
			c, err := s.makeCell(b, pick)
			if err != nil {
				return err
			}
			emit(c)
		}
		// odometer, last unit fastest
		u := len(units) - 1
		for ; u >= 0; u-- {
			idx[u]++
			if idx[u] < len(vals[units[u].axes[0]]) {
				break
			}
			idx[u] = 0
		}
		if u < 0 {
			return nil
		}
	}
}

func (g *Grid) excluded(pick map[string]string) bool {
	for _, ex := range g.Exclude {
		all := true
		for k, v := range ex {
			if k == "seed" {
				k = "seeds"
			}
			want, _ := optString(v)
			if pick[k] != want {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

func (s *Spec) makeCell(b int, pick map[string]string) (Cell, error) {
	g := &s.Grid[b]
	c := Cell{Block: b, Kind: g.Kind, Learner: pick["learner"], Mode: pick["mode"], MaxQueries: g.MaxQueries, Stop: g.Stop}
	var err error
	parseF := func(name string) float64 {
		if pick[name] == "" || err != nil {
			return 0
		}
		v, e := strconv.ParseFloat(pick[name], 64)
		if e != nil {
			err = e
		}
		return v
	}
	c.D, _ = strconv.Atoi(pick["d"])
	c.Seed, _ = strconv.ParseUint(pick["seeds"], 10, 64)
	if g.Kind == "game" {
		c.K, _ = strconv.Atoi(pick["k"])
		c.Eta, c.Tau = parseF("eta"), parseF("tau")
	} else {
		c.World, c.Oracle = pick["world"], pick["oracle"]
		c.Tol, c.Eps = parseF("tol"), parseF("eps")
		if c.Tol == 0 {
			c.Tol = bench.DefaultTol(c.Oracle)
		}
		if wo := s.WorldOptions[c.World]; len(wo) > 0 {
			c.WorldOp = map[string]string{}
			for k, v := range wo {
				c.WorldOp[k], _ = optString(v)
			}
		}
	}
	if o := s.learnerOpts[c.Learner]; len(o) > 0 {
		c.Options = o
	}
	c.Key = c.makeKey()
	return c, err
}

func optsKey(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	parts := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		parts = append(parts, k+"="+m[k])
	}
	return "(" + strings.Join(parts, ",") + ")"
}

func (c *Cell) makeKey() string {
	var b strings.Builder
	if c.Kind == "game" {
		fmt.Fprintf(&b, "game,learner=%s%s,d=%d,k=%d,eta=%s,tau=%s,mode=%s", c.Learner, optsKey(c.Options), c.D, c.K, fmtF(c.Eta), fmtF(c.Tau), c.Mode)
	} else {
		fmt.Fprintf(&b, "learner=%s%s,world=%s%s,d=%d,oracle=%s,tol=%s", c.Learner, optsKey(c.Options), c.World, optsKey(c.WorldOp), c.D, c.Oracle, fmtF(c.Tol))
		if c.Eps > 0 {
			fmt.Fprintf(&b, ",eps=%s", fmtF(c.Eps))
			if c.Stop == bench.StopEstimate {
				b.WriteString(",stop=estimate")
			}
		}
	}
	if c.MaxQueries > 0 {
		fmt.Fprintf(&b, ",max_queries=%d", c.MaxQueries)
	}
	fmt.Fprintf(&b, ",seed=%d", c.Seed)
	return b.String()
}

// GroupKey is the cell's key without its seed: the cells a summary
// aggregates over seeds.
func (c *Cell) GroupKey() string { return groupKey(c.Key) }

func groupKey(key string) string {
	if i := strings.LastIndex(key, ",seed="); i >= 0 {
		return key[:i]
	}
	return key
}

// benchConfig is the bench configuration of a learn cell, as `sqsim learn`
// builds it from the same flags.
func (c *Cell) benchConfig() (bench.Config, error) {
	cfg := bench.DefaultConfig()
	cfg.Learner, cfg.World, cfg.D, cfg.Oracle, cfg.Tol, cfg.Seed = c.Learner, c.World, c.D, c.Oracle, c.Tol, c.Seed
	cfg.StopAtLoss, cfg.StopRule = c.Eps, c.Stop
	cfg.Budget.MaxQueries = c.MaxQueries
	cfg.Options = learners.Options{}
	for k, v := range c.Options {
		cfg.Options[k] = v
	}
	for k, v := range c.WorldOp {
		var err error
		switch k {
		case "clip":
			cfg.Clip, err = strconv.ParseFloat(v, 64)
		case "noise_var":
			cfg.NoiseVar, err = strconv.ParseFloat(v, 64)
		case "label_noise":
			cfg.LabelNoise = v
		case "frac":
			cfg.Frac, err = strconv.ParseFloat(v, 64)
		case "corruption":
			cfg.Corruption = v
		case "eta":
			cfg.Eta, err = strconv.ParseFloat(v, 64)
		}
		if err != nil {
			return cfg, fmt.Errorf("world option %s = %q: %v", k, v, err)
		}
	}
	return cfg, nil
}

func (c *Cell) gameOptions() map[string]string {
	o := map[string]string{}
	for k, v := range c.Options {
		o[k] = v
	}
	return o
}

// Shard returns the cells of shard i of n (0 <= i < n): those whose plan
// index is i mod n.
func Shard(cells []Cell, i, n int) []Cell {
	var out []Cell
	for _, c := range cells {
		if c.Index%n == i {
			out = append(out, c)
		}
	}
	return out
}

// PlanRecord returns the plan line of c for n shards: its key, index,
// shard and parameters (the record's parameter keys, metrics zero).
func PlanRecord(c Cell, n int) map[string]any {
	r := c.record()
	return map[string]any{"key": c.Key, "index": c.Index, "shard": c.Index % n, "kind": r.Kind, "learner": r.Learner,
		"options": r.Options, "world": r.World, "world_options": r.WorldOp, "d": r.D, "oracle": r.Oracle, "tol": r.Tol,
		"eps": r.Eps, "k": r.K, "eta": r.Eta, "tau": r.Tau, "mode": r.Mode, "seed": r.Seed}
}
