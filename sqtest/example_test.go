package sqtest_test

import (
	"fmt"
	"regexp"

	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sqtest"
	"github.com/sqsim/sqsim/world"
)

// chowLearner is a user's learner: w = 2 E[y x], asked at its tolerance.
type chowLearner struct{ tol float64 }

func (l chowLearner) Name() string { return "mychow" }

func (l chowLearner) Learn(s *sq.Session) (sq.Hypothesis, error) {
	v, err := s.AskVec(sq.Chow(s.Setting.D), l.tol, nil)
	if err != nil {
		return nil, err
	}
	for i := range v {
		v[i] *= 2
	}
	return sq.ReLU{W: v}, nil
}

// A user checks their own learner from a test of their own package:
//
//	func TestMyLearner(t *testing.T) {
//		sqtest.Learner(t, func(tol float64) (sq.Learner, error) { return chowLearner{tol}, nil })
//	}
//
// Here the test's *testing.T is stood in for by a recorder, to show that the
// sound learner passes and that one asking below its tolerance is reported.
func ExampleLearner() {
	var ok recorder
	sqtest.Learner(&ok, func(tol float64) (sq.Learner, error) { return chowLearner{tol}, nil })
	fmt.Println("sound learner:", len(ok.msgs), "violations")

	var bad recorder
	sqtest.Learner(&bad, func(tol float64) (sq.Learner, error) { return chowLearner{tol / 4}, nil }, sqtest.Tol(0.02))
	// (The query's fingerprint is elided: it depends on sq's encoding.)
	fmt.Println(regexp.MustCompile(`fp [0-9a-f]+`).ReplaceAllString(bad.msgs[0], "fp ..."))
	// Output:
	// sound learner: 0 violations
	// sqtest.Learner(mychow): given tol=0.02, asked query 0 "y*x" (fp ...) at tolerance 0.005, below tol
}

// A user checks their own oracle, here the exact oracle, against the world it answers about.
func ExampleOracle() {
	truth, err := world.Clipped([]float64{0.6, -0.4, 0.3, 0.5}, 1)
	if err != nil {
		panic(err)
	}
	var r recorder // a test passes its *testing.T
	sqtest.Oracle(&r, oracle.Exact(truth), truth, sqtest.Deterministic())
	fmt.Println(len(r.msgs), "violations")
	// Output:
	// 0 violations
}
