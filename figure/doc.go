// Package figure draws sqsim's figures: line plots of one quantity against
// another, one line per group, with error bars, log axes and, on log-log
// plots, a least-squares slope per group with its 95% interval. It is the
// engine of `sqsim plot` and of the figures other commands write (the
// demo's loss-per-step curves, the docs' experiments), built on
// gonum.org/v1/plot.
//
// Two ways in:
//
//   - From data files: [ReadFile] reads JSON Lines records (sweep results,
//     summaries) or a CSV summary into a [Table]; [Build] turns a table and
//     a [Spec] (x key, y key, group key, error-bar convention) into
//     [Series].
//   - Directly: a caller with numbers in hand makes [Series] itself (a
//     loss per step, a bound drawn as a dashed reference line).
//
// Either way [Lines] builds the plot, [Render] encodes it as PNG or SVG
// on a writer and [Write] writes it to a file atomically (a temporary file
// renamed onto the destination), the format chosen by the extension. All
// three return the fitted slopes ([Fit]) of a log-log plot.
//
// # Input files
//
// JSON Lines: one JSON object per line, nested objects and arrays read as
// dotted keys (m.mean, m.ci95.0). Manifest lines are skipped wherever they
// are (shard files concatenated): a line whose keys are only manifest,
// trace and version (sqsim's {"manifest":{...}} first line, a trace's
// {"trace":"sqsim","version":2,"manifest":{...}}); a record that carries
// its manifest among its data (a single run's --json output) is a record.
// Blank lines are skipped. Numbers are read as written;
// the strings "NaN", "+Inf", "-Inf" (sqsim's encoding of non-finite
// values) are read as such and refused where a value is plotted.
// CSV: a header line naming the columns, then one row per line; an empty
// cell is a missing value.
//
// # Summary convention (error bars)
//
// A summary over seeds (sqsim sweep merge) writes for each metric m the
// columns m_mean, m_ci95_lo and m_ci95_hi (and others such as m_sd). With
// the default [Convention], --y m plots the column m when the table has it,
// else m_mean; error bars are drawn from m_ci95_lo/m_ci95_hi when both
// columns exist. With the zero Convention other common spellings are
// tried after these: m_ci_lo/m_ci_hi, m_lo/m_hi, and for a nested JSON
// summary ({"m":{"mean":..., "ci95":[lo, hi]}}, read as m.mean, m.ci95.0,
// m.ci95.1) m.mean with m.ci95.0/m.ci95.1, m.ci95_lo/m.ci95_hi, m.ci_lo/
// m.ci_hi, m.ci.0/m.ci.1 or m.lo/m.hi. The suffixes are fields of
// [Convention], so a summary
// written with other names (m_avg, m_lo, m_hi) needs no code change, and
// [Spec.YErr] can name the columns outright: one column e (a symmetric
// error, y ± e, e.g. m_sd) or two columns lo,hi (absolute bounds).
//
// # Validation
//
// Every value plotted must be a finite number, and positive on a log axis;
// otherwise [Build] and [Lines] return an error wrapping [ErrFigure] that
// names the line (or series and point) and the key. Nothing is dropped
// silently. An empty input, an unknown key or an unknown extension is an
// error too.
//
// # Determinism
//
// The bytes written depend only on the series and options: colours and
// glyphs are assigned by group order (groups sorted numerically when every
// group value is a number, else as strings), no timestamps are written,
// and the SVG does not embed fonts (it names the Liberation fonts gonum/plot
// measures text with).
package figure
