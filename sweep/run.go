package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sqsim/sqsim/bench"
)

// ErrMaxFails is returned when a sweep stops after RunOptions.MaxFails
// failed cells.
var ErrMaxFails = errors.New("sweep: too many failed cells")

// SyncPolicy is the fsync policy of shard files, as the manifest states it.
const SyncPolicy = "each record is appended with one write(2) as its cell finishes (a killed process loses no finished record; a cut-short last line is ignored and redone on resume); the file is fsynced at most once a second and at the end (a machine crash loses at most the last second's records, which resume redoes)"

// RunOptions configures Run.
type RunOptions struct {
	Dir         string // results directory (created if missing)
	Workers     int    // cells run at once (0: GOMAXPROCS)
	Shard       int    // this shard, 0 <= Shard < Shards
	Shards      int    // number of shards (0: 1)
	RetryFailed bool   // rerun cells recorded as failed (missing cells are always run)
	MaxFails    int    // stop after this many failed cells in this run (0: no limit)
	Progress    io.Writer
	Command     string   // for the manifest (default "sqsim sweep run")
	Args        []string // the command line's arguments, for the manifest
	// SyncEvery is the longest time between two fsyncs of the shard file
	// (0: 1 s; negative: fsync after every record).
	SyncEvery time.Duration
}

// RunStats counts what Run did.
type RunStats struct {
	Cells   int // the shard's cells
	Skipped int // already done (or failed, without RetryFailed)
	Done    int // run now and done
	Failed  int // run now and failed
	File    string
}

// Manifest returns the manifest line's manifest of a run of s: the
// command, its arguments, and Config holding the spec (parsed and as
// text), its hash, the shard and the fsync policy.
func (s *Spec) Manifest(command string, args []string, shard, shards int) bench.CommandManifest {
	m := bench.NewCommandManifest(command, args, nil)
	var parsed map[string]any
	if b, err := json.Marshal(s); err == nil {
		_ = json.Unmarshal(b, &parsed)
	}
	m.Config = map[string]any{"spec": parsed, "spec_toml": s.Source, "spec_hash": s.Hash(), "cells": len(s.Plan()),
		"shard": shard, "shards": shards, "fsync": SyncPolicy}
	return m
}

// Run runs the cells of one shard of s that DIR does not hold yet, on
// Workers goroutines, appending one record per cell to DIR's shard file.
// A failed cell is recorded and the sweep goes on; after MaxFails failures
// Run stops (in-flight cells are recorded) and returns ErrMaxFails. A
// cancelled ctx stops it the same way and returns ctx's error.
func Run(ctx context.Context, s *Spec, o RunOptions) (RunStats, error) {
	if err := o.fill(); err != nil {
		return RunStats{}, err
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return RunStats{}, err
	}
	cells := Shard(s.Plan(), o.Shard, o.Shards)
	st, err := readState(o.Dir, s.Hash())
	if err != nil {
		return RunStats{}, err
	}
	stats := RunStats{Cells: len(cells), File: filepath.Join(o.Dir, ShardFile(o.Shard, o.Shards))}
	todo := toRun(cells, st, o.RetryFailed, &stats)
	f, err := openShard(stats.File, s.Manifest(o.Command, o.Args, o.Shard, o.Shards))
	if err != nil {
		return stats, err
	}
	defer f.Close()
	var prog *Progress
	if o.Progress != nil {
		prog = NewProgress(o.Progress, len(cells))
		prog.Skip(stats.Skipped)
		defer prog.Finish()
	}
	if len(todo) == 0 {
		return stats, f.Sync()
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := startWorkers(ctx, cancel, todo, o)
	w := &shardWriter{f: f, file: stats.File, syncEvery: o.SyncEvery, lastSync: time.Now(), buf: make([]byte, 0, 1<<16)}
	w.collect(results, cancel, prog, &stats)
	if err := f.Sync(); err != nil && w.err == nil {
		w.err = fmt.Errorf("fsync %s: %w", stats.File, err)
	}
	if w.err != nil {
		return stats, w.err
	}
	return stats, o.stopErr(ctx, stats, len(todo), len(cells))
}

// fill defaults the options (one shard, GOMAXPROCS workers, the command's
// name, a sync a second) and checks the shard number.
func (o *RunOptions) fill() error {
	if o.Shards == 0 {
		o.Shards = 1
	}
	if o.Shard < 0 || o.Shard >= o.Shards {
		return fmt.Errorf("%w: shard %d of %d", ErrShard, o.Shard, o.Shards)
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Command == "" {
		o.Command = "sqsim sweep run"
	}
	if o.SyncEvery == 0 {
		o.SyncEvery = time.Second
	}
	return nil
}

// toRun is the cells the directory's state does not hold yet (nor holds as
// failed, unless retryFailed), counting the others in stats.Skipped.
func toRun(cells []Cell, st *state, retryFailed bool, stats *RunStats) []Cell {
	var todo []Cell
	for _, c := range cells {
		_, failed := st.failed[c.Key]
		if st.done[c.Key] || (failed && !retryFailed) {
			stats.Skipped++
			continue
		}
		todo = append(todo, c)
	}
	return todo
}

// startWorkers runs todo's cells on min(Workers, len(todo)) goroutines and
// returns the channel of their records, closed when all are done. After
// MaxFails failures (or once ctx is done) the workers skip the cells left.
func startWorkers(ctx context.Context, cancel context.CancelFunc, todo []Cell, o RunOptions) <-chan cellLine {
	// every cell is queued up front (the shard's cells are in memory
	// already): no feeder goroutine to wake per cell; a stopped sweep's
	// workers skip what is left
	jobs := make(chan Cell, len(todo))
	for _, c := range todo {
		jobs <- c
	}
	close(jobs)
	results := make(chan cellLine, 4*o.Workers)
	var wg sync.WaitGroup
	var fails atomic.Int64
	for range min(o.Workers, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				if ctx.Err() != nil {
					continue // stopped (--max-fails, a signal): the cell stays missing
				}
				r := RunCell(c)
				if !r.Done() && o.MaxFails > 0 && int(fails.Add(1)) >= o.MaxFails {
					cancel()
				}
				results <- encodeRecord(&r)
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()
	return results
}

// cellLine is a finished cell as the writer needs it: the record encoded
// by its worker (so that encoding runs on every worker, not on the one
// writer), its key and whether it is done.
type cellLine struct {
	key  string
	done bool
	line []byte // the record's JSON, with the newline
	err  error  // the record did not encode
}

func encodeRecord(r *Record) cellLine {
	b, err := json.Marshal(r)
	return cellLine{key: r.Key, done: r.Done(), line: append(b, '\n'), err: err}
}

// shardWriter appends records to a shard file, syncing it every syncEvery
// (after every write if negative); err is its first write error.
type shardWriter struct {
	f         *os.File
	file      string
	syncEvery time.Duration
	lastSync  time.Time
	buf       []byte
	err       error
}

// collect writes the records as they arrive and counts them in stats and
// prog. Each record is written as soon as it arrives; records that arrive
// together (cells that finish while the last write was under way) go out in
// one write(2), so the file only ever ends with whole lines (or, if the
// process is killed mid-write, a partial last line, which resume cuts off).
// After a write error it cancels the run and drains the rest.
func (w *shardWriter) collect(results <-chan cellLine, cancel context.CancelFunc, prog *Progress, stats *RunStats) {
	pending := make([]cellLine, 0, 64)
	for rec := range results {
		pending = append(pending[:0], rec)
	drain:
		for len(pending) < cap(pending) {
			select {
			case r, ok := <-results:
				if !ok {
					break drain
				}
				pending = append(pending, r)
			default:
				break drain
			}
		}
		if w.err != nil {
			continue // drain
		}
		w.write(pending)
		if w.err != nil {
			cancel()
			continue
		}
		for i := range pending {
			if pending[i].done {
				stats.Done++
			} else {
				stats.Failed++
			}
			prog.Add(!pending[i].done)
		}
	}
}

// write appends the records, one JSON line each, in one write, and syncs
// the file if the last sync is syncEvery old; a failure is kept in w.err.
func (w *shardWriter) write(pending []cellLine) {
	w.buf = w.buf[:0]
	for i := range pending {
		if err := pending[i].err; err != nil {
			w.err = fmt.Errorf("record of %s: %w", pending[i].key, err)
			break
		}
		w.buf = append(w.buf, pending[i].line...)
	}
	if w.err == nil {
		if _, err := w.f.Write(w.buf); err != nil {
			w.err = fmt.Errorf("writing %s: %w", w.file, err)
		}
	}
	if w.err == nil && (w.syncEvery < 0 || time.Since(w.lastSync) >= w.syncEvery) {
		if err := w.f.Sync(); err != nil {
			w.err = fmt.Errorf("fsync %s: %w", w.file, err)
		}
		w.lastSync = time.Now()
	}
}

// stopErr is the error of a run that stopped before its todo cells were all
// run: ErrMaxFails after MaxFails failures, else the cause of ctx's end.
func (o *RunOptions) stopErr(ctx context.Context, stats RunStats, todo, cells int) error {
	if o.MaxFails > 0 && stats.Failed >= o.MaxFails && stats.Done+stats.Failed < todo {
		return fmt.Errorf("%w: %d cells failed (--max-fails %d); %d of the shard's %d cells not run", ErrMaxFails, stats.Failed, o.MaxFails, todo-stats.Done-stats.Failed, cells)
	}
	if err := ctx.Err(); err != nil && stats.Done+stats.Failed < todo {
		if parent := context.Cause(ctx); parent != nil && !errors.Is(parent, context.Canceled) {
			return parent
		}
		return err
	}
	return nil
}
