package world_test

import (
	"fmt"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

// An agnostic world: labels min(1, relu(w*.x)) flipped to 1 - y on a region
// holding 10% of the mass. opt > 0 and the corruption depends on x.
func ExampleCorrupted() {
	m, _ := world.Corrupted([]float64{0.8, 0.6}, 0.1, world.CorruptFlip)
	res, _ := m.Opt()
	loss, _, _ := m.Loss([]float64{0.8, 0.6})
	fmt.Printf("opt %.4f, loss of w* %.4f\n", res.Opt, loss)
	var chow [2]float64
	m.Expect(sq.Chow(2), chow[:]) // E[y x], exactly
	fmt.Printf("E[y x] = (%.4f, %.4f)\n", chow[0], chow[1])
	// Output:
	// opt 0.0882, loss of w* 0.1334
	// E[y x] = (0.2798, 0.2098)
}
