package sq

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"sort"
)

// TraceVersion is the version of the traces this sqsim writes: 2, whose
// first line carries a Manifest and whose entries carry a digest. ReadTrace
// also reads version 1 (a bare header, entries without digest).
const TraceVersion = 2

// Manifest describes the run a trace records: what made it, the world, the
// learner and its options, the random streams, the oracle stack, and the
// build of sqsim that ran it. It is the "manifest" of the trace's first
// line, {"trace":"sqsim","version":2,"manifest":{...}}, and holds what
// `sqsim replay` needs to re-run the learner against the recorded answers.
type Manifest struct {
	// Command is what wrote the trace, e.g. "sqsim learn" or "bench" (the Go
	// API); Args are the command line's arguments after the command, as
	// given (empty when the run came from Go code).
	Command string   `json:"command"`
	Args    []string `json:"args,omitempty"`

	// Config is the command's own configuration (a sweep's spec, a game's
	// d, k, tau, ...), for commands whose run is not one learner on one world.
	Config map[string]any `json:"config,omitempty"`

	// World is the world and its parameters (world.Model.Describe, plus
	// "wstar" when w* was given rather than drawn from the world stream).
	// The learner never sees it.
	World map[string]any `json:"world,omitempty"`
	// Setting is what the learner knew for free: d and the label range.
	Setting ManifestSetting `json:"setting"`

	// Learner is the learner and the options it was built with.
	Learner ManifestLearner `json:"learner"`

	// Seed is the run's seed; Streams names the random streams derived
	// from it (see Stream): "learner" is Session.Rand, "world" drew a
	// random w*, "oracle" is the oracle's noise or sampling (a sample
	// oracle extends its keys per query), "reference" drew the adversary's
	// reference direction.
	Seed    uint64               `json:"seed"`
	Streams map[string]StreamKey `json:"streams,omitempty"`

	// Oracle is the oracle stack.
	Oracle ManifestOracle `json:"oracle"`
	// Tol is the tolerance the learner was given (0: it chose its own).
	Tol float64 `json:"tol"`
	// MinTol is the tolerance floor of the stack (see TolFloor): a query
	// asked at tau < MinTol was answered as if asked at MinTol. 0: no floor.
	MinTol float64 `json:"min_tol"`

	// The build: sqsim's module version ("devel" in a checkout), the Go
	// version, and the VCS revision, or a sentence saying why it is not
	// known.
	Sqsim       string `json:"sqsim"`
	Go          string `json:"go"`
	VCSRevision string `json:"vcs_revision"`
	VCSTime     string `json:"vcs_time,omitempty"`
	VCSModified *bool  `json:"vcs_modified,omitempty"`
}

// ManifestSetting is the Setting of a manifest. The label range is written
// as Floats, so an infinite end (labels with Gaussian noise) survives JSON.
type ManifestSetting struct {
	D          int    `json:"d"`
	LabelRange Floats `json:"label_range"` // [LabelMin, LabelMax]
}

// ManifestLearner is the learner of a manifest.
type ManifestLearner struct {
	Name string `json:"name"` // the registered name (learners.New), or the learner's Name
	// Registered: Name is a registered learner and Options are what it was
	// built with, so it can be rebuilt; false for a learner the caller
	// supplied (bench.Config.Use).
	Registered bool              `json:"registered"`
	Options    map[string]string `json:"options,omitempty"`
}

// ManifestOracle is the oracle stack of a manifest.
type ManifestOracle struct {
	Stack  string  `json:"stack"`            // the stack's Name, e.g. "ledger(budget(noise(uniform)))"
	Base   string  `json:"base,omitempty"`   // the answering oracle: exact, sample, noise, adversarial
	Noise  string  `json:"noise,omitempty"`  // noise oracle: uniform or gaussian
	Delta  float64 `json:"delta,omitempty"`  // sample oracle: failure probability of each answer
	Budget *Budget `json:"budget,omitempty"` // the budget, when the stack has one
}

// StreamKey names a random stream: Stream(Seed, Keys...).
type StreamKey struct {
	Seed uint64   `json:"seed"`
	Keys []uint64 `json:"keys"`
}

// Rand returns the stream Stream(k.Seed, k.Keys...).
func (k StreamKey) Rand() *rand.Rand { return Stream(k.Seed, k.Keys...) }

// NewManifest returns a manifest of the command with the build fields
// filled in (see StampBuild).
func NewManifest(command string, args ...string) Manifest {
	m := Manifest{Command: command, Args: append([]string(nil), args...)}
	m.StampBuild()
	return m
}

// SettingValue returns the manifest's setting as an sq.Setting, validated.
func (m *Manifest) SettingValue() (Setting, error) {
	if len(m.Setting.LabelRange) != 2 {
		return Setting{}, fmt.Errorf("%w: manifest label range has %d values, want 2", ErrSetting, len(m.Setting.LabelRange))
	}
	s := Setting{D: m.Setting.D, LabelMin: m.Setting.LabelRange[0], LabelMax: m.Setting.LabelRange[1]}
	return s, s.Validate()
}

// SetSetting records s as the manifest's setting.
func (m *Manifest) SetSetting(s Setting) {
	m.Setting = ManifestSetting{D: s.D, LabelRange: Floats{s.LabelMin, s.LabelMax}}
}

// unknownVCS is the VCS revision of a binary built without VCS stamping.
const unknownVCS = "unknown (built without VCS stamping, e.g. go run or go test)"

// StampBuild fills the build fields from runtime/debug.ReadBuildInfo: the
// sqsim module version ("devel" for a checkout), the Go version, and the VCS
// revision, time and modified flag when the binary was built from a
// checkout with VCS stamping. Under `go run` and `go test` there is no VCS
// information; VCSRevision then says so.
func (m *Manifest) StampBuild() {
	m.Go = runtime.Version()
	m.Sqsim = "devel"
	m.VCSRevision = unknownVCS
	m.VCSTime, m.VCSModified = "", nil
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		m.VCSRevision = "unknown (no build information in the binary)"
		return
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		m.Sqsim = v
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			m.VCSRevision = s.Value
		case "vcs.time":
			m.VCSTime = s.Value
		case "vcs.modified":
			mod := s.Value == "true"
			m.VCSModified = &mod
		}
	}
}

// jsonSafe returns a copy of m's World whose non-finite floats are the
// strings "NaN", "+Inf", "-Inf" (as Floats writes them), so that the
// manifest always encodes.
func (m Manifest) jsonSafe() Manifest {
	if m.World == nil {
		return m
	}
	w := make(map[string]any, len(m.World))
	keys := make([]string, 0, len(m.World))
	for k := range m.World {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		w[k] = safeValue(m.World[k])
	}
	m.World = w
	return m
}

func safeValue(v any) any {
	switch x := v.(type) {
	case float64:
		switch {
		case math.IsNaN(x):
			return "NaN"
		case math.IsInf(x, 1):
			return "+Inf"
		case math.IsInf(x, -1):
			return "-Inf"
		}
	case float32:
		return safeValue(float64(x))
	case []float64:
		return Floats(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = safeValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = safeValue(e)
		}
		return out
	}
	return v
}
