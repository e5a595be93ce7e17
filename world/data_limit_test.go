package world

import (
	"errors"
	"strings"
	"testing"
)

// TestDataTooLarge checks the MaxDataValues refusal, with the limit lowered
// to 10 values so that the test need not hold 1e8 of them.
func TestDataTooLarge(t *testing.T) {
	c := dataConfig{name: "data", maxValues: 10}
	b := dataBuilder{c: c}
	for i := range 3 { // 3 rows of d = 2: 9 values
		if err := b.add([]float64{1, 2}, float64(i)); err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
	}
	err := b.add([]float64{1, 2}, 3)
	if err == nil || !strings.Contains(err.Error(), "MaxDataValues = 10") {
		t.Fatalf("4th row: err = %v, want the limit named", err)
	}
	t.Run("reader", func(t *testing.T) {
		c := dataConfig{name: "data", maxValues: 10}
		_, err := readData(strings.NewReader("1,2,3\n4,5,6\n7,8,9\n10,11,12\n"), c)
		if !errors.Is(err, ErrData) || !strings.Contains(err.Error(), "line 4") || !strings.Contains(err.Error(), "MaxDataValues") {
			t.Errorf("err = %v, want ErrData at line 4 naming MaxDataValues", err)
		}
	})
	t.Run("bytes", func(t *testing.T) {
		l := &limitedReader{r: strings.NewReader("1,2\n3,4\n"), left: 4}
		_, err := readData(l, dataConfig{name: "data", maxValues: MaxDataValues})
		if !errors.Is(err, ErrData) || !strings.Contains(err.Error(), "MaxDataBytes") {
			t.Errorf("err = %v, want ErrData naming MaxDataBytes", err)
		}
	})
}
