package cli

import (
	"fmt"
	"io"

	"github.com/sqsim/sqsim/bench"
)

// lpnOutput is the JSON object of sqsim hardness lpn --json.
type lpnOutput struct {
	Support     []int            `json:"support"`
	Recovered   []int            `json:"recovered"`
	Correct     bool             `json:"correct"`
	Threshold   num              `json:"threshold"`
	Tau         num              `json:"tau"`
	LossSamples int              `json:"loss_samples"`
	Coords      []bench.LPNCoord `json:"coords"`

	Manifest bench.CommandManifest `json:"manifest"`
}

func runHardnessLPN(args []string, stdout io.Writer) error {
	const cmd = "hardness lpn"
	f := newFlags(cmd, "--d D --k K [--eta E] [--seed S] [--oracle sample|exact] [--json] [--out FILE]", stdout)
	fam := familyFlags{D: 8, K: 2, Eta: 0.1}
	bindFamily(f, &fam, familySpec{NoTau: true})
	seed := f.Uint64("seed", 1, "seed of S, of the samples and of the learner")
	orc := f.String("oracle", "sample", "how the learner's queries are answered: sample (from LPN samples) or exact")
	var o outputFlags
	bindOutput(f, &o, "")
	if err := f.parse(args); err != nil {
		return err
	}
	d, k, eta := fam.D, fam.K, fam.Eta
	if err := familyArgs(cmd, d, k, eta); err != nil {
		return err
	}
	if *orc != "sample" && *orc != "exact" {
		return usagef("hardness lpn: --oracle %q, want sample or exact", *orc)
	}
	limit := float64(lpnMaxWorkSample)
	if *orc == "exact" {
		limit = lpnMaxWorkExact
	}
	if work := float64(d) * (supportsFloat(d, k) + 1); d > gameMaxD || work > limit {
		return usagef("hardness lpn: d = %d, k = %d: the reduction asks d (C(d, k) + 1) = %.4g queries, more than the limit %.0f with the %s oracle",
			d, k, work, limit, *orc)
	}
	w, err := o.open(cmd, stdout)
	if err != nil {
		return err
	}
	conf := map[string]any{"d": d, "k": k, "eta": num(eta), "seed": *seed, "oracle": *orc}
	return o.close(cmd, runLPN(bench.LPNConfig{D: d, K: k, Eta: eta, Seed: *seed, Oracle: *orc}, o.JSON, manifestArgs(cmd, args, conf), w))
}

// runLPN runs the reduction and prints it.
func runLPN(cfg bench.LPNConfig, asJSON bool, m bench.CommandManifest, stdout io.Writer) error {
	d, k, eta, orc := cfg.D, cfg.K, cfg.Eta, cfg.Oracle
	res, err := bench.LPN(cfg)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(stdout, lpnOutput{Support: res.Support, Recovered: res.Recovered, Correct: res.Correct,
			Threshold: num(res.Threshold), Tau: num(res.Tau), LossSamples: res.Samples, Coords: res.Coords, Manifest: m})
	}
	fmt.Fprintf(stdout, "LPN reduction (theory §4.5 step 3): d = %d, k = %d, eta = %g, learner sparse (tol %.4g), %s oracle\n", d, k, eta, res.Tau, orc)
	fmt.Fprintf(stdout, "put j in S iff the learner's loss on D^(j) exceeds opt_0 - gap/2 = %.6f\n\n", res.Threshold)
	fmt.Fprintf(stdout, "%4s %6s %12s %6s %8s %12s\n", "j", "in S", "loss_hat", "put", "queries", "examples")
	for _, c := range res.Coords {
		fmt.Fprintf(stdout, "%4d %6v %12.6f %6v %8d %12d\n", c.J, c.InS, c.LossHat, c.Put, c.Queries, c.Examples)
	}
	fmt.Fprintf(stdout, "\nS = %v, recovered %v, correct %v\n", res.Support, res.Recovered, res.Correct)
	return nil
}
