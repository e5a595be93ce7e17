package cli

import (
	"fmt"
	"io"
)

// helpExamples are the examples each command's -h ends with (plot's help
// has its own): real command lines, small enough to run in seconds unless
// they say otherwise. TestHelpExamples checks their flags exist.
var helpExamples = map[string][]string{
	"approxfit":       {"sqsim approxfit --d 8 --eps 0.1   # approx, chow, gd on agnostic worlds of growing opt; slopes of loss against opt (half a minute)"},
	"bench":           {"sqsim bench --workload exact,stream --d 64 --n 100000 --reps 3"},
	"demo":            {"sqsim demo", "sqsim demo --json"},
	"docs":            {"sqsim docs --skip-long README.md docs/tutorial.md", "sqsim docs --update --skip-long docs/hardness.md"},
	"experiments":     {"sqsim experiments            # check docs/experiments.md and its figures", "sqsim experiments --update   # regenerate them"},
	"hardness curve":  {"sqsim hardness curve --k 2 --dims 2=8,16,32"},
	"hardness escape": {"sqsim hardness escape --k 2 --d 8,16 --seeds 2"},
	"hardness game":   {"sqsim hardness game --d 20 --k 4 --tau 1e-3 --learner gd --seed 1", "sqsim hardness game --d 12 --k 2 --tau 0.04 --learner sparse --records game.jsonl"},
	"hardness info":   {"sqsim hardness info --d 1024 --k 8 --tau 1e-3"},
	"hardness lpn":    {"sqsim hardness lpn --d 8 --k 2 --oracle exact"},
	"learn":           {"sqsim learn --learner gd --d 10 --oracle noise --tol 1e-3", "sqsim learn --learner chow --world agnostic --frac 0.05 --json", "sqsim learn --learner gd --set steps=50 --trace gd.jsonl && sqsim replay gd.jsonl"},
	"loss":            {"sqsim loss --wstar 0.6,0.8 --w 1,0"},
	"replay":          {"sqsim learn --learner gd --trace gd.jsonl && sqsim replay gd.jsonl"},
	"results":         {"sqsim results --d 5 --learners chow,gd   # the whole grid of docs/results.md with no flags (minutes)"},
	"serve":           {"sqsim serve                  # builds the lab and serves it on http://127.0.0.1:8080/", "sqsim web build site && sqsim serve --dir site --addr 127.0.0.1:9000"},
	"web build":       {"sqsim web build site   # then put site/ on any static host, or sqsim serve --dir site"},
	"sweep merge":     {"sqsim sweep merge runs/gd-vs-d"},
	"sweep plan":      {"sqsim sweep plan sweeps/gd-vs-d.toml --shards 4"},
	"sweep run":       {"sqsim sweep run sweeps/gd-vs-d.toml --out runs/gd-vs-d   # run it again to resume", "sqsim sweep run sweeps/gd-vs-d.toml --out runs/gd-vs-d --shard 1/4"},
	"sweep status":    {"sqsim sweep status runs/gd-vs-d"},
	"sweep slurm":     {"sqsim sweep slurm sweeps/gd-vs-d.toml --out /scratch/gd-vs-d --shards 4 --time 30 --submit"},
	"sweep k8s":       {"sqsim sweep k8s sweeps/gd-vs-d.toml --image registry.example/sqsim:1 --pvc sweep-results --out /data/gd-vs-d > job.yaml"},
}

// printExamples ends a command's -h with its examples.
func printExamples(w io.Writer, name string) {
	ex := helpExamples[name]
	if len(ex) == 0 {
		return
	}
	fmt.Fprintln(w, "\nexamples:")
	for _, e := range ex {
		fmt.Fprintf(w, "  %s\n", e)
	}
}
