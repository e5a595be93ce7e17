package sweep

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrShard is the sentinel of a bad shard: --shard i/N or the scheduler's
// environment.
var ErrShard = errors.New("sweep: bad shard")

// ParseShard parses "i/N" (0 <= i < N).
func ParseShard(s string) (i, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	if ok {
		i, err = strconv.Atoi(strings.TrimSpace(a))
		if err == nil {
			n, err = strconv.Atoi(strings.TrimSpace(b))
		}
	}
	if !ok || err != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("%w: %q, want i/N with 0 <= i < N (e.g. 0/4)", ErrShard, s)
	}
	return i, n, nil
}

// ShardFromEnv reads the shard from a scheduler's environment (getenv is
// os.Getenv): a Slurm job array (SLURM_ARRAY_TASK_ID with
// SLURM_ARRAY_TASK_COUNT, or with SLURM_ARRAY_TASK_MIN and
// SLURM_ARRAY_TASK_MAX: shard ID-MIN of MAX-MIN+1), or a Kubernetes
// Indexed Job (JOB_COMPLETION_INDEX with the completions count, which the
// Job passes as SQSIM_SHARDS or JOB_COMPLETIONS, since Kubernetes does not
// set it). found is false when neither is set.
func ShardFromEnv(getenv func(string) string) (i, n int, found bool, err error) {
	num := func(name string) (int, error) {
		v, err := strconv.Atoi(strings.TrimSpace(getenv(name)))
		if err != nil {
			return 0, fmt.Errorf("%w: %s=%q, want an integer", ErrShard, name, getenv(name))
		}
		return v, nil
	}
	check := func(src string) (int, int, bool, error) {
		if n < 1 || i < 0 || i >= n {
			return 0, 0, true, fmt.Errorf("%w: %s gives shard %d of %d, want 0 <= i < N", ErrShard, src, i, n)
		}
		return i, n, true, nil
	}
	if getenv("SLURM_ARRAY_TASK_ID") != "" {
		id, err := num("SLURM_ARRAY_TASK_ID")
		if err != nil {
			return 0, 0, true, err
		}
		if getenv("SLURM_ARRAY_TASK_MIN") != "" && getenv("SLURM_ARRAY_TASK_MAX") != "" {
			lo, err := num("SLURM_ARRAY_TASK_MIN")
			if err != nil {
				return 0, 0, true, err
			}
			hi, err := num("SLURM_ARRAY_TASK_MAX")
			if err != nil {
				return 0, 0, true, err
			}
			i, n = id-lo, hi-lo+1
			if getenv("SLURM_ARRAY_TASK_COUNT") != "" {
				if c, err := num("SLURM_ARRAY_TASK_COUNT"); err == nil && c != n {
					return 0, 0, true, fmt.Errorf("%w: SLURM_ARRAY_TASK_COUNT=%d but MIN..MAX = %d..%d spans %d (a stepped array such as 0-7:2 is not supported: use --shard)", ErrShard, c, lo, hi, n)
				}
			}
			return check("SLURM_ARRAY_TASK_ID/MIN/MAX")
		}
		if getenv("SLURM_ARRAY_TASK_COUNT") == "" {
			return 0, 0, true, fmt.Errorf("%w: SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MIN/MAX", ErrShard)
		}
		c, err := num("SLURM_ARRAY_TASK_COUNT")
		if err != nil {
			return 0, 0, true, err
		}
		i, n = id, c
		return check("SLURM_ARRAY_TASK_ID/COUNT")
	}
	if getenv("JOB_COMPLETION_INDEX") != "" {
		idx, err := num("JOB_COMPLETION_INDEX")
		if err != nil {
			return 0, 0, true, err
		}
		name := "SQSIM_SHARDS"
		if getenv(name) == "" {
			name = "JOB_COMPLETIONS"
		}
		if getenv(name) == "" {
			return 0, 0, true, fmt.Errorf("%w: JOB_COMPLETION_INDEX is set but not the completions count (set SQSIM_SHARDS or JOB_COMPLETIONS to the Job's spec.completions)", ErrShard)
		}
		c, err := num(name)
		if err != nil {
			return 0, 0, true, err
		}
		i, n = idx, c
		return check("JOB_COMPLETION_INDEX/" + name)
	}
	return 0, 0, false, nil
}
