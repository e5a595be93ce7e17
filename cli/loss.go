package cli

import (
	"fmt"
	"io"
	"math"

	"github.com/sqsim/sqsim/sq/gauss"
	"github.com/sqsim/sqsim/world"
)

func init() {
	register(&command{name: "loss", summary: "exact population square loss of relu(w.x) against ReLU labels", run: runLoss})
}

func runLoss(args []string, stdout, stderr io.Writer) error {
	f := newFlags("loss", "--wstar A,B,... --w C,D,... [--clip C] [--noise-var S] [--json]", stdout)
	wstarS := f.String("wstar", "", "the target ReLU's weights w*, comma-separated (required)")
	wS := f.String("w", "", "the hypothesis weights w, comma-separated (required)")
	clip := f.Float64("clip", 0, "clip the labels: y = min(C, relu(w*.x)); must be > 0 (default: no clip)")
	noiseVar := f.Float64("noise-var", 0, "variance S >= 0 of independent zero-mean label noise")
	asJSON := f.Bool("json", false, "print one JSON object")
	if err := f.parse(args); err != nil {
		return err
	}
	if !f.set("wstar") || !f.set("w") {
		return usagef("loss: --wstar and --w are both required")
	}
	wstar, err := parseVec("wstar", *wstarS)
	if err != nil {
		return err
	}
	w, err := parseVec("w", *wS)
	if err != nil {
		return err
	}
	if len(w) != len(wstar) {
		return usagef("loss: --w has %d entries and --wstar has %d; they must have the same dimension", len(w), len(wstar))
	}
	if err := checkFinite("noise-var", *noiseVar); err != nil {
		return err
	}
	if *noiseVar < 0 {
		return usagef("loss: --noise-var %v is negative, want a variance >= 0", *noiseVar)
	}
	clipped := f.set("clip")
	if clipped {
		if err := checkFinite("clip", *clip); err != nil {
			return err
		}
		if !(*clip > 0) {
			return usagef("loss: --clip %v, want a clip level > 0", *clip)
		}
	}
	var loss, errBound float64
	method := "closed form (theory §2.3)"
	if clipped {
		m, err := world.Clipped(wstar, *clip)
		if err != nil {
			return usagef("loss: %v", err)
		}
		loss, errBound, err = m.Loss(w)
		if err != nil {
			return fmt.Errorf("loss: %w", err)
		}
		loss += *noiseVar
		method = "kink-aware quadrature"
	} else {
		loss, err = gauss.ReluLossChecked(w, wstar, *noiseVar)
		if err != nil {
			return fmt.Errorf("loss: %w", err)
		}
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return fmt.Errorf("loss: the loss %v (with the noise variance %g added) is beyond the float64 range", loss, *noiseVar)
	}
	if *asJSON {
		cfg := map[string]any{"wstar": nums(wstar), "w": nums(w), "noise_var": num(*noiseVar)}
		if clipped {
			cfg["clip"] = num(*clip)
		}
		return writeJSON(stdout, map[string]any{
			"loss": num(loss), "error_bound": num(errBound), "method": method,
			"angle": num(gauss.Angle(w, wstar)), "manifest": manifest("loss", cfg),
		})
	}
	fmt.Fprintf(stdout, "loss %.17g\n", loss)
	fmt.Fprintf(stdout, "  E[(relu(w.x) - y)^2] for y = %s%s; %s, error <= %.1e\n", labelDesc(clipped, *clip), noiseDesc(*noiseVar), method, errBound)
	return nil
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
