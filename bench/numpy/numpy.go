// Package numpy holds the numpy peers of the workloads of `sqsim bench`
// (bench/perf): Python scripts that do the same work the way a researcher
// would write it in numpy on top of OpenBLAS, embedded so that the command
// can run them from any directory. install-numpy.sh installs Debian's
// python3-numpy.
package numpy

import (
	"embed"
	"fmt"
)

//go:embed *.py
var scripts embed.FS

// Scripts returns the scripts of the workload name: the workload's own
// script, then the shared helpers (common.py), by file name.
func Scripts(workload string) (map[string][]byte, error) {
	main, err := scripts.ReadFile(workload + ".py")
	if err != nil {
		return nil, fmt.Errorf("numpy: no script for workload %q", workload)
	}
	common, err := scripts.ReadFile("common.py")
	if err != nil {
		return nil, err
	}
	return map[string][]byte{workload + ".py": main, "common.py": common}, nil
}
