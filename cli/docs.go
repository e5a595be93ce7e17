package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

func init() {
	register(&command{name: "docs", summary: "check (or --update) the command outputs the docs quote in sqsim:begin blocks", run: runDocs})
}

// A docs page quotes a command's output between two comments:
//
//	<!-- sqsim:begin [OPTIONS --] ARGS -->
//	```
//	(the output of `sqsim ARGS`, verbatim)
//	```
//	<!-- sqsim:end -->
//
// The command runs in-process (the same run function as the binary), so the
// block is exactly what `go run ./cmd/sqsim ARGS` prints. OPTIONS, before a
// bare "--":
//
//	slow      the command takes more than a few seconds: the docs test skips
//	          it under -short (the page says how long it takes)
//	long      the command takes a minute or more: the docs test runs it only
//	          with its flag -docs.long (go test ./cli -run TestDocs
//	          -docs.long -timeout 60m), so that go test ./... stays within its
//	          default timeout
//	prompt    the block starts with the line "$ sqsim ARGS"
//	grep=RE   keep only the output lines matching the regular expression RE
//	          (no spaces; write \s)
//	json=KEY  the body is the value of KEY in the last JSON line of the
//	          output, inline (no fence, no newline): a number quoted in prose
//	gen=NAME  the body is the markdown table made by the generator NAME from
//	          ARGS (docGenerators: each runs sqsim commands with --json)
//
// `sqsim docs FILE...` checks every block; `--update` rewrites the stale
// ones. `go test ./cli -run TestDocs` checks the docs of the
// repository (the slow blocks only without -short, the long ones only with
// -docs.long).
const (
	docBeginTag = "<!-- sqsim:begin "
	docEndTag   = "<!-- sqsim:end -->"
)

// docBlock is one quoted output of a page.
type docBlock struct {
	Line        int    // line of the begin comment (1-based)
	Marker      string // the text inside the begin comment
	Begin, End  int    // byte offsets of the body
	Slow, Long  bool
	Prompt      bool
	Grep        *regexp.Regexp
	JSON, Gen   string
	Args        []string
	commandLine string
}

// parseDocBlocks returns the blocks of doc, in order. A malformed block (no
// end, a begin inside a block, an unknown option or generator) is an error
// naming its line.
func parseDocBlocks(doc string) ([]docBlock, error) {
	var out []docBlock
	for off := 0; ; {
		i := strings.Index(doc[off:], docBeginTag)
		if i < 0 {
			return out, nil
		}
		i += off
		line := 1 + strings.Count(doc[:i], "\n")
		j := strings.Index(doc[i:], "-->")
		if j < 0 {
			return nil, fmt.Errorf("line %d: unterminated sqsim:begin comment", line)
		}
		inner := strings.TrimSpace(doc[i+len(docBeginTag) : i+j])
		b := docBlock{Line: line, Marker: inner, Begin: i + j + len("-->")}
		k := strings.Index(doc[b.Begin:], docEndTag)
		if k < 0 {
			return nil, fmt.Errorf("line %d: sqsim:begin %q has no %s", line, inner, docEndTag)
		}
		b.End = b.Begin + k
		if n := strings.Index(doc[b.Begin:b.End], docBeginTag); n >= 0 {
			return nil, fmt.Errorf("line %d: sqsim:begin %q: another begin before its end (line %d)", line, inner, line+strings.Count(doc[i:b.Begin+n], "\n"))
		}
		if err := b.parseMarker(); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, b)
		off = b.End + len(docEndTag)
	}
}

func (b *docBlock) parseMarker() error {
	f := strings.Fields(b.Marker)
	args := f
	for i, s := range f {
		if s == "--" {
			args = f[i+1:]
			for _, o := range f[:i] {
				key, val, _ := strings.Cut(o, "=")
				switch {
				case o == "slow":
					b.Slow = true
				case o == "long":
					b.Long = true
				case o == "prompt":
					b.Prompt = true
				case key == "grep" && val != "":
					re, err := regexp.Compile(val)
					if err != nil {
						return fmt.Errorf("grep=%s: %v", val, err)
					}
					b.Grep = re
				case key == "json" && val != "":
					b.JSON = val
				case key == "gen" && val != "":
					if _, ok := docGenerators[val]; !ok {
						return fmt.Errorf("gen=%s: unknown generator (known: %s)", val, strings.Join(docGeneratorNames(), ", "))
					}
					b.Gen = val
				default:
					return fmt.Errorf("option %q, want slow, long, prompt, grep=RE, json=KEY or gen=NAME", o)
				}
			}
			break
		}
	}
	if len(args) == 0 {
		return fmt.Errorf("sqsim:begin %q names no command", b.Marker)
	}
	b.Args = args
	b.commandLine = strings.Join(args, " ")
	return nil
}

// docRun runs `sqsim args` in-process and returns its stdout; a non-zero
// exit status is an error with its stderr. The outputs are deterministic,
// so each command line runs once per process (docRunCache).
func docRun(args ...string) (string, error) {
	key := strings.Join(args, "\x00")
	if out, ok := docRunCache[key]; ok {
		return out, nil
	}
	var out, errb bytes.Buffer
	if code := Main(args, &out, &errb); code != 0 {
		return "", fmt.Errorf("sqsim %s: exit status %d: %s", strings.Join(args, " "), code, strings.TrimSpace(errb.String()))
	}
	docRunCache[key] = out.String()
	return out.String(), nil
}

var docRunCache = map[string]string{}

// docJSON runs `sqsim args` (which must print JSON) and returns its last
// JSON line, numbers kept as written.
func docJSON(args ...string) (map[string]any, error) {
	out, err := docRun(args...)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], "{") {
			dec := json.NewDecoder(strings.NewReader(lines[i]))
			dec.UseNumber()
			var m map[string]any
			if err := dec.Decode(&m); err != nil {
				return nil, fmt.Errorf("sqsim %s: %v", strings.Join(args, " "), err)
			}
			return m, nil
		}
	}
	return nil, fmt.Errorf("sqsim %s printed no JSON line", strings.Join(args, " "))
}

// render returns the body the block must have.
func (b *docBlock) render() (string, error) {
	switch {
	case b.Gen != "":
		return docGenerators[b.Gen](b.Args)
	case b.JSON != "":
		m, err := docJSON(b.Args...)
		if err != nil {
			return "", err
		}
		v, ok := m[b.JSON]
		if !ok {
			return "", fmt.Errorf("sqsim %s: no key %q in its JSON", b.commandLine, b.JSON)
		}
		return fmt.Sprint(v), nil
	}
	out, err := docRun(b.Args...)
	if err != nil {
		return "", err
	}
	if b.Grep != nil {
		var keep []string
		for _, l := range strings.SplitAfter(out, "\n") {
			if l != "" && b.Grep.MatchString(strings.TrimSuffix(l, "\n")) {
				keep = append(keep, l)
			}
		}
		out = strings.Join(keep, "")
	}
	if out != "" && !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	if b.Prompt {
		out = "$ sqsim " + b.commandLine + "\n" + out
	}
	return "\n```\n" + out + "```\n", nil
}

// docFileResult is what checking one page found.
type docFileResult struct {
	Blocks, Skipped int
	Stale           []docBlock // blocks whose body differs from the command's output
	Updated         string     // the page with every stale block replaced
}

// checkDocFile checks (and computes the update of) every block of the page
// doc; with skipSlow the slow and long blocks, with skipLong the long ones,
// are left as they are. progress, if non-nil, gets one line per block run.
func checkDocFile(doc string, skipSlow, skipLong bool, progress io.Writer) (docFileResult, error) {
	blocks, err := parseDocBlocks(doc)
	if err != nil {
		return docFileResult{}, err
	}
	res := docFileResult{Blocks: len(blocks)}
	var sb strings.Builder
	last := 0
	for _, b := range blocks {
		if (b.Slow || b.Long) && skipSlow || b.Long && skipLong {
			res.Skipped++
			continue
		}
		if progress != nil {
			fmt.Fprintf(progress, "sqsim docs: line %d: %s\n", b.Line, b.Marker)
		}
		want, err := b.render()
		if err != nil {
			return docFileResult{}, fmt.Errorf("line %d: %w", b.Line, err)
		}
		if doc[b.Begin:b.End] != want {
			res.Stale = append(res.Stale, b)
			sb.WriteString(doc[last:b.Begin])
			sb.WriteString(want)
			last = b.End
		}
	}
	sb.WriteString(doc[last:])
	res.Updated = sb.String()
	return res, nil
}

// writeBytesAtomic writes data to path atomically (see writeFileAtomic).
func writeBytesAtomic(path string, data []byte) error {
	return writeFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

func runDocs(args []string, stdout, stderr io.Writer) error {
	f := newFlags("docs", "[--update] [--skip-slow] [--skip-long] FILE...", stdout)
	update := f.Bool("update", false, "rewrite the stale blocks in place (temporary file and rename)")
	skipSlow := f.Bool("skip-slow", false, "leave the blocks marked slow or long unchecked")
	skipLong := f.Bool("skip-long", false, "leave the blocks marked long (minutes) unchecked")
	quiet := f.Bool("quiet", false, "no progress lines on stderr")
	if err := f.FlagSet.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, "usage: sqsim docs %s\n\nflags:\n", f.usage)
			f.SetOutput(stdout)
			f.PrintDefaults()
			printExamples(f.stdout, f.Name())
			return flag.ErrHelp
		}
		return usagef("docs: %v", err)
	}
	files := f.Args()
	if len(files) == 0 {
		return usagef("docs: no FILE given (e.g. docs/hardness.md)")
	}
	docs := make([]string, len(files))
	for i, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			return usagef("docs: %v", err)
		}
		if _, err := parseDocBlocks(string(b)); err != nil {
			return usagef("docs: %s: %v", p, err)
		}
		docs[i] = string(b)
	}
	var progress io.Writer
	if !*quiet {
		progress = stderr
	}
	stale := 0
	for i, p := range files {
		res, err := checkDocFile(docs[i], *skipSlow, *skipLong, progress)
		if err != nil {
			return fmt.Errorf("docs: %s: %w", p, err)
		}
		stale += len(res.Stale)
		for _, b := range res.Stale {
			verb := "stale"
			if *update {
				verb = "updated"
			}
			fmt.Fprintf(stdout, "%s:%d: %s: %s\n", p, b.Line, verb, b.Marker)
		}
		if *update && len(res.Stale) > 0 {
			if err := writeBytesAtomic(p, []byte(res.Updated)); err != nil {
				return fmt.Errorf("docs: %w", err)
			}
		}
		fmt.Fprintf(stdout, "%s: %d blocks, %d stale, %d skipped\n", p, res.Blocks, len(res.Stale), res.Skipped)
	}
	if stale > 0 && !*update {
		return fmt.Errorf("docs: %d stale blocks; regenerate with `go run ./cmd/sqsim docs --update %s`", stale, strings.Join(files, " "))
	}
	return nil
}

// docGenerators make the tables a page builds from several runs.
var docGenerators = map[string]func(args []string) (string, error){
	"landscape": genLandscape,
	"gaps":      genGaps,
	"gdgame":    genGDGame,
}

func docGeneratorNames() []string {
	var n []string
	for k := range docGenerators {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// genArgs parses generator arguments KEY=V1,V2,...
func genArgs(args []string, keys ...string) (map[string][]string, error) {
	m := map[string][]string{}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok || v == "" {
			return nil, fmt.Errorf("generator argument %q, want KEY=V1,V2 (a comma-separated list)", a)
		}
		m[k] = strings.Split(v, ",")
	}
	for _, k := range keys {
		if len(m[k]) == 0 {
			return nil, fmt.Errorf("generator needs the argument %s=V1,V2", k)
		}
	}
	return m, nil
}

func jsonFloat(m map[string]any, key string) (float64, error) {
	n, ok := m[key].(json.Number)
	if !ok {
		return 0, fmt.Errorf("JSON key %q is %v, want a number", key, m[key])
	}
	return strconv.ParseFloat(n.String(), 64)
}

// genLandscape: the table of kappa_k, opt_S, Delta_k, r*, M_k at eta = 0,
// one row per k, from `sqsim hardness info --d D --k K --json`.
func genLandscape(args []string) (string, error) {
	a, err := genArgs(args, "d", "k")
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	sb.WriteString("\n| k | kappa_k | opt_S (eta = 0) | Delta_k (eta = 0) | r* | M_k |\n|---|---|---|---|---|---|\n")
	for _, k := range a["k"] {
		m, err := docJSON("hardness", "info", "--d", a["d"][0], "--k", k, "--json")
		if err != nil {
			return "", err
		}
		var v [4]float64
		for i, key := range []string{"kappa", "optS", "gap", "r_star"} {
			if v[i], err = jsonFloat(m, key); err != nil {
				return "", err
			}
		}
		mk := fmt.Sprint(m["Mk"])
		if c, _ := m["Mk_certain"].(bool); !c {
			mk += " (floor uncertain by 1)"
		}
		fmt.Fprintf(&sb, "| %s | %s | %.12f | %.7e | %.6f | %s |\n", k, strconv.FormatFloat(v[0], 'g', 16, 64), v[1], v[2], v[3], mk)
	}
	return sb.String(), nil
}

// genGaps: Delta_k at the given etas, one row per k.
func genGaps(args []string) (string, error) {
	a, err := genArgs(args, "d", "k", "eta")
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	sb.WriteString("\n| k |")
	for _, e := range a["eta"] {
		fmt.Fprintf(&sb, " Delta_k (eta = %s) |", e)
	}
	sb.WriteString("\n|---|" + strings.Repeat("---|", len(a["eta"])) + "\n")
	for _, k := range a["k"] {
		fmt.Fprintf(&sb, "| %s |", k)
		for _, e := range a["eta"] {
			m, err := docJSON("hardness", "info", "--d", a["d"][0], "--k", k, "--eta", e, "--json")
			if err != nil {
				return "", err
			}
			g, err := jsonFloat(m, "gap")
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&sb, " %.7e |", g)
		}
		sb.WriteString("\n")
	}
	return sb.String(), nil
}

// genGDGame: gd against the adversary, one row per (k, d), one column per
// tau: "identifies" or "fails (survivors)", from `sqsim hardness game --d D
// --k K --tau T --learner gd --seed S --json`.
func genGDGame(args []string) (string, error) {
	a, err := genArgs(args, "k", "d", "tau", "seed")
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	sb.WriteString("\n| k | d |")
	for i, t := range a["tau"] {
		if i == 0 {
			fmt.Fprintf(&sb, " tau = %s |", t)
		} else {
			fmt.Fprintf(&sb, " %s |", t)
		}
	}
	sb.WriteString("\n|---|---|" + strings.Repeat("---|", len(a["tau"])) + "\n")
	for _, k := range a["k"] {
		for _, d := range a["d"] {
			fmt.Fprintf(&sb, "| %s | %s |", k, d)
			for _, t := range a["tau"] {
				m, err := docJSON("hardness", "game", "--d", d, "--k", k, "--tau", t, "--learner", "gd", "--seed", a["seed"][0], "--json")
				if err != nil {
					return "", err
				}
				if id, _ := m["identified"].(bool); id {
					sb.WriteString(" identifies |")
				} else {
					kind := ""
					if s := fmt.Sprint(m["survivors_kind"]); s != "exact" {
						kind = ", " + s
					}
					fmt.Fprintf(&sb, " fails (%v%s) |", m["survivors"], kind)
				}
			}
			sb.WriteString("\n")
		}
	}
	return sb.String(), nil
}
