package hardness

import (
	"math"
	"math/big"
	"slices"

	"github.com/sqsim/sqsim/sq"
)

// classes groups the coordinates by the parameters the visible terms give
// them (weights, row entries, Hermite degrees).
type classes struct {
	of      []int   // class of each coordinate
	sizes   []int   // number of coordinates in each class
	members [][]int // coordinates of each class, increasing (see fill)
}

// fill builds members from of and sizes (one backing array).
func (cl *classes) fill() {
	if cl.members != nil {
		return
	}
	off := make([]int, len(cl.sizes)+1)
	for c, n := range cl.sizes {
		off[c+1] = off[c] + n
	}
	flat := make([]int, len(cl.of))
	pos := slices.Clone(off[:len(cl.sizes)])
	for j, c := range cl.of {
		flat[pos[c]] = j
		pos[c]++
	}
	cl.members = make([][]int, len(cl.sizes))
	for c := range cl.sizes {
		cl.members[c] = flat[off[c]:off[c+1]:off[c+1]]
	}
}

func (a *Adversary) classify(vis []visTerm) classes {
	d := a.fam.d
	var cl classes
	cl.of = make([]int, d)
	keyOf := func(j int, buf []byte) []byte {
		for _, t := range vis {
			h := t.h
			switch h.Kind {
			case sq.FeatRelu, sq.FeatRelu2, sq.FeatStepX, sq.FeatReluX, sq.FeatStep:
				buf = appendBits(buf, h.W[j])
			case sq.FeatReluRows:
				for _, row := range h.U {
					buf = appendBits(buf, row[j])
				}
			case sq.FeatHermite:
				deg := 0
				for i, c := range h.Idx {
					if c == j {
						deg = h.Deg[i]
					}
				}
				buf = appendBits(buf, float64(deg))
			}
		}
		return buf
	}
	if len(vis) == 1 && vis[0].h.W != nil {
		ids := make(map[uint64]int, min(d, 256))
		for j, v := range vis[0].h.W {
			u := math.Float64bits(v)
			if v == 0 {
				u = 0
			}
			id, ok := ids[u]
			if !ok {
				id = len(cl.sizes)
				ids[u] = id
				cl.sizes = append(cl.sizes, 0)
			}
			cl.of[j] = id
			cl.sizes[id]++
		}
		return cl
	}
	ids := map[string]int{}
	var buf []byte
	for j := 0; j < d; j++ {
		buf = keyOf(j, buf[:0])
		id, ok := ids[string(buf)]
		if !ok {
			id = len(cl.sizes)
			ids[string(buf)] = id
			cl.sizes = append(cl.sizes, 0)
		}
		cl.of[j] = id
		cl.sizes[id]++
	}
	return cl
}

// countCompositions returns the number of (k_c) with 0 <= k_c <= n_c and
// sum k_c = k, saturated at limit+1.
func countCompositions(sizes []int, k, limit int) int {
	cnt := make([]int, k+1)
	next := make([]int, k+1)
	cnt[0] = 1
	for _, n := range sizes {
		clear(next)
		for j := 0; j <= k; j++ {
			if cnt[j] == 0 {
				continue
			}
			for t := 0; t <= n && j+t <= k; t++ {
				next[j+t] = min(next[j+t]+cnt[j], limit+1)
			}
		}
		cnt, next = next, cnt
	}
	return cnt[k]
}

// composition is one way of choosing k_c coordinates from each class.
type composition struct {
	ks   []int // k_c per class (only classes with k_c > 0 listed in cls)
	cls  []int
	mult *big.Int
	rep  []int // a representative support
	dlt  []float64
	err  float64
	norm float64
}

// compositions enumerates the compositions of k over the classes.
func compositions(cl classes, k int, visit func(cls, ks []int)) {
	nc := len(cl.members)
	// suffix capacity: how many coordinates remain in classes >= c.
	capAfter := make([]int, nc+1)
	for c := nc - 1; c >= 0; c-- {
		capAfter[c] = capAfter[c+1] + len(cl.members[c])
	}
	var cls, ks []int
	var rec func(c, rem int)
	rec = func(c, rem int) {
		if rem == 0 {
			visit(cls, ks)
			return
		}
		if c == nc || capAfter[c] < rem {
			return
		}
		for t := min(rem, len(cl.members[c])); t >= 0; t-- {
			if t > 0 {
				cls = append(cls, c)
				ks = append(ks, t)
			}
			rec(c+1, rem-t)
			if t > 0 {
				cls = cls[:len(cls)-1]
				ks = ks[:len(ks)-1]
			}
		}
	}
	rec(0, k)
}

// supportKey packs a sorted support into a map key.
func supportKey(S []int) string {
	b := make([]byte, 2*len(S))
	for i, s := range S {
		b[2*i] = byte(s)
		b[2*i+1] = byte(s >> 8)
	}
	return string(b)
}

// expand calls fn with every support of the composition (fn may not keep S).
func expand(cl classes, cls, ks []int, fn func(S []int)) {
	S := make([]int, 0, 16)
	var rec func(i int)
	rec = func(i int) {
		if i == len(cls) {
			T := slices.Clone(S)
			slices.Sort(T)
			fn(T)
			return
		}
		mem := cl.members[cls[i]]
		choose(len(mem), ks[i], func(idx []int) bool {
			n := len(S)
			for _, j := range idx {
				S = append(S, mem[j])
			}
			rec(i + 1)
			S = S[:n]
			return true
		})
	}
	rec(0)
}

// lexLess orders supports lexicographically (ties of the forced choice are
// broken this way, so that every accounting mode makes the same choice).
func lexLess(a, b []int) bool { return slices.Compare(a, b) < 0 }

// forEachSubset calls fn with every k-subset of [0, d) in lexicographic
// order (fn must not keep S) until fn returns false.
func forEachSubset(d, k int, fn func(S []int) bool) {
	choose(d, k, fn)
}

// choose calls fn with every k-subset of [0, n) in lexicographic order.
func choose(n, k int, fn func(idx []int) bool) {
	if k > n || k < 0 {
		return
	}
	idx := make([]int, k)
	for i := range idx {
		idx[i] = i
	}
	for {
		if !fn(idx) {
			return
		}
		i := k - 1
		for i >= 0 && idx[i] == n-k+i {
			i--
		}
		if i < 0 {
			return
		}
		idx[i]++
		for j := i + 1; j < k; j++ {
			idx[j] = idx[j-1] + 1
		}
	}
}

// supportSet is a set of sorted supports. Supports of at most 8
// coordinates (each < 65536) are packed into a [2]uint64 key, which takes
// less memory than a string key and hashes without an allocation; larger
// ones use supportKey.
type supportSet struct {
	small map[[2]uint64]struct{}
	big   map[string]struct{}
}

func newSupportSet() supportSet {
	return supportSet{small: map[[2]uint64]struct{}{}, big: map[string]struct{}{}}
}

// packSupport packs a support of at most 8 coordinates (each < 65536):
// coordinate i + 1 in bits 16(i mod 4).. of word i/4, so that supports of
// different sizes differ.
func packSupport(S []int) ([2]uint64, bool) {
	var u [2]uint64
	if len(S) > 8 {
		return u, false
	}
	for i, s := range S {
		u[i/4] |= uint64(s+1) << (16 * (i % 4))
	}
	return u, true
}

func (s supportSet) has(S []int) bool {
	if u, ok := packSupport(S); ok {
		_, in := s.small[u]
		return in
	}
	_, in := s.big[supportKey(S)]
	return in
}

func (s supportSet) add(S []int) {
	if u, ok := packSupport(S); ok {
		s.small[u] = struct{}{}
		return
	}
	s.big[supportKey(S)] = struct{}{}
}

func (s supportSet) len() int { return len(s.small) + len(s.big) }
