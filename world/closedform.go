package world

import (
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

// closedForm handles the label terms of the ReLU and halfspace families that
// theory §2.1 gives in closed form. It reports false when it does not apply.
func (m *Model) closedForm(t *sq.Term, out []float64) bool {
	f := &t.Feature
	switch m.fam {
	case famRelu:
		v := m.wstar
		switch t.Label.Kind {
		case sq.LabelY: // the noise has mean zero
			switch f.Kind {
			case sq.FeatOne:
				out[0] = gauss.ReluMean(v)
			case sq.FeatRelu:
				out[0] = gauss.ReluCross(f.W, v)
			case sq.FeatStep:
				out[0] = gauss.ReluStep(v, f.W)
			case sq.FeatLinear:
				gauss.ReluX(v, out)
			case sq.FeatStepX:
				gauss.ReluStepX(v, f.W, out)
			case sq.FeatReluRows:
				for i, row := range f.U {
					out[i] = gauss.ReluCross(row, v)
				}
			default:
				return false
			}
			return true
		case sq.LabelY2:
			if f.Kind == sq.FeatOne {
				out[0] = gauss.ReluSecond(v) + m.noise.Variance()
				return true
			}
		}
	case famHalfspace:
		if t.Label.Kind != sq.LabelY && t.Label.Kind != sq.LabelY2 {
			return false
		}
		// y in {0, 1}, so y^2 = y, and E[y | x] = eta + (1 - 2 eta) 1{w*.x > 0}.
		v, eta := m.wstar, m.noise.Param
		a := 1 - 2*eta
		switch f.Kind {
		case sq.FeatOne:
			out[0] = 0.5
		case sq.FeatStep:
			p := 0.0
			if norm(f.W) > 0 {
				p = eta*0.5 + a*gauss.BothPositive(f.W, v)
			}
			out[0] = p
		case sq.FeatRelu:
			out[0] = eta*gauss.ReluMean(f.W) + a*gauss.ReluStep(f.W, v)
		case sq.FeatLinear:
			gauss.StepX(v, out)
			scale(out, a)
		case sq.FeatStepX:
			gauss.BothStepX(f.W, v, out)
			scale(out, a)
			tmp := make([]float64, len(out))
			gauss.StepX(f.W, tmp)
			for i := range out {
				out[i] += eta * tmp[i]
			}
		default:
			return false
		}
		return true
	}
	return false
}

func scale(v []float64, a float64) {
	for i := range v {
		v[i] *= a
	}
}
