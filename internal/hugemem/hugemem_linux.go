//go:build linux

package hugemem

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// minMapped is the size below which a Go slice is good enough.
const minMapped = 4 << 20

func alloc(n int) *Buf {
	size := n * 8
	if size < minMapped {
		return nil
	}
	size = (size + HugePage - 1) &^ (HugePage - 1)
	// Over-map by one huge page and trim, so that the buffer starts on a
	// 2 MiB boundary and every 2 MiB of it can be a huge page.
	raw, err := unix.Mmap(-1, 0, size+HugePage, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return nil
	}
	base := uintptr(unsafe.Pointer(unsafe.SliceData(raw)))
	off := int((HugePage - base%HugePage) % HugePage)
	mem := raw[off : off+size : off+size]
	// Trim the unused head and tail (best effort; on failure they stay mapped
	// until the process exits, which only wastes address space).
	if off > 0 {
		unix.Munmap(raw[:off:off])
	}
	if tail := len(raw) - off - size; tail > 0 {
		unix.Munmap(raw[off+size:])
	}
	huge := unix.Madvise(mem, unix.MADV_HUGEPAGE) == nil
	f := unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(mem))), n)
	return &Buf{F: f, Huge: huge, mem: mem}
}

func free(mem []byte) { unix.Munmap(mem) }
