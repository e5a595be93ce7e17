package sq

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Floats is a []float64 whose JSON form keeps every value bit for bit: finite
// values as shortest round-trip decimals, NaN and infinities as the strings
// "NaN", "+Inf" and "-Inf".
type Floats []float64

// MarshalJSON implements json.Marshaler.
func (f Floats) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 2+len(f)*20)
	b = append(b, '[')
	for i, v := range f {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendFloat(b, v)
	}
	return append(b, ']'), nil
}

// AppendFloat appends the JSON form of v used by Floats.
func AppendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, `"NaN"`...)
	case math.IsInf(v, 1):
		return append(b, `"+Inf"`...)
	case math.IsInf(v, -1):
		return append(b, `"-Inf"`...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *Floats) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make([]float64, len(raw))
	for i, r := range raw {
		v, err := parseJSONFloat(r)
		if err != nil {
			return err
		}
		out[i] = v
	}
	*f = out
	return nil
}

func parseJSONFloat(r json.RawMessage) (float64, error) {
	if len(r) > 0 && r[0] == '"' {
		var s string
		if err := json.Unmarshal(r, &s); err != nil {
			return 0, err
		}
		switch s {
		case "NaN":
			return math.NaN(), nil
		case "+Inf", "Inf":
			return math.Inf(1), nil
		case "-Inf":
			return math.Inf(-1), nil
		}
		return 0, fmt.Errorf("sq: %q is not a number", s)
	}
	return strconv.ParseFloat(string(r), 64)
}
