package world_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

// dataWstar is the planted ReLU of the data tests.
var dataWstar = []float64{0.6, -0.48, 0.64}

// realizableRows draws n rows (x, relu(w*.x)) from the realizable world of
// dataWstar, with a fixed seed.
func realizableRows(t *testing.T, n int) ([][]float64, []float64) {
	t.Helper()
	m, err := world.Realizable(dataWstar)
	if err != nil {
		t.Fatal(err)
	}
	d := len(dataWstar)
	x := make([]float64, n*d)
	y := make([]float64, n)
	m.Sample(rand.New(rand.NewPCG(1, 2)), x, y)
	rows := make([][]float64, n)
	for i := range rows {
		rows[i] = x[i*d : (i+1)*d]
	}
	return rows, y
}

func ff(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// writeCSV writes the rows as CSV with a header line.
func writeCSV(t *testing.T, rows [][]float64, y []float64) string {
	t.Helper()
	var b strings.Builder
	for j := range rows[0] {
		fmt.Fprintf(&b, "x%d,", j+1)
	}
	b.WriteString("y\n")
	for i, row := range rows {
		for _, v := range row {
			b.WriteString(ff(v) + ",")
		}
		b.WriteString(ff(y[i]) + "\n")
	}
	return writeFile(t, "rows.csv", b.String())
}

// writeJSONL writes the rows as JSON Lines, alternating the array and the
// object form.
func writeJSONL(t *testing.T, rows [][]float64, y []float64) string {
	t.Helper()
	var b strings.Builder
	for i, row := range rows {
		f := make([]string, len(row))
		for j, v := range row {
			f[j] = ff(v)
		}
		if i%2 == 0 {
			fmt.Fprintf(&b, "[%s,%s]\n", strings.Join(f, ","), ff(y[i]))
		} else {
			fmt.Fprintf(&b, "{\"x\": [%s], \"y\": %s}\n", strings.Join(f, ", "), ff(y[i]))
		}
	}
	return writeFile(t, "rows.jsonl", b.String())
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFromDataReadsRows checks that both formats give back the rows bit for
// bit, and the default label range is the data's [min y, max y].
func TestFromDataReadsRows(t *testing.T) {
	rows, y := realizableRows(t, 200)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range y {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	for _, format := range []string{"csv", "jsonl"} {
		t.Run(format, func(t *testing.T) {
			path := writeCSV(t, rows, y)
			if format == "jsonl" {
				path = writeJSONL(t, rows, y)
			}
			data, err := world.FromData(path)
			if err != nil {
				t.Fatal(err)
			}
			want := sq.Setting{D: 3, LabelMin: lo, LabelMax: hi}
			if got := data.Setting(); got != want {
				t.Errorf("Setting = %+v, want %+v", got, want)
			}
			if data.N() != len(rows) {
				t.Fatalf("N = %d, want %d", data.N(), len(rows))
			}
			x := make([]float64, 3)
			for i := range rows {
				yi, err := data.Row(i, x)
				if err != nil {
					t.Fatal(err)
				}
				if yi != y[i] || x[0] != rows[i][0] || x[1] != rows[i][1] || x[2] != rows[i][2] {
					t.Fatalf("row %d = (%v, %v), want (%v, %v)", i, x, yi, rows[i], y[i])
				}
			}
			if data.Name() != "data("+path+")" {
				t.Errorf("Name = %q", data.Name())
			}
		})
	}
}

// TestDataSample checks that Sample draws rows of the data set, is a fixed
// function of the generator's state, and covers the rows about uniformly.
func TestDataSample(t *testing.T) {
	data, err := world.Dataset([][]float64{{1, 0}, {0, 1}, {-1, -1}}, []float64{0.5, 1, 2}, world.LabelRange(0, 2))
	if err != nil {
		t.Fatal(err)
	}
	const n = 30000
	draw := func() ([]float64, []float64) {
		x := make([]float64, 2*n)
		y := make([]float64, n)
		data.Sample(rand.New(rand.NewPCG(3, 4)), x, y)
		return x, y
	}
	x1, y1 := draw()
	x2, y2 := draw()
	count := map[float64]int{}
	for i := range y1 {
		if y1[i] != y2[i] || x1[2*i] != x2[2*i] || x1[2*i+1] != x2[2*i+1] {
			t.Fatalf("example %d differs between two draws from the same seed", i)
		}
		count[y1[i]]++
		want := map[float64][2]float64{0.5: {1, 0}, 1: {0, 1}, 2: {-1, -1}}[y1[i]]
		if x1[2*i] != want[0] || x1[2*i+1] != want[1] {
			t.Fatalf("example %d = (%v, %v), not a row", i, x1[2*i:2*i+2], y1[i])
		}
	}
	// Each row count is Binomial(n, 1/3): sd = sqrt(n 2/9) = 82; 6 sd is a
	// false alarm with probability < 1e-8.
	for _, v := range []float64{0.5, 1, 2} {
		if c := count[v]; math.Abs(float64(c)-n/3.0) > 6*82 {
			t.Errorf("row with y = %v drawn %d times of %d, want about %d", v, c, n, n/3)
		}
	}
	t.Run("short x", func(t *testing.T) {
		x := make([]float64, 3) // one row of d = 2 fits
		y := make([]float64, 3)
		data.Sample(rand.New(rand.NewPCG(1, 1)), x, y)
		if math.IsNaN(y[0]) || !math.IsNaN(y[1]) || !math.IsNaN(y[2]) {
			t.Errorf("labels %v, want one drawn and two NaN", y)
		}
	})
	t.Run("nil rand", func(t *testing.T) {
		y := make([]float64, 2)
		data.Sample(nil, make([]float64, 4), y)
		if !math.IsNaN(y[0]) || !math.IsNaN(y[1]) {
			t.Errorf("labels %v, want NaN", y)
		}
	})
}

// TestFromDataLearns runs GD through a session on the sample and the pool
// oracle of a data set of 4000 rows (x, relu(w*.x)) read from CSV and from
// JSON Lines.
//
// The bound: the labels are realizable on the rows, so w* has loss 0 under
// the empirical distribution and is the minimiser GD converges to. With
// answers within tol of the empirical gradient, the iterates of GD end in a
// ball of radius about 2 sqrt(d) tol around w* when the Hessian of the
// empirical loss near w* is close to the identity (its Gaussian value;
// learners.GD's doc, theory §5.4); for 4000 Gaussian rows in d = 3 its
// eigenvalues lie within 0.1 of 1, so we allow 3 sqrt(d) tol = 0.104 for
// tol = 0.02. The pool oracle answers exact means over its pool (a second
// sample of the rows, on which w* still has loss 0), so the same bound
// holds with room to spare. The empirical loss of the result is at most
// about E[((w-w*).x)^2] <= 1.1 ||w - w*||^2: we allow 1.1 * 0.104^2 = 0.012.
func TestFromDataLearns(t *testing.T) {
	rows, y := realizableRows(t, 4000)
	const tol = 0.02
	files := map[string]string{"csv": writeCSV(t, rows, y), "jsonl": writeJSONL(t, rows, y)}
	oracles := map[string]func(sq.Sampler) (sq.Oracle, error){
		"sample": func(s sq.Sampler) (sq.Oracle, error) {
			return oracle.Sample(s, oracle.SampleOptions{Seed: 5, Delta: 1e-3})
		},
		"pool": func(s sq.Sampler) (sq.Oracle, error) {
			p, err := oracle.NewPool(s, 4000, 6)
			if err != nil {
				return nil, err
			}
			return oracle.FromPool(p, oracle.PoolOptions{})
		},
	}
	for _, format := range []string{"csv", "jsonl"} {
		for _, on := range []string{"sample", "pool"} {
			t.Run(format+"/"+on, func(t *testing.T) {
				if testing.Short() && format == "jsonl" && on == "sample" {
					t.Skip("1.5 s; csv/sample covers the sample oracle under -short")
				}
				data, err := world.FromData(files[format])
				if err != nil {
					t.Fatal(err)
				}
				o, err := oracles[on](data)
				if err != nil {
					t.Fatal(err)
				}
				l, err := learners.New("gd", learners.Options{"tol": ff(tol), "steps": "30"})
				if err != nil {
					t.Fatal(err)
				}
				s := &sq.Session{Setting: data.Setting(), Oracle: o, Ledger: sq.NewLedger(), Rand: rand.New(rand.NewPCG(7, 8))}
				h, err := l.Learn(s)
				if err != nil {
					t.Fatal(err)
				}
				relu, ok := h.(sq.ReLU)
				if !ok {
					t.Fatalf("gd returned %T, want sq.ReLU", h)
				}
				dist := 0.0
				for j, v := range relu.W {
					dist += (v - dataWstar[j]) * (v - dataWstar[j])
				}
				dist = math.Sqrt(dist)
				loss, err := data.Loss(h)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("w = %.4f, ||w - w*|| = %.2g, empirical loss %.2g", relu.W, dist, loss)
				if bound := 3 * math.Sqrt(3) * tol; dist > bound {
					t.Errorf("||w - w*|| = %.3g, want <= %.3g", dist, bound)
				}
				if bound := 1.1 * 27 * tol * tol; loss > bound {
					t.Errorf("empirical loss %.3g, want <= %.3g", loss, bound)
				}
			})
		}
	}
}

// TestDataBadInput checks every refusal: each wraps world.ErrData and
// names the line (files) or row (Dataset).
func TestDataBadInput(t *testing.T) {
	files := []struct {
		name, text string
		opts       []world.DataOption
		want       string // in the error
	}{
		{"ragged csv", "1,2,3\n4,5\n", nil, "line 2"},
		{"ragged jsonl", "[1,2,3]\n[4,5,6]\n{\"x\":[1],\"y\":2}\n", nil, "line 3"},
		{"NaN", "x,y\n1,0.5\nNaN,0.5\n", nil, "line 3"},
		{"Inf label", "1,0.5\n2,+Inf\n", nil, "line 2"},
		{"not a number", "1,2\n3,abc\n", nil, "line 2"},
		{"bad label", "1,0.5\n2,1.5\n", []world.DataOption{world.LabelRange(0, 1)}, "line 2"},
		{"empty", "", nil, "empty"},
		{"blank", "\n  \n", nil, "empty"},
		{"header only", "x1,x2,y\n", nil, "empty"},
		{"one column", "1\n2\n", nil, "line 1"},
		{"bad json", "[1,2]\n[1,2,\n", nil, "line 2"},
		{"object without y", "{\"x\":[1,2]}\n", nil, "line 1"},
		{"null", "[1,2]\n[null,2]\n", nil, "line 2"},
		{"null in object", "{\"x\":[1,null],\"y\":1}\n", nil, "line 1"},
		{"unknown key", "{\"x\":[1,2],\"y\":1,\"z\":3}\n", nil, "line 1"},
		{"empty range", "1,2\n", []world.DataOption{world.LabelRange(1, 0)}, "label range"},
	}
	for _, c := range files {
		t.Run(c.name, func(t *testing.T) {
			_, err := world.FromData(writeFile(t, "data.csv", c.text), c.opts...)
			if !errors.Is(err, world.ErrData) {
				t.Fatalf("err = %v, want one wrapping ErrData", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want it to name %q", err, c.want)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		if _, err := world.FromData(filepath.Join(t.TempDir(), "nosuch.csv")); !errors.Is(err, world.ErrData) || !errors.Is(err, os.ErrNotExist) {
			t.Errorf("err = %v, want ErrData and os.ErrNotExist", err)
		}
	})
	mem := []struct {
		name string
		x    [][]float64
		y    []float64
		want string
	}{
		{"ragged", [][]float64{{1, 2}, {3}}, []float64{0, 0}, "row 1"},
		{"NaN", [][]float64{{1, math.NaN()}}, []float64{0}, "row 0"},
		{"lengths", [][]float64{{1}}, []float64{0, 1}, "2 labels"},
		{"empty", nil, nil, "empty"},
		{"empty row", [][]float64{{}}, []float64{0}, "row 0"},
	}
	for _, c := range mem {
		t.Run("Dataset/"+c.name, func(t *testing.T) {
			_, err := world.Dataset(c.x, c.y)
			if !errors.Is(err, world.ErrData) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want ErrData naming %q", err, c.want)
			}
		})
	}
	t.Run("nil hypothesis", func(t *testing.T) {
		data, err := world.Dataset([][]float64{{1}}, []float64{1})
		if err != nil {
			t.Fatal(err)
		}
		var h *sq.ReLU
		if _, err := data.Loss(h); !errors.Is(err, world.ErrData) {
			t.Errorf("Loss(nil) err = %v, want ErrData", err)
		}
		if _, err := data.Row(1, make([]float64, 1)); !errors.Is(err, world.ErrData) {
			t.Errorf("Row(1) err = %v, want ErrData", err)
		}
	})
}

// A data set is a Sampler: any learner runs on it through the sample (or
// pool) oracle, which answers for the empirical distribution of the rows.
func ExampleDataset() {
	// Eight rows (x, y) with y = relu(x_1): w* = (1, 0).
	x := [][]float64{{1, 0}, {-1, 0}, {2, 1}, {-2, 1}, {0.5, -1}, {-0.5, -1}, {1.5, 2}, {-1.5, 2}}
	y := []float64{1, 0, 2, 0, 0.5, 0, 1.5, 0}
	data, _ := world.Dataset(x, y)
	o, _ := oracle.Sample(data, oracle.SampleOptions{Seed: 1})
	chow := make([]float64, 2)
	_ = o.Answer(sq.Chow(2), 0.05, chow) // E[y x] over the rows, to within 0.05
	fmt.Println(data.Setting())
	fmt.Printf("E[y x] ~ (%.1f, %.1f); exact (%.4f, %.4f)\n", chow[0], chow[1], (1+4+0.25+2.25)/8.0, (2-0.5+3)/8.0)
	loss, _ := data.Loss(sq.ReLU{W: []float64{1, 0}})
	fmt.Println("loss of w* on the rows:", loss)
	// Output:
	// {2 0 2}
	// E[y x] ~ (0.9, 0.6); exact (0.9375, 0.5625)
	// loss of w* on the rows: 0
}
