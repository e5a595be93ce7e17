package sweep

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSweepSpecExample(t *testing.T) {
	s, err := ReadSpec("../sweeps/gd-vs-d.toml")
	if err != nil {
		t.Fatal(err)
	}
	cells := s.Plan()
	if len(cells) != 18 {
		t.Fatalf("%d cells, want 2 learners x 3 d x 3 seeds = 18", len(cells))
	}
	t.Run("keys", func(t *testing.T) {
		want := []string{
			"learner=gd(steps=30),world=realizable,d=5,oracle=noise,tol=0.001,seed=1",
			"learner=gd(steps=30),world=realizable,d=5,oracle=noise,tol=0.001,seed=2",
		}
		if diff := cmp.Diff(want, []string{cells[0].Key, cells[1].Key}); diff != "" {
			t.Error(diff)
		}
		if got := cells[17].Key; got != "learner=chow,world=realizable,d=20,oracle=noise,tol=0.001,seed=3" {
			t.Errorf("last key %s", got)
		}
		if cells[0].Options["steps"] != "30" || cells[17].Options != nil {
			t.Errorf("options gd %v chow %v", cells[0].Options, cells[17].Options)
		}
	})
	t.Run("shards", func(t *testing.T) {
		seen := map[string]int{}
		for i := range 4 {
			for _, c := range Shard(cells, i, 4) {
				seen[c.Key]++
			}
		}
		if len(seen) != 18 {
			t.Errorf("4 shards cover %d of 18 cells", len(seen))
		}
		for k, n := range seen {
			if n != 1 {
				t.Errorf("%s in %d shards", k, n)
			}
		}
	})
}

func TestSweepSpecZipExclude(t *testing.T) {
	s, err := ParseSpec(`
seeds = [1, 2]
[[grid]]
learner = ["chow", "gd"]
d = [3, 4, 5]
tol = [0.1, 0.2, 0.3]
zip = [["d", "tol"]]
exclude = [{learner = "gd", d = 4}, {d = 5, seed = 2}]
[[grid]]
kind = "game"
learner = ["sparse"]
d = [6]
k = [2]
tau = [0.01]
seeds = [7]
`)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, c := range s.Plan() {
		keys = append(keys, c.Key)
	}
	want := []string{
		"learner=chow,world=realizable,d=3,oracle=exact,tol=0.1,seed=1",
		"learner=chow,world=realizable,d=3,oracle=exact,tol=0.1,seed=2",
		"learner=chow,world=realizable,d=4,oracle=exact,tol=0.2,seed=1",
		"learner=chow,world=realizable,d=4,oracle=exact,tol=0.2,seed=2",
		"learner=chow,world=realizable,d=5,oracle=exact,tol=0.3,seed=1",
		"learner=gd,world=realizable,d=3,oracle=exact,tol=0.1,seed=1",
		"learner=gd,world=realizable,d=3,oracle=exact,tol=0.1,seed=2",
		"learner=gd,world=realizable,d=5,oracle=exact,tol=0.3,seed=1",
		"game,learner=sparse,d=6,k=2,eta=0,tau=0.01,mode=auto,seed=7",
	}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Error(diff)
	}
}

func TestSweepSpecRefused(t *testing.T) {
	base := "seeds = [1]\n[[grid]]\nlearner = [\"gd\"]\nd = [5]\n"
	for _, c := range []struct {
		name, text string
		want       []string // substrings of the error
	}{
		{"unknown top key", "sedes = [1]\n" + base, []string{"line 1", "sedes"}},
		{"unknown grid key", base + "dim = [3]\n", []string{"line 5", "grid.dim"}},
		{"unknown learner", "seeds = [1]\n[[grid]]\nlearner = [\"gdd\"]\nd = [5]\n", []string{"line 3", "learner", `"gdd"`}},
		{"unknown world", base + "world = [\"flat\"]\n", []string{"line 5", "world", `"flat"`}},
		{"unknown oracle", base + "oracle = [\"magic\"]\n", []string{"line 5", "oracle"}},
		{"empty axis", base + "tol = []\n", []string{"line 5", "tol", "empty"}},
		{"empty seeds", "seeds = []\n[[grid]]\nlearner = [\"gd\"]\nd = [5]\n", []string{"line 1", "seeds", "empty"}},
		{"missing d", "seeds = [1]\n[[grid]]\nlearner = [\"gd\"]\n", []string{"d", "missing"}},
		{"bad d", base + "\n[[grid]]\nlearner = [\"gd\"]\nd = [0]\n", []string{"line 8", "block 2", "d"}},
		{"syntax", base + "d = \n", []string{"line 5"}},
		{"type", "seeds = [1]\n[[grid]]\nlearner = [\"gd\"]\nd = [\"five\"]\n", []string{"line 4"}},
		{"game key in learn block", base + "k = [2]\n", []string{"line 5", "k", "game"}},
		{"zip lengths", base + "tol = [0.1, 0.2]\nzip = [[\"d\", \"tol\"]]\n", []string{"line 6", "zip", "length"}},
		{"exclude unknown axis", base + "exclude = [{dim = 3}]\n", []string{"line 5", "exclude", "dim"}},
		{"learner option refused", base + "[learner_options.gd]\nsteps = -3\n", []string{"line 5", "learner_options.gd", "steps"}},
		{"unknown learner options", base + "[learner_options.nope]\nsteps = 3\n", []string{"line 5", "nope"}},
		{"world option of another world", base + "[world_options.realizable]\nfrac = 0.2\n", []string{"line 6", "frac"}},
		{"invalid for the world", base + "world = [\"agnostic\"]\n[world_options.agnostic]\nfrac = 0.9\n", []string{"line 6", "world_options.agnostic", "0.9"}},
		{"no grid", "seeds = [1]\n", []string{"grid"}},
		{"all excluded", base + "exclude = [{learner = \"gd\"}]\n", []string{"no cells"}},
		{"game k odd", "seeds = [1]\n[[grid]]\nkind = \"game\"\nlearner = [\"sparse\"]\nd = [6]\nk = [3]\ntau = [0.01]\n", []string{"line 2", "k"}},
		{"tau in a learn block", base + "tau = [0.01]\n", []string{"line 5", "tau", "tol"}},
		{"tau and tol in a game block", "seeds = [1]\n[[grid]]\nkind = \"game\"\nlearner = [\"sparse\"]\nd = [6]\nk = [2]\ntau = [0.01]\ntol = [0.01]\n", []string{"line 8", "tol"}},
		{"unknown metric", "metrics = [\"loss\", \"speed\"]\n" + base, []string{"line 1", "metrics", `"speed"`}},
		{"bad kind", base + "kind = \"fit\"\n", []string{"line 5", "kind"}},
		{"bad stop rule", base + "eps = [0.01]\nstop = \"guess\"\n", []string{"line 6", "stop", "guess"}},
		{"stop without eps", base + "stop = \"estimate\"\n", []string{"line 5", "stop", "eps"}},
		{"too many cells", "seeds = [" + strings.Repeat("1, ", 999) + "1]\n[[grid]]\nlearner = [\"gd\", \"chow\"]\nd = [" + strings.Repeat("5, ", 999) + "5]\n", []string{"line 2", "more than 1000000 cells", "2e+06"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseSpec(c.text)
			if !errors.Is(err, ErrSpec) {
				t.Fatalf("err = %v, want ErrSpec", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
		})
	}
}

func TestSweepSpecsInRepo(t *testing.T) {
	ents, err := os.ReadDir("../sweeps")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".toml") {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			if _, err := ReadSpec("../sweeps/" + e.Name()); err != nil {
				t.Error(err)
			}
		})
	}
}
