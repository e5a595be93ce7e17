package sq

import "math"

// ComputeDigest returns the digest of the entry (see Entry.Digest): the
// 64-bit FNV-1a hash, as 16 hexadecimal digits, of a canonical binary
// encoding of every field but Digest (floats by their bits, every NaN
// alike, since JSON keeps no NaN payload).
func (e Entry) ComputeDigest() string {
	h := fnv64a(fnvOffset)
	h.str("sqsim trace entry v2")
	h.u64(uint64(e.Seq))
	h.u64(uint64(e.Round))
	h.str(e.Name)
	h.str(e.Class)
	h.f64(e.Bound)
	h.u64(uint64(e.Dim))
	h.f64(e.Tol)
	h.f64(e.EffTol)
	h.str(e.Norm)
	h.flag(e.Free)
	h.u64(uint64(len(e.Answer)))
	for _, v := range e.Answer {
		h.f64(v)
	}
	h.u64(uint64(e.Nanos))
	h.str(e.Fingerprint)
	h.str(e.Oracle)
	h.u64(uint64(e.Samples))
	h.flag(e.Pool)
	const hex = "0123456789abcdef"
	var out [16]byte
	for i, x := 15, uint64(h); i >= 0; i, x = i-1, x>>4 {
		out[i] = hex[x&15]
	}
	return string(out[:])
}

// fnv64a is a 64-bit FNV-1a hash (as hash/fnv's New64a) that does not
// allocate.
type fnv64a uint64

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func (h *fnv64a) u64(x uint64) {
	for range 8 {
		*h = (*h ^ fnv64a(x&0xff)) * fnvPrime
		x >>= 8
	}
}

func (h *fnv64a) str(s string) {
	h.u64(uint64(len(s)))
	for i := 0; i < len(s); i++ {
		*h = (*h ^ fnv64a(s[i])) * fnvPrime
	}
}

// f64 hashes x by its bits, every NaN alike.
func (h *fnv64a) f64(x float64) {
	if math.IsNaN(x) {
		x = math.NaN()
	}
	h.u64(math.Float64bits(x))
}

func (h *fnv64a) flag(b bool) {
	if b {
		h.u64(1)
	} else {
		h.u64(0)
	}
}
