#!/usr/bin/env bash
# Stops the daemons slurm-up.sh started; see slurm-cluster.sh.
exec "$(dirname "$0")/slurm-cluster.sh" down "$@"
