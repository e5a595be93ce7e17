package figure

import "strings"

// labels are the axis labels of sqsim's record keys, with their units.
var labels = map[string]string{
	"queries":        "queries",
	"scalar_queries": "scalar queries",
	"rounds":         "rounds",
	"cost":           "sample cost sum (B/tau)^2",
	"loss":           "loss E[(h(x)-y)^2]",
	"opt":            "opt (best ReLU loss)",
	"excess":         "excess loss (loss - opt)",
	"d":              "dimension d",
	"k":              "support size k",
	"step":           "step",
	"seq":            "query number",
	"steps":          "steps",
	"survivors":      "surviving supports",
	"eps":            "target excess loss eps",
	"tau":            "tolerance tau",
	"tol":            "tolerance tau",
	"eta":            "label noise eta",
	"seed":           "seed",
	"frac":           "corrupted fraction",
	"wall_ns":        "wall time (ns)",
	"success":        "success rate",
	"success_rate":   "success rate",
}

// summarySuffixes name the statistics a summary column can carry, for
// labels ("queries_mean" -> "queries (mean)").
var summarySuffixes = []struct{ suffix, name string }{
	{"_mean", "mean"}, {"_median", "median"}, {"_sd", "sd"}, {"_min", "min"}, {"_max", "max"},
}

// Label is the axis label of a record key: its quantity and unit for the
// keys sqsim writes (queries, scalar_queries, cost, loss, d, opt, step,
// survivors, eps, tau, ...), with a summary statistic in parentheses
// (queries_mean -> "queries (mean)"), else the key itself.
func Label(key string) string {
	if l, ok := labels[key]; ok {
		return l
	}
	for _, s := range summarySuffixes {
		if base, ok := strings.CutSuffix(key, s.suffix); ok {
			if l, ok := labels[base]; ok {
				return l + " (" + s.name + ")"
			}
		}
	}
	return key
}
