// Package hugemem allocates large float64 buffers outside the Go heap,
// aligned to 2 MiB and advised into transparent huge pages where the OS
// allows it (Linux: mmap + madvise(MADV_HUGEPAGE)); elsewhere it falls back to
// an ordinary Go slice.
//
// Streaming kernels over hundreds of megabytes lose 10–40% to TLB misses
// with 4 KiB pages; with transparent huge pages in "madvise" mode (the common
// distribution default) a process only gets huge pages for memory it asks
// for, which is what this package does.
package hugemem

// HugePage is the alignment of the buffers: the size of an x86-64 huge page.
const HugePage = 2 << 20

// Buf is a buffer of float64 values. Its memory is released by Free (or,
// for the Go-heap fallback, by the garbage collector); after Free, F must
// not be used.
type Buf struct {
	F    []float64 // the values, zeroed, length as asked
	Huge bool      // the memory was mapped and advised into huge pages
	mem  []byte    // the mapping to release (nil for the Go-heap fallback)
}

// Alloc returns a zeroed buffer of n float64 values (n >= 0). It never fails:
// when mapping memory is not possible it returns a Go slice (Huge false).
func Alloc(n int) *Buf {
	if n <= 0 {
		return &Buf{F: []float64{}}
	}
	if b := alloc(n); b != nil {
		return b
	}
	return &Buf{F: make([]float64, n)}
}

// Free releases a mapped buffer; it is a no-op for the Go-heap fallback and
// on a second call.
func (b *Buf) Free() {
	if b == nil || b.mem == nil {
		return
	}
	free(b.mem)
	b.mem = nil
	b.F = nil
}
