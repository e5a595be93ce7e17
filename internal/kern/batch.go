package kern

// Batch is a set of m directions U_j of dimension d, packed for
// Accumulate: row-major for the Go kernel, and in panels of 64 directions
// stored k-major (d x 64, the last panel padded with zero directions) for
// the register-blocked AVX-512 kernel, which holds 3 rows x 64 directions
// of partial dot products in registers.
type Batch struct {
	M, D   int
	u      []float64 // m x d
	wt     []float64 // panels x d x 64
	panels int
}

// panelWidth is the number of directions of one panel of the AVX-512 kernel.
const panelWidth = 64

// Blocking of the AVX-512 batch kernel: the k (feature) range is cut in
// blocks of kBlock values when d > kWhole, so that the panel block in use
// (kBlock x 64 values) stays in L2 while rowBlock rows stream through it.
var (
	kWhole   = 512
	kBlock   = 256
	rowBlock = 96
)

// NewBatch packs the rows of U (all of the same length d >= 1).
func NewBatch(U [][]float64) *Batch {
	m := len(U)
	d := 0
	if m > 0 {
		d = len(U[0])
	}
	b := &Batch{M: m, D: d, u: make([]float64, m*d)}
	for j, row := range U {
		if !(len(row) == d) {
			panicf("NewBatch: row %d has length %d, row 0 has %d", j, len(row), d)
		}
		copy(b.u[j*d:], row)
	}
	b.panels = (m + panelWidth - 1) / panelWidth
	b.wt = make([]float64, b.panels*d*panelWidth)
	for j, row := range U {
		q, c := j/panelWidth, j%panelWidth
		p := b.wt[q*d*panelWidth:]
		for k, v := range row {
			p[k*panelWidth+c] = v
		}
	}
	return b
}

// BatchWork is the scratch space of Accumulate; one per goroutine.
type BatchWork struct {
	z, outP []float64
}

// Accumulate adds sum_i lam[i] relu(x_i . U_j) to out[j] for j < M, over the
// rows x_i = x[i*D:(i+1)*D], i < len(lam).
func (b *Batch) Accumulate(x, lam, out []float64, w *BatchWork) {
	d, rows := b.D, len(lam)
	if !(len(x) >= rows*d && len(out) >= b.M) {
		panicf("Batch.Accumulate: len(x) %d, rows %d, d %d, len(out) %d, m %d", len(x), rows, d, len(out), b.M)
	}
	if rows == 0 || b.M == 0 || d == 0 {
		return
	}
	if !useAVX512 {
		b.accumulateGo(x, lam, out)
		return
	}
	kc := d
	if d > kWhole {
		kc = kBlock
	}
	rb := rowBlock
	if kc == d {
		rb = rows // one k block: no partial sums to keep, no row blocking needed
	}
	need := min(rb, rows) * panelWidth
	if len(w.z) < need {
		w.z = make([]float64, need)
	}
	if len(w.outP) < b.panels*panelWidth {
		w.outP = make([]float64, b.panels*panelWidth)
	}
	outP := w.outP[:b.panels*panelWidth]
	clear(outP)
	z := w.z
	for r0 := 0; r0 < rows; r0 += rb {
		r1 := min(rows, r0+rb)
		for q := 0; q < b.panels; q++ {
			wq := b.wt[q*d*panelWidth:]
			oq := &outP[q*panelWidth]
			for k0 := 0; k0 < d; k0 += kc {
				kcb := min(kc, d-k0)
				flags := 0
				if k0 > 0 {
					flags |= 1
				}
				if k0+kcb == d {
					flags |= 2
				}
				i := r0
				for ; i+3 <= r1; i += 3 {
					relu64x3AVX512(&x[i*d+k0], d, &wq[k0*panelWidth], kcb, &z[(i-r0)*panelWidth], &lam[i], oq, flags)
				}
				for ; i < r1; i++ {
					relu64x1AVX512(&x[i*d+k0], &wq[k0*panelWidth], kcb, &z[(i-r0)*panelWidth], &lam[i], oq, flags)
				}
			}
		}
	}
	for j := range b.M {
		out[j] += outP[j]
	}
}

// accumulateGo is the portable kernel: one row at a time, four directions
// at a time (four independent dot products sharing each load of x).
func (b *Batch) accumulateGo(x, lam, out []float64) {
	d, m := b.D, b.M
	for i, l := range lam {
		xi := x[i*d : (i+1)*d]
		j := 0
		for ; j+4 <= m; j += 4 {
			u0, u1, u2, u3 := b.u[j*d:(j+1)*d], b.u[(j+1)*d:(j+2)*d], b.u[(j+2)*d:(j+3)*d], b.u[(j+3)*d:(j+4)*d]
			var s0, s1, s2, s3 float64
			for k, v := range xi {
				s0 += v * u0[k]
				s1 += v * u1[k]
				s2 += v * u2[k]
				s3 += v * u3[k]
			}
			if s0 > 0 {
				out[j] += l * s0
			}
			if s1 > 0 {
				out[j+1] += l * s1
			}
			if s2 > 0 {
				out[j+2] += l * s2
			}
			if s3 > 0 {
				out[j+3] += l * s3
			}
		}
		for ; j < m; j++ {
			if s := dotGo(xi, b.u[j*d:(j+1)*d]); s > 0 {
				out[j] += l * s
			}
		}
	}
}
