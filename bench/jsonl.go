package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/sqsim/sqsim/sq"
)

// CommandManifest describes the run behind a command's output: the command
// and its arguments, its own configuration, the seed, and the build of
// sqsim that ran it. Every JSON output of sqsim carries one with these keys:
// a command that prints one result under the key "manifest" of its object,
// a command that streams records (and a records file) as the first line
// {"manifest": {...}} (see JSONL). A trace's first line carries the richer
// sq.Manifest, which replay needs.
type CommandManifest struct {
	// Command is the command, e.g. "learn" or "hardness game"; Args are its
	// arguments as given (empty from Go code).
	Command string   `json:"command"`
	Args    []string `json:"args"`
	// Config is the command's configuration, with its defaults filled in.
	Config map[string]any `json:"config"`
	// Seed is the run's seed; null for a command without randomness.
	Seed *uint64 `json:"seed"`

	// The build: sqsim's module version ("devel" in a checkout or under a
	// replace directive), the Go version, and the VCS revision, or a
	// sentence saying why it is not known (go run, go test). VCSModified is
	// absent when the revision is not known. MainModule is the main module's
	// path when it is not sqsim (a researcher's own main calling cli.Main):
	// the VCS fields are then that module's.
	Sqsim       string `json:"sqsim"`
	Go          string `json:"go"`
	VCSRevision string `json:"vcs_revision"`
	VCSTime     string `json:"vcs_time,omitempty"`
	VCSModified *bool  `json:"vcs_modified,omitempty"`
	MainModule  string `json:"main_module,omitempty"`
}

// NewCommandManifest returns the manifest of command run with args and the
// configuration config, the build fields filled in. Give the seed with
// WithSeed.
func NewCommandManifest(command string, args []string, config map[string]any) CommandManifest {
	b := sq.NewManifest(command)
	if config == nil {
		config = map[string]any{}
	}
	return CommandManifest{
		Command: command, Args: append([]string{}, args...), Config: config,
		Sqsim: SqsimVersion(), Go: b.Go, VCSRevision: b.VCSRevision, VCSTime: b.VCSTime, VCSModified: b.VCSModified,
		MainModule: MainModule(),
	}
}

// WithSeed returns m with the seed set.
func (m CommandManifest) WithSeed(seed uint64) CommandManifest {
	m.Seed = &seed
	return m
}

// ModulePath is sqsim's module path.
const ModulePath = "github.com/sqsim/sqsim"

// SqsimVersion is sqsim's module version in this binary: the main module's
// when the binary is sqsim's own, else the version of the sqsim dependency;
// "devel" when it is a checkout, is replaced by a directory or is not
// stamped.
func SqsimVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	v := bi.Main.Version
	if bi.Main.Path != ModulePath && bi.Main.Path != "" {
		v = ""
		for _, d := range bi.Deps {
			if d.Path != ModulePath {
				continue
			}
			v = d.Version
			if d.Replace != nil {
				v = d.Replace.Version // "" for a directory
			}
		}
	}
	if v == "" || v == "(devel)" {
		return "devel"
	}
	return v
}

// MainModule is the main module's path when it is not sqsim (the VCS
// revision of the build is then that module's), else "".
func MainModule() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Path != ModulePath {
		return bi.Main.Path
	}
	return ""
}

// ManifestLine is the first line of sqsim's JSON Lines: {"manifest": {...}}.
type ManifestLine struct {
	Manifest CommandManifest `json:"manifest"`
}

// JSONL writes JSON Lines whose first line carries the manifest: the
// output of a command that streams records, and records files. After the
// first error every write fails with it.
type JSONL struct {
	w   io.Writer
	err error
	n   int // lines written
}

// NewJSONL writes the first line, {"manifest": m}, to w and returns the
// writer of the records that follow.
func NewJSONL(w io.Writer, m CommandManifest) (*JSONL, error) {
	return NewJSONLHeader(w, ManifestLine{Manifest: m})
}

// NewJSONLHeader is NewJSONL with the first line given whole: a value whose
// JSON object has the key "manifest" (a ManifestLine, or a struct that
// embeds one and adds keys an older format had on its first line).
func NewJSONLHeader(w io.Writer, header any) (*JSONL, error) {
	j := &JSONL{w: w}
	return j, j.Write(header)
}

// Write writes v as one line of JSON.
func (j *JSONL) Write(v any) error {
	if j.err != nil {
		return j.err
	}
	b, err := json.Marshal(v)
	if err != nil {
		j.err = fmt.Errorf("bench: JSON line %d: %w", j.n+1, err)
		return j.err
	}
	b = append(b, '\n')
	if _, err := j.w.Write(b); err != nil {
		j.err = err
		return err
	}
	j.n++
	return nil
}

// Err is the first error of a write, or nil.
func (j *JSONL) Err() error { return j.err }
