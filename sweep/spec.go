package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/hardness"
	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/world"
)

// ErrSpec is the sentinel of every refused spec: a TOML syntax error, an
// unknown key, an empty axis, an unknown learner, world, oracle or mode, a
// value out of range, a combination a world or learner refuses. The error
// names the line (when the spec has one for it) and the key.
var ErrSpec = errors.New("sweep: invalid spec")

// Spec is a parsed sweep spec (see the package documentation for its keys).
type Spec struct {
	Name           string                       `toml:"name" json:"name"`
	Seeds          []uint64                     `toml:"seeds" json:"seeds"`
	Metrics        []string                     `toml:"metrics" json:"metrics,omitempty"` // the summary's metrics (default: all; records always carry every key)
	Grid           []Grid                       `toml:"grid" json:"grid"`
	LearnerOptions map[string]map[string]any    `toml:"learner_options" json:"learner_options,omitempty"`
	WorldOptions   map[string]map[string]any    `toml:"world_options" json:"world_options,omitempty"`
	Source         string                       `toml:"-" json:"-"` // the TOML text
	learnerOpts    map[string]map[string]string // LearnerOptions as --set strings
}

// Grid is one [[grid]] block: one cartesian product of its axes (less the
// zipped axes, which advance together, and the excluded combinations).
type Grid struct {
	Kind    string    `toml:"kind" json:"kind,omitempty"` // "learn" (default) or "game"
	Learner []string  `toml:"learner" json:"learner"`
	World   []string  `toml:"world" json:"world,omitempty"`
	D       []int     `toml:"d" json:"d"`
	Oracle  []string  `toml:"oracle" json:"oracle,omitempty"`
	Tol     []float64 `toml:"tol" json:"tol,omitempty"`
	Tau     []float64 `toml:"tau" json:"tau,omitempty"`
	Eps     []float64 `toml:"eps" json:"eps,omitempty"`
	K       []int     `toml:"k" json:"k,omitempty"`
	Eta     []float64 `toml:"eta" json:"eta,omitempty"`
	Mode    []string  `toml:"mode" json:"mode,omitempty"`
	Seeds   []uint64  `toml:"seeds" json:"seeds,omitempty"`

	MaxQueries int `toml:"max_queries" json:"max_queries,omitempty"`
	// Stop is how a learn block's eps judges an iterate: "exact" (the
	// default: the exact loss, no query) or "estimate" (one SQ loss query
	// per step at the cell's tol through its oracle, counted in the
	// record's queries and cost; bench.Config.StopRule).
	Stop string `toml:"stop" json:"stop,omitempty"`

	// Zip lists groups of axes that advance together instead of being
	// crossed: zip = [["d", "tol"]] pairs d[i] with tol[i] (the axes of a
	// group must have the same length).
	Zip [][]string `toml:"zip" json:"zip,omitempty"`
	// Exclude drops every combination that matches one of its tables on
	// all the table's keys: exclude = [{learner = "chow", d = 20}].
	Exclude []map[string]any `toml:"exclude" json:"exclude,omitempty"`
}

// axes in the order of a cell's key; the values of an axis are strings.
var learnAxes = []string{"learner", "world", "d", "oracle", "tol", "eps"}
var gameAxes = []string{"learner", "d", "k", "eta", "tau", "mode"}

// ReadSpec reads and checks the spec in the file path.
func ReadSpec(path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSpec, err)
	}
	s, err := ParseSpec(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// ParseSpec parses and checks a spec given as TOML text: every key known,
// every axis non-empty, every learner, world, oracle and mode registered,
// every value in range, and every cell a configuration bench (or the
// hardness game) accepts. Nothing runs.
func ParseSpec(text string) (*Spec, error) {
	s := &Spec{Source: text}
	md, err := toml.Decode(text, s)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%w: line %d: %s", ErrSpec, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("%w: %v", ErrSpec, err)
	}
	loc := newLocator(text)
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		// learner_options.NAME.KEY and world_options.NAME.KEY decode into
		// maps; everything else undecoded is a key no struct field names.
		return nil, loc.errf(k, "unknown key %q (known keys: name, seeds, metrics, [[grid]] with %s, [learner_options.NAME], [world_options.NAME])",
			k.String(), strings.Join(gridKeys(), ", "))
	}
	if err := s.check(loc); err != nil {
		return nil, err
	}
	return s, nil
}

func gridKeys() []string {
	return []string{"kind", "learner", "world", "d", "oracle", "tol", "eps", "tau", "k", "eta", "mode", "seeds", "max_queries", "stop", "zip", "exclude"}
}

// Hash is the SHA-256 of the spec's TOML text: a directory holds the
// records of one spec.
func (s *Spec) Hash() string {
	h := sha256.Sum256([]byte(s.Source))
	return hex.EncodeToString(h[:])
}

// worldOptionKeys are the keys of [world_options.NAME] per world.
var worldOptionKeys = map[string][]string{
	"realizable": {},
	"clipped":    {"clip"},
	"noisy":      {"noise_var", "label_noise"},
	"agnostic":   {"frac", "corruption"},
	"halfspace":  {"eta"},
}

func (s *Spec) check(loc *locator) error {
	if len(s.Grid) == 0 {
		return loc.errf(toml.Key{"grid"}, "no [[grid]] block: a spec needs at least one")
	}
	if loc.defined("seeds") && len(s.Seeds) == 0 {
		return loc.errf(toml.Key{"seeds"}, "seeds is empty")
	}
	if loc.defined("metrics") && len(s.Metrics) == 0 {
		return loc.errf(toml.Key{"metrics"}, "metrics is empty (leave it out to summarize every metric)")
	}
	for _, m := range s.Metrics {
		if !slices.Contains(learnMetrics, m) && !slices.Contains(gameMetrics, m) {
			return loc.errf(toml.Key{"metrics"}, "unknown metric %q (known: %s)", m, strings.Join(learnMetrics, ", "))
		}
	}
	s.learnerOpts = map[string]map[string]string{}
	for name, opts := range s.LearnerOptions {
		if _, ok := learners.Lookup(name); !ok && name != "random" {
			return loc.errf(toml.Key{"learner_options", name}, "[learner_options.%s]: unknown learner %q (known: %s)", name, name, strings.Join(learners.Names(), ", "))
		}
		m := map[string]string{}
		for k, v := range opts {
			str, err := optString(v)
			if err != nil {
				return loc.errf(toml.Key{"learner_options", name, k}, "learner_options.%s.%s: %v", name, k, err)
			}
			m[k] = str
		}
		s.learnerOpts[name] = m
	}
	for name, opts := range s.WorldOptions {
		keys, ok := worldOptionKeys[name]
		if !ok {
			return loc.errf(toml.Key{"world_options", name}, "[world_options.%s]: unknown world %q (known: %s)", name, name, strings.Join(bench.Worlds, ", "))
		}
		for k, v := range opts {
			if !slices.Contains(keys, k) {
				return loc.errf(toml.Key{"world_options", name, k}, "world_options.%s.%s: unknown key (the %s world takes: %s)", name, k, name, strings.Join(keys, ", "))
			}
			if _, err := optString(v); err != nil {
				return loc.errf(toml.Key{"world_options", name, k}, "world_options.%s.%s: %v", name, k, err)
			}
		}
	}
	for i := range s.Grid {
		if err := s.checkGrid(loc, i); err != nil {
			return err
		}
	}
	// the count before exclusions, without building the cells
	total := 0.0
	for i := range s.Grid {
		n := s.Grid[i].size()
		total += n
		if total > MaxCells {
			return loc.errAt(loc.blockLine(i), toml.Key{"grid"}, "the spec has more than %d cells (sweep.MaxCells) by block %d, which alone has %.4g before exclusions", MaxCells, i+1, n)
		}
	}
	cells, err := s.cells()
	if err != nil {
		return err
	}
	if len(cells) == 0 {
		return loc.errf(toml.Key{"grid"}, "the spec has no cells (every combination is excluded)")
	}
	if len(cells) > MaxCells {
		return loc.errf(toml.Key{"grid"}, "the spec has %d cells, more than the limit %d (sweep.MaxCells)", len(cells), MaxCells)
	}
	seen := make(map[string]int, len(cells))
	for _, c := range cells {
		if j, dup := seen[c.Key]; dup {
			return loc.errf(toml.Key{"grid"}, "cell %s appears twice (blocks %d and %d)", c.Key, j+1, c.Block+1)
		}
		seen[c.Key] = c.Block
		if err := s.checkCell(c); err != nil {
			if errors.Is(err, learners.ErrOption) && len(c.Options) > 0 {
				return loc.errf(toml.Key{"learner_options", c.Learner}, "[learner_options.%s], cell %s: %v", c.Learner, c.Key, err)
			}
			if len(c.WorldOp) > 0 && errors.Is(err, world.ErrModel) {
				return loc.errf(toml.Key{"world_options", c.World}, "[world_options.%s], cell %s: %v", c.World, c.Key, err)
			}
			return loc.errAt(loc.blockLine(c.Block), toml.Key{"grid"}, "[[grid]] block %d, cell %s: %v", c.Block+1, c.Key, err)
		}
	}
	return nil
}

// MaxCells is the most cells a spec may have (the plan is held in memory,
// a few hundred bytes a cell).
const MaxCells = 1_000_000

func optString(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", fmt.Errorf("%v, want a finite number", x)
		}
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	}
	return "", fmt.Errorf("value %v of type %T, want a string, number or boolean", v, v)
}

// checkGrid fills in the defaults of [[grid]] block i and validates it. Its
// phases run in order: the kind and seeds, the kind's own axes, the axis
// lengths, the axis values, then the zip groups and exclude tables.
func (s *Spec) checkGrid(loc *locator, i int) error {
	c := &gridCheck{g: &s.Grid[i], loc: loc, i: i}
	if err := c.kindAndSeeds(s.Seeds); err != nil {
		return err
	}
	c.lens = map[string]int{"learner": len(c.g.Learner), "d": len(c.g.D), "seeds": len(c.g.Seeds)}
	var err error
	if c.g.Kind == "learn" {
		err = c.learnAxes()
	} else {
		err = c.gameAxes()
	}
	if err != nil {
		return err
	}
	for _, phase := range []func() error{c.axisLengths, c.axisNames, c.axisNumbers, c.zips, c.excludes} {
		if err := phase(); err != nil {
			return err
		}
	}
	return nil
}

// gridCheck is the state checkGrid's phases share: the block, where its keys
// are in the file, the length of each axis, and which axes the block's kind
// allows and requires.
type gridCheck struct {
	g                 *Grid
	loc               *locator
	i                 int
	lens              map[string]int
	allowed, required []string
}

// errf is an error about key k of the block, located at its line.
func (c *gridCheck) errf(k, format string, args ...any) error {
	return c.loc.errAt(c.loc.gridLine(c.i, k), toml.Key{"grid", k}, "[[grid]] block %d: %s: %s", c.i+1, k, fmt.Sprintf(format, args...))
}

// given reports whether the block sets key k in the file.
func (c *gridCheck) given(k string) bool { return c.loc.gridLine(c.i, k) > 0 }

// kindAndSeeds defaults the kind to learn and checks it, and defaults the
// block's seeds to the spec's top-level seeds.
func (c *gridCheck) kindAndSeeds(top []uint64) error {
	g := c.g
	if g.Kind == "" {
		g.Kind = "learn"
	}
	if g.Kind != "learn" && g.Kind != "game" {
		return c.errf("kind", "%q, want learn or game", g.Kind)
	}
	if len(g.Seeds) == 0 {
		if c.given("seeds") {
			return c.errf("seeds", "empty axis")
		}
		g.Seeds = top
		if len(g.Seeds) == 0 {
			return c.errf("seeds", "no seeds: give seeds = [...] at the top of the spec or in the block")
		}
	}
	return nil
}

// learnAxes defaults a learn block's world, oracle, tol and eps, records their
// lengths and the allowed and required axes, and refuses a game's keys.
func (c *gridCheck) learnAxes() error {
	g := c.g
	if len(g.World) == 0 && !c.given("world") {
		g.World = []string{"realizable"}
	}
	if len(g.Oracle) == 0 && !c.given("oracle") {
		g.Oracle = []string{"exact"}
	}
	if c.given("tau") {
		return c.errf("tau", "tau is a game's tolerance (kind = \"game\"); a learn block's is tol")
	}
	if len(g.Tol) == 0 && !c.given("tol") {
		g.Tol = []float64{0} // bench.DefaultTol of the oracle
	}
	if len(g.Eps) == 0 && !c.given("eps") {
		g.Eps = []float64{0}
	}
	c.lens["world"], c.lens["oracle"], c.lens["tol"], c.lens["eps"] = len(g.World), len(g.Oracle), len(g.Tol), len(g.Eps)
	switch g.Stop {
	case "", bench.StopExact, bench.StopEstimate:
	default:
		return c.errf("stop", "%q, want exact or estimate", g.Stop)
	}
	if g.Stop != "" && !c.given("eps") {
		return c.errf("stop", "judges eps: give eps too")
	}
	c.allowed = []string{"learner", "world", "d", "oracle", "tol", "eps", "seeds"}
	c.required = []string{"learner", "d"}
	for _, k := range []string{"k", "eta", "mode"} {
		if c.given(k) {
			return c.errf(k, "applies to kind = \"game\" blocks only")
		}
	}
	return nil
}

// gameAxes takes a game block's tol as tau, defaults its eta and mode, records
// their lengths and the allowed and required axes, and refuses a learn
// block's keys.
func (c *gridCheck) gameAxes() error {
	g := c.g
	if c.given("tol") {
		if c.given("tau") {
			return c.errf("tol", "a game block takes tau (its tolerance), not both tau and tol")
		}
		g.Tau, g.Tol = g.Tol, nil // tol is accepted as tau's other spelling
	}
	if len(g.Eta) == 0 && !c.given("eta") {
		g.Eta = []float64{0}
	}
	if len(g.Mode) == 0 && !c.given("mode") {
		g.Mode = []string{"auto"}
	}
	c.lens["k"], c.lens["eta"], c.lens["tau"], c.lens["mode"] = len(g.K), len(g.Eta), len(g.Tau), len(g.Mode)
	c.allowed = []string{"learner", "d", "k", "eta", "tau", "mode", "seeds"}
	c.required = []string{"learner", "d", "k", "tau"}
	for _, k := range []string{"world", "oracle", "eps", "stop"} {
		if c.given(k) {
			return c.errf(k, "applies to kind = \"learn\" blocks only (a game's world is the hardness family)")
		}
	}
	return nil
}

// axisLengths refuses a missing required axis and any axis given empty.
func (c *gridCheck) axisLengths() error {
	for _, k := range c.required {
		if c.lens[k] == 0 {
			if c.given(k) {
				return c.errf(k, "empty axis")
			}
			return c.errf(k, "missing: the block needs %s = [...]", k)
		}
	}
	for k, n := range c.lens {
		if n == 0 && c.given(k) {
			return c.errf(k, "empty axis")
		}
	}
	return nil
}

// axisNames checks the learner, world, oracle and mode names and the
// dimensions against what the registries and bench know.
func (c *gridCheck) axisNames() error {
	g := c.g
	for _, l := range g.Learner {
		if _, ok := learners.Lookup(l); !ok && !(g.Kind == "game" && l == "random") {
			return c.errf("learner", "unknown learner %q (known: %s)", l, strings.Join(learners.Names(), ", "))
		}
	}
	for _, w := range g.World {
		if !slices.Contains(bench.Worlds, w) {
			return c.errf("world", "unknown world %q (known: %s)", w, strings.Join(bench.Worlds, ", "))
		}
	}
	for _, o := range g.Oracle {
		if !slices.Contains(bench.Oracles, o) {
			return c.errf("oracle", "unknown oracle %q (known: %s)", o, strings.Join(bench.Oracles, ", "))
		}
	}
	for _, m := range g.Mode {
		if _, err := hardness.ParseMode(m); err != nil {
			return c.errf("mode", "%q, want auto, enumerate or structured", m)
		}
	}
	for _, d := range g.D {
		if d < 1 || d > bench.MaxDim {
			return c.errf("d", "%d, want 1 <= d <= %d", d, bench.MaxDim)
		}
	}
	return nil
}

// axisNumbers checks the tol, tau, eps and eta values (finite, >= 0, tau > 0)
// and max_queries (>= 0).
func (c *gridCheck) axisNumbers() error {
	g := c.g
	for _, name := range []string{"tol", "tau", "eps", "eta"} {
		var vs []float64
		switch name {
		case "tol":
			vs = g.Tol
		case "tau":
			vs = g.Tau
		case "eps":
			vs = g.Eps
		case "eta":
			vs = g.Eta
		}
		for _, v := range vs {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return c.errf(name, "%v, want a finite number >= 0", v)
			}
			if name == "tau" && v == 0 {
				return c.errf(name, "0, want a tolerance > 0")
			}
		}
	}
	if g.MaxQueries < 0 {
		return c.errf("max_queries", "%d, want >= 0 (0: no limit)", g.MaxQueries)
	}
	return nil
}

// zips checks each zip group: at least two axes of the block's kind, none
// zipped twice, all of one length.
func (c *gridCheck) zips() error {
	g := c.g
	inZip := map[string]bool{}
	for _, z := range g.Zip {
		if len(z) < 2 {
			return c.errf("zip", "group %v, want at least two axes", z)
		}
		for _, a := range z {
			if !slices.Contains(c.allowed, a) {
				return c.errf("zip", "%q is not an axis of a %s block (axes: %s)", a, g.Kind, strings.Join(c.allowed, ", "))
			}
			if inZip[a] {
				return c.errf("zip", "axis %q is zipped twice", a)
			}
			inZip[a] = true
			if c.lens[a] != c.lens[z[0]] {
				return c.errf("zip", "zipped axes %s (%d values) and %s (%d values) differ in length", z[0], c.lens[z[0]], a, c.lens[a])
			}
		}
	}
	return nil
}

// excludes checks each exclude table: not empty, keyed by the block's axes
// (or seed), with values that read as option strings.
func (c *gridCheck) excludes() error {
	g := c.g
	for j, ex := range g.Exclude {
		if len(ex) == 0 {
			return c.errf("exclude", "table %d is empty (it would exclude every cell)", j+1)
		}
		for k, v := range ex {
			if !slices.Contains(c.allowed, k) || k == "seeds" {
				if k != "seed" {
					return c.errf("exclude", "table %d: %q is not an axis of a %s block (axes: %s, seed)", j+1, k, g.Kind, strings.Join(c.allowed[:len(c.allowed)-1], ", "))
				}
			}
			if _, err := optString(v); err != nil {
				return c.errf("exclude", "table %d: %s: %v", j+1, k, err)
			}
		}
	}
	return nil
}

// size is the number of combinations of the block before exclusions.
func (g *Grid) size() float64 {
	axes, vals := g.axisValues()
	zipped := map[string]bool{}
	n := 1.0
	for _, z := range g.Zip {
		n *= float64(len(vals[z[0]]))
		for _, a := range z {
			zipped[a] = true
		}
	}
	for _, a := range axes {
		if !zipped[a] {
			n *= float64(len(vals[a]))
		}
	}
	return n
}

// checkCell checks that bench (or the game) accepts the cell, without
// running it.
func (s *Spec) checkCell(c Cell) error {
	if c.Kind == "game" {
		return checkGame(c)
	}
	cfg, err := c.benchConfig()
	if err != nil {
		return err
	}
	in, err := bench.NewInstance(cfg)
	if err != nil {
		return err
	}
	_, _, err = in.Learner(cfg.Learner, cfg.Options)
	return err
}

func checkGame(c Cell) error {
	if _, err := hardness.NewFamily(c.D, c.K, c.Eta); err != nil {
		return err
	}
	if c.D > gameMaxD {
		return fmt.Errorf("d = %d, the adversary handles d <= %d", c.D, gameMaxD)
	}
	if c.K > gameMaxK {
		return fmt.Errorf("k = %d, the game handles k <= %d", c.K, gameMaxK)
	}
	mode, _ := hardness.ParseMode(c.Mode)
	if mode == hardness.ModeEnumerate {
		if n, ok := hardness.Binomial(c.D, c.K).Int64(), hardness.Binomial(c.D, c.K).IsInt64(); !ok || n > enumerateLimit {
			return fmt.Errorf("mode enumerate with C(%d, %d) = %s supports, want at most %d (use mode structured)", c.D, c.K, hardness.Binomial(c.D, c.K), enumerateLimit)
		}
	}
	_, err := learners.New(c.Learner, c.gameOptions())
	return err
}

// The game's limits, as `sqsim hardness game` has them.
const (
	gameMaxD        = 65535
	gameMaxK        = 32
	enumerateLimit  = 2000
	defaultGameSeed = 1
)

// locator finds the line of a key in the spec's text: TOML's decoder
// reports lines for syntax and type errors but not for keys that decode
// and are then refused, so the spec's lines are scanned once for table
// headers and key names.
type locator struct {
	lines []locLine
}

type locLine struct {
	table string // "", "grid", "learner_options.gd", ...
	block int    // index of the [[grid]] block (-1 outside one)
	key   string // the key set on this line ("" for a header or blank)
}

var (
	headerRe = regexp.MustCompile(`^\s*(\[\[?)\s*([A-Za-z0-9_.\-" ]+?)\s*\]\]?`)
	keyRe    = regexp.MustCompile(`^\s*([A-Za-z0-9_\-]+)\s*=`)
)

func newLocator(text string) *locator {
	l := &locator{}
	table, block := "", -1
	for _, line := range strings.Split(text, "\n") {
		ll := locLine{table: table, block: block}
		if m := headerRe.FindStringSubmatch(line); m != nil {
			table = strings.ReplaceAll(strings.ReplaceAll(m[2], " ", ""), `"`, "")
			if m[1] == "[[" && table == "grid" {
				block++
			}
			if table != "grid" {
				ll.block = -1
			}
			ll = locLine{table: table, block: block, key: ""}
			if table != "grid" {
				ll.block = -1
			}
			l.lines = append(l.lines, ll)
			continue
		}
		if m := keyRe.FindStringSubmatch(line); m != nil {
			ll.key = m[1]
		}
		if table != "grid" {
			ll.block = -1
		}
		l.lines = append(l.lines, ll)
	}
	return l
}

// gridLine is the line (1-based) setting key in [[grid]] block i, 0 if none.
func (l *locator) gridLine(i int, key string) int {
	for n, ll := range l.lines {
		if ll.table == "grid" && ll.block == i && ll.key == key {
			return n + 1
		}
	}
	return 0
}

// blockLine is the line (1-based) of the header of [[grid]] block i.
func (l *locator) blockLine(i int) int {
	for n, ll := range l.lines {
		if ll.table == "grid" && ll.block == i {
			return n + 1
		}
	}
	return 0
}

// defined reports whether a top-level key is set.
func (l *locator) defined(key string) bool { return l.line(toml.Key{key}) > 0 }

// line is the first line (1-based) that sets key, or its table's header; 0
// if none is found.
func (l *locator) line(k toml.Key) int {
	if len(k) == 0 {
		return 0
	}
	table, last := strings.Join(k[:len(k)-1], "."), k[len(k)-1]
	for n, ll := range l.lines {
		if ll.table == table && ll.key == last {
			return n + 1
		}
	}
	full := k.String()
	for n, ll := range l.lines {
		if ll.key == "" && ll.table == full {
			return n + 1
		}
	}
	// a key inside an array of tables (grid.foo): any block
	for n, ll := range l.lines {
		if ll.table == table && ll.key == last {
			return n + 1
		}
	}
	return 0
}

func (l *locator) errf(k toml.Key, format string, args ...any) error {
	return l.errAt(l.line(k), k, format, args...)
}

func (l *locator) errAt(line int, k toml.Key, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		return fmt.Errorf("%w: line %d: key %s: %s", ErrSpec, line, k.String(), msg)
	}
	return fmt.Errorf("%w: key %s: %s", ErrSpec, k.String(), msg)
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
