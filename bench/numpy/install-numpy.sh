#!/usr/bin/env bash
# Installs Debian's numpy (python3-numpy, with OpenBLAS through libblas3 /
# libopenblas0 when available) for `sqsim bench --compare numpy`. It installs
# into the system python, /usr/bin/python3, which `sqsim bench` prefers when
# it has numpy. Needs root (or sudo) and apt.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq python3-numpy
# OpenBLAS, if the distribution has it, is what numpy users normally get.
$SUDO apt-get install -y -qq libopenblas0-pthread 2>/dev/null || $SUDO apt-get install -y -qq libopenblas-base 2>/dev/null || true
/usr/bin/python3 -c 'import numpy; print("numpy", numpy.__version__)'
