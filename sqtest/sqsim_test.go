package sqtest_test

import (
	"strconv"
	"testing"

	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sqtest"
)

// The kit passes sqsim's own oracles.
func TestSqsimOracles(t *testing.T) {
	for _, c := range oracleCases(t) {
		t.Run(c.name, func(t *testing.T) {
			if c.slow && testing.Short() {
				t.Skip("sampling oracle: skipped under -short")
			}
			o, err := c.build()
			if err != nil {
				t.Fatal(err)
			}
			opts := append([]sqtest.Option{sqtest.Rebuild(c.build)}, c.opts...)
			sqtest.Oracle(knownTB{t, c.known}, o, c.truth, opts...)
		})
	}
}

// The kit passes every world kind of package world.
func TestSqsimWorlds(t *testing.T) {
	for _, c := range worldCases(t) {
		t.Run(c.name, func(t *testing.T) {
			n := 200_000
			if testing.Short() {
				n = 20_000 // the bound widens with 1/sqrt(n); the check stays valid
			}
			sqtest.World(t, c.w, sqtest.Samples(n))
		})
	}
}

// The kit passes every registered learner.
func TestSqsimLearners(t *testing.T) {
	names := learners.Names()
	if len(names) == 0 {
		t.Fatal("no registered learners")
	}
	for _, name := range names {
		for _, c := range learnerCases(name) {
			t.Run(c.name, func(t *testing.T) {
				sqtest.Learner(knownTB{t, c.known}, func(tol float64) (sq.Learner, error) {
					opts := learners.Options{"tol": strconv.FormatFloat(tol, 'g', -1, 64)}
					for k, v := range c.opts {
						opts[k] = v
					}
					return learners.New(name, opts)
				})
			})
		}
	}
}
