package cli

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/hardness"
)

// The flag groups of the command line. A flag that several commands take
// is declared here once, bound to a field of a configuration struct, with
// one help text and one validation, so --world, --d, --k, --clip,
// --noise-var, --eta, --tau and --json mean the same in every command.
// Defaults are the values the struct holds when the group is bound. List
// flags (--d 8,16,32, --k 2,4, --wstar 0.6,0.8) are parsed by intsFlag
// and floatsFlag.

// intsFlag is a flag.Value holding comma-separated integers (one integer
// when single).
type intsFlag struct {
	p      *[]int
	single bool
}

func (v intsFlag) String() string {
	if v.p == nil {
		return ""
	}
	s := make([]string, len(*v.p))
	for i, x := range *v.p {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

func (v intsFlag) Set(s string) error {
	list, err := intList(s)
	if err != nil {
		return err
	}
	if v.single && len(list) != 1 {
		return fmt.Errorf("%q: want one integer, not a list", s)
	}
	*v.p = list
	return nil
}

// intList parses comma-separated integers; the error names the entry.
func intList(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("empty list, want integers like 8,16,32")
	}
	var out []int
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		v, err := strconv.ParseInt(p, 0, strconv.IntSize) // as flag.Int parses
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", p)
		}
		out = append(out, int(v))
	}
	return out, nil
}

// intFlag is a flag.Value holding one integer, parsed as intsFlag does.
type intFlag struct{ p *int }

func (v intFlag) String() string {
	if v.p == nil || *v.p == 0 {
		return "0"
	}
	return strconv.Itoa(*v.p)
}

func (v intFlag) Set(s string) error {
	var list []int
	if err := (intsFlag{p: &list, single: true}).Set(s); err != nil {
		return err
	}
	*v.p = list[0]
	return nil
}

// floatsFlag is a flag.Value holding comma-separated finite numbers (a
// vector such as w*).
type floatsFlag struct{ p *[]float64 }

func (v floatsFlag) String() string {
	if v.p == nil {
		return ""
	}
	s := make([]string, len(*v.p))
	for i, x := range *v.p {
		s[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(s, ",")
}

// Set parses with parseVec, whose usage error names the flag; flag adds the
// flag's name again, so the message is its text alone.
func (v floatsFlag) Set(s string) error {
	out, err := parseVec("", s)
	if err != nil {
		return fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "--: "))
	}
	*v.p = out
	return nil
}

// Shared help texts.
const (
	helpWorld    = "the world: realizable | clipped | noisy | agnostic | halfspace"
	helpDist     = "deprecated alias of --world (still accepted)"
	helpWStar    = "the planted weights `w*`, comma-separated"
	helpClip     = "clip level C > 0: labels y = min(C, relu(w*.x))"
	helpNoiseVar = "variance S >= 0 of independent zero-mean label noise"
	helpFamD     = "dimension `d` of the parity family"
	helpFamK     = "support size `k` of the parity family: 1 or even"
	helpFamEta   = "label noise rate eta in [0, 1/2)"
	helpFamTau   = "tolerance tau > 0"
	helpSeed     = "seed of every random stream of the run"
)

// checkClip validates a --clip value.
func checkClip(cmd string, c float64) error {
	if err := checkFinite("clip", c); err != nil {
		return err
	}
	if !(c > 0) {
		return usagef("%s: --clip %v, want a clip level > 0", cmd, c)
	}
	return nil
}

// checkNoiseVar validates a --noise-var value.
func checkNoiseVar(cmd string, s float64) error {
	if err := checkFinite("noise-var", s); err != nil {
		return err
	}
	if s < 0 {
		return usagef("%s: --noise-var %v is negative, want a variance >= 0", cmd, s)
	}
	return nil
}

// worldFlags binds the world flags to a bench.Config: --world (and its
// deprecated alias --dist), --d, --wstar and the parameters of each world.
type worldFlags struct {
	f    *flags
	cfg  *bench.Config
	dist string // --dist, the alias
}

// bindWorld declares the world flags of f on cfg, whose values are the
// defaults.
func bindWorld(f *flags, cfg *bench.Config) *worldFlags {
	w := &worldFlags{f: f, cfg: cfg}
	f.StringVar(&cfg.World, "world", cfg.World, helpWorld)
	f.StringVar(&w.dist, "dist", "", helpDist)
	f.Var(intFlag{&cfg.D}, "d", fmt.Sprintf("dimension `d` of the world, 1 <= d <= %d (when --wstar is given without --d: its length)", bench.MaxDim))
	f.Var(floatsFlag{&cfg.WStar}, "wstar", helpWStar+" (default: a random unit vector from --seed)")
	f.Float64Var(&cfg.Clip, "clip", cfg.Clip, helpClip+" (--world clipped)")
	f.Float64Var(&cfg.NoiseVar, "noise-var", cfg.NoiseVar, helpNoiseVar+" (--world noisy)")
	f.StringVar(&cfg.LabelNoise, "label-noise", cfg.LabelNoise, "noisy: gaussian | rademacher")
	f.Float64Var(&cfg.Frac, "frac", cfg.Frac, "agnostic: fraction of the Gaussian mass whose labels are corrupted, in [0, 0.5]")
	f.StringVar(&cfg.Corruption, "corruption", cfg.Corruption, "agnostic: flip (y -> 1-y where the ReLU is active) | zero (y -> 0 there) | lift (y -> 1 just below the kink)")
	f.Float64Var(&cfg.Eta, "eta", cfg.Eta, "halfspace: label flip probability, in [0, 0.5]")
	return w
}

// worldOwners are the flags that belong to one world, in the order they
// are checked (so that of two misplaced flags the same one is reported).
var worldOwners = []struct{ flag, world string }{
	{"clip", "clipped"}, {"noise-var", "noisy"}, {"label-noise", "noisy"},
	{"frac", "agnostic"}, {"corruption", "agnostic"}, {"eta", "halfspace"},
}

// check resolves --dist, refuses a world parameter given to another world,
// a non-finite value, and a --d that disagrees with --wstar or is out of
// range; it sets D from --wstar.
func (w *worldFlags) check(cmd string) error {
	f, cfg := w.f, w.cfg
	if f.set("dist") {
		if f.set("world") && w.dist != cfg.World {
			return usagef("%s: --world %s and --dist %s disagree (--dist is a deprecated alias of --world)", cmd, cfg.World, w.dist)
		}
		cfg.World = w.dist
	}
	if !slices.Contains(bench.Worlds, cfg.World) {
		name := "world"
		if f.set("dist") {
			name = "dist" // the flag as the user gave it
		}
		return usagef("%s: --%s %q, want one of %s", cmd, name, cfg.World, strings.Join(bench.Worlds, ", "))
	}
	for _, o := range worldOwners {
		if f.set(o.flag) && cfg.World != o.world {
			return usagef("%s: --%s applies to --world %s, not %s", cmd, o.flag, o.world, cfg.World)
		}
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"clip", cfg.Clip}, {"noise-var", cfg.NoiseVar}, {"frac", cfg.Frac}, {"eta", cfg.Eta}} {
		if err := checkFinite(c.name, c.v); err != nil {
			return err
		}
	}
	if f.set("clip") {
		if err := checkClip(cmd, cfg.Clip); err != nil {
			return err
		}
	}
	if f.set("noise-var") {
		if err := checkNoiseVar(cmd, cfg.NoiseVar); err != nil {
			return err
		}
	}
	if f.set("wstar") {
		if f.set("d") && cfg.D != len(cfg.WStar) {
			return usagef("%s: --d %d but --wstar has %d entries; they must agree", cmd, cfg.D, len(cfg.WStar))
		}
		cfg.D = len(cfg.WStar)
	}
	return checkDim(cmd, cfg.D)
}

// checkDim validates the dimension of a world.
func checkDim(cmd string, d int) error {
	if d < 1 || d > bench.MaxDim {
		return usagef("%s: --d %d, want 1 <= d <= %d", cmd, d, bench.MaxDim)
	}
	return nil
}

// familyFlags are the flags of the parity family, --d --k --eta --tau. A
// command takes --d and --k as one integer or as a list (the *s fields).
type familyFlags struct {
	D, K   int
	Ds, Ks []int
	Eta    float64
	Tau    float64
}

// familySpec says how a command takes the family flags: which are lists,
// which it has (tau), and notes appended to the shared help texts.
type familySpec struct {
	DList, KList          bool
	NoD, NoTau            bool
	DNote, KNote, TauNote string
}

// bindFamily declares the family flags of f; fam's values are the
// defaults.
func bindFamily(f *flags, fam *familyFlags, s familySpec) {
	note := func(help, n string) string {
		if n == "" {
			return help
		}
		return help + " " + n
	}
	if !s.NoD {
		if s.DList {
			f.Var(intsFlag{p: &fam.Ds}, "d", note("dimensions `d,...` of the parity family, comma-separated", s.DNote))
		} else {
			f.Var(intFlag{&fam.D}, "d", note(helpFamD, s.DNote))
		}
	}
	if s.KList {
		f.Var(intsFlag{p: &fam.Ks}, "k", note("support sizes `k,...` of the parity family, comma-separated: 1 or even", s.KNote))
	} else {
		f.Var(intFlag{&fam.K}, "k", note(helpFamK, s.KNote))
	}
	f.Float64Var(&fam.Eta, "eta", fam.Eta, helpFamEta)
	if !s.NoTau {
		f.Float64Var(&fam.Tau, "tau", fam.Tau, note(helpFamTau, s.TauNote))
	}
}

// require refuses a missing flag of names, in order.
func (f *flags) require(cmd string, names ...string) error {
	for _, n := range names {
		if !f.set(n) {
			return usagef("%s: --%s is required", cmd, n)
		}
	}
	return nil
}

// familyArgs validates d, k and eta as a usage error.
func familyArgs(cmd string, d, k int, eta float64) error {
	if err := checkFinite("eta", eta); err != nil {
		return err
	}
	if _, err := hardness.NewFamily(d, k, eta); err != nil {
		return usagef("%s: %s", cmd, strings.TrimPrefix(err.Error(), "hardness: invalid parity family: "))
	}
	return nil
}

// tauArg validates a tolerance.
func tauArg(cmd string, tau float64) error {
	if err := checkFinite("tau", tau); err != nil {
		return err
	}
	if !(tau > 0) {
		return usagef("%s: --tau %v, want a tolerance > 0", cmd, tau)
	}
	return nil
}

// outputFlags are the output flags: --json and --out.
type outputFlags struct {
	JSON bool
	Out  string
	f    *flags
	file *atomicFile
}

// JSON help texts: a command prints one object or streams records.
const (
	helpJSONObject = `print one JSON object; its key "manifest" describes the run`
	helpJSONLines  = `print JSON Lines: first {"manifest": {...}}, then `
)

// bindOutput declares --json and --out. records is what a streaming
// command's lines after the manifest are ("" for a command that prints one
// object).
func bindOutput(f *flags, o *outputFlags, records string) {
	o.f = f
	help := helpJSONObject
	if records != "" {
		help = helpJSONLines + records
	}
	f.BoolVar(&o.JSON, "json", false, help)
	f.StringVar(&o.Out, "out", "", "write the output to `FILE` instead of stdout (a temporary file renamed at the end, so FILE is replaced only by a complete output)")
}

// open returns the writer of the command's output: stdout, or the file of
// --out (opened now, so that an unwritable one is refused before the run).
// Call close with the run's error.
func (o *outputFlags) open(cmd string, stdout io.Writer) (io.Writer, error) {
	if !o.f.set("out") {
		return stdout, nil
	}
	if o.Out == "" {
		return nil, usagef("%s: --out needs a file name", cmd)
	}
	a, err := createAtomic(o.Out)
	if err != nil {
		return nil, usagef("%s: --out %q: %v", cmd, o.Out, err)
	}
	o.file = a
	return a, nil
}

// close commits the --out file when err is nil, and otherwise leaves the
// old file in place; it returns err or the commit's error.
func (o *outputFlags) close(cmd string, err error) error {
	if o.file == nil {
		return err
	}
	a := o.file
	o.file = nil
	if err != nil {
		a.Abort()
		return err
	}
	if err := a.Commit(); err != nil {
		return fmt.Errorf("%s: --out: %w", cmd, err)
	}
	return nil
}

// stringsFlag is a flag.Value holding comma-separated names (spaces
// around each trimmed).
type stringsFlag struct{ p *[]string }

func (v stringsFlag) String() string {
	if v.p == nil {
		return ""
	}
	return strings.Join(*v.p, ",")
}

func (v stringsFlag) Set(s string) error {
	var out []string
	for _, p := range strings.Split(s, ",") {
		out = append(out, strings.TrimSpace(p))
	}
	*v.p = out
	return nil
}
