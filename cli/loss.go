package cli

import (
	"fmt"
	"io"
	"math"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/sq/gauss"
	"github.com/sqsim/sqsim/world"
)

func init() {
	register(&command{name: "loss", summary: "exact population square loss of relu(w.x) against ReLU labels", run: runLoss})
}

// lossOutput is the JSON object of sqsim loss --json.
type lossOutput struct {
	Loss       num                   `json:"loss"`
	ErrorBound num                   `json:"error_bound"`
	Method     string                `json:"method"`
	Angle      num                   `json:"angle"`
	Manifest   bench.CommandManifest `json:"manifest"`
}

func runLoss(args []string, stdout, stderr io.Writer) error {
	const cmd = "loss"
	f := newFlags(cmd, "--wstar A,B,... --w C,D,... [--clip C] [--noise-var S] [--json] [--out FILE]", stdout)
	var wstar, w []float64
	var clip, noiseVar float64
	f.Var(floatsFlag{&wstar}, "wstar", helpWStar+" (required)")
	f.Var(floatsFlag{&w}, "w", "the hypothesis weights `w`, comma-separated (required)")
	f.Float64Var(&clip, "clip", 0, helpClip+"; default: no clip")
	f.Float64Var(&noiseVar, "noise-var", 0, helpNoiseVar+", added to the loss")
	var o outputFlags
	bindOutput(f, &o, "")
	if err := f.parse(args); err != nil {
		return err
	}
	if !f.set("wstar") || !f.set("w") {
		return usagef("loss: --wstar and --w are both required")
	}
	if len(w) != len(wstar) {
		return usagef("loss: --w has %d entries and --wstar has %d; they must have the same dimension", len(w), len(wstar))
	}
	if err := checkNoiseVar(cmd, noiseVar); err != nil {
		return err
	}
	clipped := f.set("clip")
	if clipped {
		if err := checkClip(cmd, clip); err != nil {
			return err
		}
	}
	out, err := o.open(cmd, stdout)
	if err != nil {
		return err
	}
	return o.close(cmd, printLoss(wstar, w, clipped, clip, noiseVar, o.JSON, args, out))
}

// printLoss computes the loss of relu(w.x) against the labels of w* and
// prints it.
func printLoss(wstar, w []float64, clipped bool, clip, noiseVar float64, asJSON bool, args []string, stdout io.Writer) error {
	var loss, errBound float64
	var err error
	method := "closed form (theory §2.3)"
	if clipped {
		m, err := world.Clipped(wstar, clip)
		if err != nil {
			return usagef("loss: %v", err)
		}
		loss, errBound, err = m.Loss(w)
		if err != nil {
			return fmt.Errorf("loss: %w", err)
		}
		loss += noiseVar
		method = "kink-aware quadrature"
	} else {
		loss, err = gauss.ReluLossChecked(w, wstar, noiseVar)
		if err != nil {
			return fmt.Errorf("loss: %w", err)
		}
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return fmt.Errorf("loss: the loss %v (with the noise variance %g added) is beyond the float64 range", loss, noiseVar)
	}
	if asJSON {
		cfg := map[string]any{"wstar": nums(wstar), "w": nums(w), "noise_var": num(noiseVar)}
		if clipped {
			cfg["clip"] = num(clip)
		}
		return writeJSON(stdout, lossOutput{Loss: num(loss), ErrorBound: num(errBound), Method: method,
			Angle: num(gauss.Angle(w, wstar)), Manifest: manifestArgs("loss", args, cfg)})
	}
	tw := newErrWriter(stdout)
	fmt.Fprintf(tw, "loss %.17g\n", loss)
	fmt.Fprintf(tw, "  E[(relu(w.x) - y)^2] for y = %s%s; %s, error <= %.1e\n", labelDesc(clipped, clip), noiseDesc(noiseVar), method, errBound)
	return prefixErr("loss", tw.Err())
}

func labelDesc(clipped bool, c float64) string {
	if clipped {
		return fmt.Sprintf("min(%g, relu(w*.x))", c)
	}
	return "relu(w*.x)"
}

func noiseDesc(s float64) string {
	if s == 0 {
		return ""
	}
	return fmt.Sprintf(" + noise of variance %g", s)
}
