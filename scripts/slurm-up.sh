#!/usr/bin/env bash
# Starts the single-node Slurm cluster; see slurm-cluster.sh. Usage: eval "$(scripts/slurm-up.sh)"
exec "$(dirname "$0")/slurm-cluster.sh" up "$@"
