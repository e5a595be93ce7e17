package sweep

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/sq"
)

// Merged is a results directory merged: one record per key, sorted by key,
// and the summary over seeds of every cell group.
type Merged struct {
	Manifest   bench.CommandManifest
	Records    []Record // sorted by key; a done record wins over a failed one
	Summary    []Group  // sorted by group key
	Files      int      // shard files read
	Duplicates int      // records dropped because their key was recorded already (and agreed)
	Cells      int      // cells of the spec
}

// Merge reads every shard file of dir, checks that they record one spec,
// keeps one record per key (a done record over a failed one; two done
// records of one key must agree on everything but wall_ns, or Merge fails),
// sorts them by key and summarizes them (see Group). command and args go
// into the merged manifest.
func Merge(dir, command string, args []string) (*Merged, error) {
	files, err := ShardFiles(dir)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: %s holds no shard file (shard-I-of-N.jsonl); run `sqsim sweep run SPEC --out %s` first", ErrDir, dir, dir)
	}
	m := &Merged{}
	byKey := map[string]int{}
	var hash string
	var first *bench.CommandManifest
	for _, p := range files {
		man, err := scanFile(p, func(r Record) error {
			j, seen := byKey[r.Key]
			if !seen {
				byKey[r.Key] = len(m.Records)
				m.Records = append(m.Records, r)
				return nil
			}
			old := &m.Records[j]
			m.Duplicates++
			switch {
			case old.Done() && r.Done():
				if !agree(*old, r) {
					a, _ := json.Marshal(stripTiming(*old))
					b, _ := json.Marshal(stripTiming(r))
					return fmt.Errorf("%w: cell %s is recorded twice with different results:\n%s\n%s", ErrDir, r.Key, a, b)
				}
			case r.Done(), !old.Done():
				*old = r // done wins; of two failures the later
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		h := specHash(man)
		if first == nil {
			first, hash = man, h
		} else if h != hash {
			return nil, fmt.Errorf("%w: %s records another spec than %s (spec hash %.12s, not %.12s)", ErrDir, p, files[0], h, hash)
		}
		m.Files++
	}
	sort.Slice(m.Records, func(i, j int) bool { return m.Records[i].Key < m.Records[j].Key })
	m.Manifest = bench.NewCommandManifest(command, args, nil)
	m.Manifest.Config = map[string]any{}
	for _, k := range []string{"spec", "spec_toml", "spec_hash", "cells"} {
		if v, ok := first.Config[k]; ok {
			m.Manifest.Config[k] = v
		}
	}
	if c, ok := first.Config["cells"].(float64); ok {
		m.Cells = int(c)
	}
	var metrics []string // the spec's metrics, from the manifest's parsed spec (no re-check of its cells)
	if sp, ok := first.Config["spec"].(map[string]any); ok {
		if ms, ok := sp["metrics"].([]any); ok {
			for _, x := range ms {
				if name, ok := x.(string); ok {
					metrics = append(metrics, name)
				}
			}
		}
	}
	m.Summary = summarize(m.Records, metrics)
	return m, nil
}

func stripTiming(r Record) Record { r.WallNS = 0; return r }

func agree(a, b Record) bool {
	x, _ := json.Marshal(stripTiming(a))
	y, _ := json.Marshal(stripTiming(b))
	return bytes.Equal(x, y)
}

// WriteResults writes the manifest line and the records, one per line.
func (m *Merged) WriteResults(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(manifestLine{Manifest: &m.Manifest}); err != nil {
		return err
	}
	for i := range m.Records {
		if err := enc.Encode(&m.Records[i]); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// Group is the summary of the cells that differ only in their seed: the
// count of records, done and failed, then for each metric of the done
// records the mean, the sample standard deviation and the 95% Student t
// interval of the mean (mean +- t_{0.975, n-1} sd/sqrt(n); NaN with one
// record); for games the success rate (identified) with its 95% Wilson
// score interval.
type Group struct {
	Key     string
	Params  Record // the first record's parameters (metrics not meaningful)
	N       int
	Done    int
	Failed  int
	Metrics []MetricSummary
	// games
	Identified                  int
	SuccessRate, SuccLo, SuccHi float64
}

// MetricSummary is one metric of a Group.
type MetricSummary struct {
	Name                 string
	N                    int // finite values
	Mean, SD, CILo, CIHi float64
}

var learnMetrics = []string{"loss", "opt", "ratio", "angle", "queries", "scalar_queries", "rounds", "cost", "stop_queries", "stop_cost", "wall_ns"}
var gameMetrics = []string{"loss", "opt", "queries", "scalar_queries", "wall_ns"}

func metric(r *Record, name string) float64 {
	switch name {
	case "loss":
		return float64(r.Loss)
	case "opt":
		return float64(r.Opt)
	case "ratio":
		return float64(r.Ratio)
	case "angle":
		return float64(r.Angle)
	case "queries":
		return float64(r.Queries)
	case "scalar_queries":
		return float64(r.ScalarQueries)
	case "rounds":
		return float64(r.Rounds)
	case "cost":
		return float64(r.Cost)
	case "stop_queries":
		if !r.Reached {
			return math.NaN()
		}
		return float64(r.StopQueries)
	case "stop_cost":
		if !r.Reached {
			return math.NaN()
		}
		return float64(r.StopCost)
	case "wall_ns":
		return float64(r.WallNS)
	}
	return math.NaN()
}

// summarize groups recs over seeds; only (nil: all the) metrics are summarized.
func summarize(recs []Record, only []string) []Group {
	idx := map[string]int{}
	var groups []Group
	var members [][]int
	for i := range recs {
		g := groupKey(recs[i].Key)
		j, ok := idx[g]
		if !ok {
			j = len(groups)
			idx[g] = j
			p := recs[i]
			groups = append(groups, Group{Key: g, Params: p})
			members = append(members, nil)
		}
		members[j] = append(members[j], i)
	}
	for j := range groups {
		g := &groups[j]
		names := learnMetrics
		if g.Params.Kind == "game" {
			names = gameMetrics
		}
		if only != nil {
			var keep []string
			for _, n := range names {
				if slices.Contains(only, n) {
					keep = append(keep, n)
				}
			}
			names = keep
		}
		var done []*Record
		for _, i := range members[j] {
			g.N++
			if recs[i].Done() {
				g.Done++
				done = append(done, &recs[i])
				if recs[i].Identified {
					g.Identified++
				}
			} else {
				g.Failed++
			}
		}
		xs := make([]float64, len(done))
		for _, name := range names {
			for i, r := range done {
				xs[i] = metric(r, name)
			}
			n, mean, sd, lo, hi := meanCI(xs)
			g.Metrics = append(g.Metrics, MetricSummary{Name: name, N: n, Mean: mean, SD: sd, CILo: lo, CIHi: hi})
		}
		g.SuccessRate, g.SuccLo, g.SuccHi = math.NaN(), math.NaN(), math.NaN()
		if g.Params.Kind == "game" {
			g.SuccessRate, g.SuccLo, g.SuccHi = wilson(g.Identified, g.Done)
		}
	}
	sort.Slice(groups, func(a, b int) bool { return groups[a].Key < groups[b].Key })
	return groups
}

// columns returns the summary's column names and the row values of g.
func (g *Group) columns() ([]string, []any) {
	p := g.Params
	cols := []string{"group", "kind", "learner", "options", "world", "world_options", "d", "oracle", "tol", "eps", "k", "eta", "tau", "mode",
		"n", "done", "failed", "confidence"}
	vals := []any{g.Key, p.Kind, p.Learner, p.Options, p.World, p.WorldOp, p.D, p.Oracle, float64(p.Tol), float64(p.Eps), p.K, float64(p.Eta), float64(p.Tau), p.Mode,
		g.N, g.Done, g.Failed, Confidence}
	for _, ms := range g.Metrics {
		cols = append(cols, ms.Name+"_n", ms.Name+"_mean", ms.Name+"_sd", ms.Name+"_ci_lo", ms.Name+"_ci_hi")
		vals = append(vals, ms.N, ms.Mean, ms.SD, ms.CILo, ms.CIHi)
	}
	cols = append(cols, "identified", "success_rate", "success_ci_lo", "success_ci_hi")
	vals = append(vals, g.Identified, g.SuccessRate, g.SuccLo, g.SuccHi)
	return cols, vals
}

func appendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case float64:
		return sq.AppendFloat(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case string:
		s, _ := json.Marshal(x)
		return append(b, s...)
	}
	s, _ := json.Marshal(v)
	return append(b, s...)
}

// WriteSummaryJSONL writes one JSON object per group, keys in a fixed
// order (the columns of the CSV).
func (m *Merged) WriteSummaryJSONL(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var b []byte
	for i := range m.Summary {
		cols, vals := m.Summary[i].columns()
		b = append(b[:0], '{')
		for j, c := range cols {
			if j > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendQuote(b, c)
			b = append(b, ':')
			b = appendValue(b, vals[j])
		}
		b = append(b, '}', '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteSummaryCSV writes the summary as CSV with a header line; NaN is
// written as NaN.
func (m *Merged) WriteSummaryCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	for i := range m.Summary {
		cols, vals := m.Summary[i].columns()
		if i == 0 {
			if err := cw.Write(cols); err != nil {
				return err
			}
		}
		row := make([]string, len(vals))
		for j, v := range vals {
			switch x := v.(type) {
			case float64:
				row[j] = strconv.FormatFloat(x, 'g', -1, 64)
			case string:
				row[j] = x
			default:
				row[j] = fmt.Sprint(x)
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Status is what a results directory holds against its spec.
type Status struct {
	Cells  int
	Shards []ShardStatus
	Done   int
	Failed int
	// Missing counts the spec's cells with no record at all.
	Missing int
	// Errors maps failed cells (not done anywhere) to their last error.
	Errors map[string]string
}

// ShardStatus is one shard file's counts.
type ShardStatus struct {
	File                  string
	Shard, Shards         int
	Cells                 int // the cells the plan gives this shard
	Done, Failed, Missing int
}

// DirStatus reads dir's shard files and compares them with the plan of
// the spec their manifest records.
func DirStatus(dir string) (*Status, error) {
	files, err := ShardFiles(dir)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: %s holds no shard file (shard-I-of-N.jsonl)", ErrDir, dir)
	}
	st := &Status{Errors: map[string]string{}}
	done := map[string]bool{}
	failed := map[string]string{}
	var spec *Spec
	type fileRecs struct {
		done, failed map[string]bool
		shard, n     int
	}
	var per []fileRecs
	for _, p := range files {
		fr := fileRecs{done: map[string]bool{}, failed: map[string]bool{}}
		man, err := scanFile(p, func(r Record) error {
			if r.Done() {
				fr.done[r.Key], done[r.Key] = true, true
			} else {
				fr.failed[r.Key] = true
				failed[r.Key] = r.Error
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if spec == nil {
			text, _ := man.Config["spec_toml"].(string)
			if spec, err = ParseSpec(text); err != nil {
				return nil, fmt.Errorf("%w: %s: the spec in its manifest: %v", ErrDir, p, err)
			}
		} else if specHash(man) != spec.Hash() {
			return nil, fmt.Errorf("%w: %s records another spec than %s", ErrDir, p, files[0])
		}
		fmt.Sscanf(fmt.Sprint(man.Config["shard"]), "%d", &fr.shard)
		fmt.Sscanf(fmt.Sprint(man.Config["shards"]), "%d", &fr.n)
		per = append(per, fr)
	}
	plan := spec.Plan()
	st.Cells = len(plan)
	for _, c := range plan {
		switch {
		case done[c.Key]:
			st.Done++
		case failed[c.Key] != "" || hasKey(failed, c.Key):
			st.Failed++
			st.Errors[c.Key] = failed[c.Key]
		default:
			st.Missing++
		}
	}
	for i, fr := range per {
		ss := ShardStatus{File: files[i], Shard: fr.shard, Shards: fr.n}
		if fr.n >= 1 {
			for _, c := range Shard(plan, fr.shard, fr.n) {
				ss.Cells++
				switch {
				case fr.done[c.Key]:
					ss.Done++
				case fr.failed[c.Key]:
					ss.Failed++
				default:
					ss.Missing++
				}
			}
		}
		st.Shards = append(st.Shards, ss)
	}
	return st, nil
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }
