package cli

import (
	"fmt"
	"io"

	"github.com/sqsim/sqsim/hardness"
)

func runHardnessLPN(args []string, stdout io.Writer) error {
	f := newFlags("hardness lpn", "--d D --k K [--eta E] [--seed S] [--oracle sample|exact] [--json]", stdout)
	d := f.Int("d", 8, "dimension")
	k := f.Int("k", 2, "support size (even)")
	eta := f.Float64("eta", 0.1, "LPN noise rate in [0, 1/2)")
	seed := f.Uint64("seed", 1, "seed of S, of the samples and of the learner")
	orc := f.String("oracle", "sample", "how the learner's queries are answered: sample (from LPN samples) or exact")
	asJSON := f.Bool("json", false, "print one JSON object")
	if err := f.parse(args); err != nil {
		return err
	}
	if err := familyArgs("hardness lpn", *d, *k, *eta); err != nil {
		return err
	}
	if *orc != "sample" && *orc != "exact" {
		return usagef("hardness lpn: --oracle %q, want sample or exact", *orc)
	}
	limit := float64(lpnMaxWorkSample)
	if *orc == "exact" {
		limit = lpnMaxWorkExact
	}
	if work := float64(*d) * (supportsFloat(*d, *k) + 1); *d > gameMaxD || work > limit {
		return usagef("hardness lpn: d = %d, k = %d: the reduction asks d (C(d, k) + 1) = %.4g queries, more than the limit %.0f with the %s oracle",
			*d, *k, work, limit, *orc)
	}
	res, err := hardness.LPN(hardness.LPNConfig{D: *d, K: *k, Eta: *eta, Seed: *seed, Oracle: *orc})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, map[string]any{"support": res.Support, "recovered": res.Recovered, "correct": res.Correct,
			"threshold": num(res.Threshold), "tau": num(res.Tau), "loss_samples": res.Samples, "coords": res.Coords,
			"manifest": manifest("hardness lpn", map[string]any{"d": *d, "k": *k, "eta": num(*eta), "seed": *seed, "oracle": *orc})})
	}
	fmt.Fprintf(stdout, "LPN reduction (theory §4.5 step 3): d = %d, k = %d, eta = %g, learner sparse (tol %.4g), %s oracle\n", *d, *k, *eta, res.Tau, *orc)
	fmt.Fprintf(stdout, "put j in S iff the learner's loss on D^(j) exceeds opt_0 - gap/2 = %.6f\n\n", res.Threshold)
	fmt.Fprintf(stdout, "%4s %6s %12s %6s %8s %12s\n", "j", "in S", "loss_hat", "put", "queries", "examples")
	for _, c := range res.Coords {
		fmt.Fprintf(stdout, "%4d %6v %12.6f %6v %8d %12d\n", c.J, c.InS, c.LossHat, c.Put, c.Queries, c.Examples)
	}
	fmt.Fprintf(stdout, "\nS = %v, recovered %v, correct %v\n", res.Support, res.Recovered, res.Correct)
	return nil
}
