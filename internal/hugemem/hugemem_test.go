package hugemem

import (
	"fmt"
	"testing"
)

func TestAlloc(t *testing.T) {
	for _, n := range []int{0, 1, 1000, 1 << 20, 3<<20 + 7} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			b := Alloc(n)
			if len(b.F) != n {
				t.Fatalf("Alloc(%d): length %d", n, len(b.F))
			}
			for i := range b.F {
				if b.F[i] != 0 {
					t.Fatalf("Alloc(%d): entry %d is %v, want 0", n, i, b.F[i])
				}
				b.F[i] = float64(i)
			}
			if n > 0 && b.F[n-1] != float64(n-1) {
				t.Fatalf("write lost")
			}
			b.Free()
			b.Free()
		})
	}
}
