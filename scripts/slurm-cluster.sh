#!/usr/bin/env bash
# A throwaway single-node Slurm cluster on this machine, for trying sqsim's
# sharded sweeps and for CI.
#
#   scripts/slurm-cluster.sh up       install (if missing), configure, start, wait until ready;
#                                     prints `export SLURM_CONF=...` on stdout (eval it)
#   scripts/slurm-cluster.sh status   what runs, and whether the controller answers
#   scripts/slurm-cluster.sh down     cancel leftover jobs, wait for the node to drain, then stop
#                                     exactly the daemons `up` started (by their recorded PIDs)
#
# Needs root (it installs Debian packages and runs slurmd, which starts jobs as their user) and
# a Debian or Ubuntu system; no systemd needed. Everything it writes lives in the state directory
# (SQSIM_SLURM_DIR, default /tmp/sqsim-slurm), apart from the packages and munge's runtime dir.
#
# Environment:
#   SQSIM_SLURM_DIR       state directory (slurm.conf, logs, spool, PID files)
#   SQSIM_SLURM_TIMEOUT   seconds to wait for each readiness step (default 60)
#   SQSIM_SLURM_CTLD_PORT, SQSIM_SLURM_SLURMD_PORT   ports on 127.0.0.1 (default 6817, 6818)
#   SQSIM_SLURM_NO_INSTALL=1   never run apt-get; fail if a program is missing
set -euo pipefail

STATE="${SQSIM_SLURM_DIR:-/tmp/sqsim-slurm}"
TIMEOUT="${SQSIM_SLURM_TIMEOUT:-60}"
CTLD_PORT="${SQSIM_SLURM_CTLD_PORT:-6817}"
SLURMD_PORT="${SQSIM_SLURM_SLURMD_PORT:-6818}"
CONF="$STATE/slurm.conf"
export SLURM_CONF="$CONF"

t0=$(date +%s.%N)
log() { printf 'slurm-cluster: %s\n' "$*" >&2; }
die() { printf 'slurm-cluster: error: %s\n' "$*" >&2; exit 1; }
elapsed() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }

# alive PIDFILE NAME: the PID recorded in PIDFILE runs, and its command is NAME
# (guards against a recycled PID) and has not exited.
alive() {
  local f=$1 name=$2 pid
  [ -s "$f" ] || return 1
  pid=$(cat "$f")
  [ -d "/proc/$pid" ] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] || return 1
  # An exited daemon whose parent has not reaped it yet (a zombie) counts as stopped.
  ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s; 1 on timeout. With
# WATCH=PIDFILE:NAME set, returns 2 as soon as that daemon has exited.
wait_for() {
  local secs=$1 what=$2; shift 2
  local deadline=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    if [ -n "${WATCH:-}" ] && ! alive "${WATCH%%:*}" "${WATCH##*:}"; then
      return 2
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      return 1
    fi
    sleep 0.2
  done
  log "$what ($(elapsed) s)"
}

# failed_start NAME RC LOG...: the error for a daemon that exited (RC 2) or did not get ready.
failed_start() {
  local name=$1 rc=$2; shift 2
  # The last log is the daemon's own stderr: it has what it printed before its log file opened.
  tail -n 12 "${@: -1}" >&2 2>/dev/null || true
  if [ "$rc" = 2 ]; then
    echo "$name exited during startup (logs: $*)"
  else
    echo "$name not ready within $TIMEOUT s (logs: $*)"
  fi
}

munge_ok() { munge -n </dev/null | unmunge >/dev/null; }
ctld_up() { scontrol ping 2>/dev/null | grep -q 'is UP'; }
node_idle() { [ "$(sinfo -h -o %t 2>/dev/null)" = idle ]; }
no_jobs() { [ -z "$(squeue -h -o %i 2>/dev/null)" ] && squeue >/dev/null 2>&1; }
no_stepd() { ! pgrep -x slurmstepd >/dev/null; }

install_missing() {
  local missing=() p
  command -v munged >/dev/null || missing+=(munge)
  command -v slurmctld >/dev/null || missing+=(slurmctld)
  command -v slurmd >/dev/null || missing+=(slurmd)
  command -v sbatch >/dev/null || missing+=(slurm-client)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "${SQSIM_SLURM_NO_INSTALL:-}" = 1 ] && die "missing packages ${missing[*]} and SQSIM_SLURM_NO_INSTALL=1"
  command -v apt-get >/dev/null || die "missing ${missing[*]}, and no apt-get to install them: install Slurm and munge by hand"
  log "installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  mkdir -p "$STATE"
  local alog="$STATE/apt.log"
  apt-get -o DPkg::Lock::Timeout=600 -q update >"$alog" 2>&1 \
    || { tail -n 20 "$alog" >&2; die "apt-get update failed (log: $alog)"; }
  apt-get -o DPkg::Lock::Timeout=600 -y -q --no-install-recommends install "${missing[@]}" >>"$alog" 2>&1 \
    || { tail -n 20 "$alog" >&2; die "apt-get install ${missing[*]} failed (log: $alog)"; }
  for p in munged slurmctld slurmd sbatch; do
    command -v $p >/dev/null || die "$p still missing after installing ${missing[*]}"
  done
  log "installed ($(elapsed) s)"
}

write_conf() {
  local host node
  host=$(hostname -s)
  # slurmd -C prints this machine's real CPUs, layout and memory: a node configured with more
  # than it has would be drained ("Low RealMemory").
  node=$(slurmd -C 2>/dev/null | grep -m1 '^NodeName=') || die "slurmd -C printed no NodeName line"
  node=$(printf '%s\n' "$node" | sed -E "s/^NodeName=[^ ]+/NodeName=$host NodeAddr=127.0.0.1/")
  mkdir -p "$STATE/state" "$STATE/spool" "$STATE/log"
  cat >"$CONF" <<CONF
# Written by scripts/slurm-cluster.sh: a single-node cluster on 127.0.0.1.
ClusterName=sqsim
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$STATE/log/jobcomp.txt
StateSaveLocation=$STATE/state
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.daemon.pid
SlurmdPidFile=$STATE/slurmd.daemon.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
MailProg=/bin/true
ReturnToService=2
MinJobAge=600
$node State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
}

port_busy() {
  command -v ss >/dev/null || return 1
  ss -ltnH "sport = :$1" 2>/dev/null | grep -q .
}

start_munge() {
  if munge_ok 2>/dev/null; then
    log "munged already answers: using it (down will leave it running)"
    rm -f "$STATE/munged.pid"
    return 0
  fi
  if [ ! -s /etc/munge/munge.key ]; then
    log "creating /etc/munge/munge.key"
    mungekey --create --force >&2 || die "mungekey --create failed"
  fi
  chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
  mkdir -p /run/munge && chown munge:munge /run/munge && chmod 0755 /run/munge
  # setpriv execs munged, so $! is munged's own PID (runuser would keep a parent).
  nohup setpriv --reuid=munge --regid=munge --init-groups munged --foreground \
    </dev/null >"$STATE/log/munged.out" 2>&1 &
  echo $! >"$STATE/munged.pid"
  local rc=0
  WATCH="$STATE/munged.pid:munged" wait_for "$TIMEOUT" "munged ready (pid $(cat "$STATE/munged.pid"))" munge_ok || rc=$?
  if [ $rc != 0 ]; then
    local msg; msg=$(failed_start munged $rc "$STATE/log/munged.out")
    stop "$STATE/munged.pid" munged
    die "$msg"
  fi
}

up() {
  [ "$(id -u)" = 0 ] || die "must run as root (slurmd starts jobs as their users); try: sudo $0 up"
  if alive "$STATE/slurmctld.pid" slurmctld || alive "$STATE/slurmd.pid" slurmd; then
    die "already up (state $STATE); run '$0 down' first"
  fi
  install_missing
  for p in "$CTLD_PORT" "$SLURMD_PORT"; do
    port_busy "$p" && die "port $p is in use (another Slurm?); set SQSIM_SLURM_CTLD_PORT/SQSIM_SLURM_SLURMD_PORT"
  done
  # A fresh cluster each time: no jobs or node state from an earlier run.
  rm -rf "$STATE/state" "$STATE/spool" "$STATE/log"
  mkdir -p "$STATE"
  write_conf
  start_munge

  nohup slurmctld -D -i </dev/null >"$STATE/log/slurmctld.out" 2>&1 &
  echo $! >"$STATE/slurmctld.pid"
  local rc=0 msg
  WATCH="$STATE/slurmctld.pid:slurmctld" wait_for "$TIMEOUT" "slurmctld UP (pid $(cat "$STATE/slurmctld.pid"))" ctld_up || rc=$?
  if [ $rc != 0 ]; then
    msg=$(failed_start "slurmctld (scontrol ping)" $rc "$STATE/log/slurmctld.log" "$STATE/log/slurmctld.out")
    down_daemons
    die "$msg"
  fi

  nohup slurmd -D </dev/null >"$STATE/log/slurmd.out" 2>&1 &
  echo $! >"$STATE/slurmd.pid"
  WATCH="$STATE/slurmd.pid:slurmd" wait_for "$TIMEOUT" "node idle (slurmd pid $(cat "$STATE/slurmd.pid"))" node_idle || rc=$?
  if [ $rc != 0 ]; then
    sinfo -R >&2 2>/dev/null || true
    msg=$(failed_start "slurmd (node state '$(sinfo -h -o %t 2>/dev/null)', want idle)" $rc "$STATE/log/slurmd.log" "$STATE/log/slurmd.out")
    down_daemons
    die "$msg"
  fi
  log "up in $(elapsed) s; state in $STATE"
  echo "export SLURM_CONF=$CONF"
}

# stop PIDFILE NAME: SIGTERM, wait up to 10 s, then SIGKILL; only if the PID is still NAME.
stop() {
  local f=$1 name=$2 pid i
  if ! alive "$f" "$name"; then
    rm -f "$f"
    return 0
  fi
  pid=$(cat "$f")
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 50); do
    alive "$f" "$name" || break
    sleep 0.2
  done
  if alive "$f" "$name"; then
    log "$name (pid $pid) ignored SIGTERM for 10 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  log "stopped $name (pid $pid) ($(elapsed) s)"
  rm -f "$f"
}

down_daemons() {
  stop "$STATE/slurmd.pid" slurmd
  stop "$STATE/slurmctld.pid" slurmctld
  stop "$STATE/munged.pid" munged
}

down() {
  if [ ! -f "$CONF" ] && [ ! -f "$STATE/slurmctld.pid" ]; then
    log "nothing to stop in $STATE"
    return 0
  fi
  if alive "$STATE/slurmctld.pid" slurmctld && ctld_up; then
    local jobs
    jobs=$(squeue -h -o %i 2>/dev/null | tr '\n' ' ')
    if [ -n "${jobs// }" ]; then
      log "cancelling leftover jobs: $jobs"
      scancel --full $(squeue -h -o %A 2>/dev/null) 2>/dev/null || true
    fi
    wait_for "$TIMEOUT" "queue empty" no_jobs || log "warning: jobs still queued after $TIMEOUT s"
    if alive "$STATE/slurmd.pid" slurmd; then
      wait_for "$TIMEOUT" "node idle" node_idle || log "warning: node still '$(sinfo -h -o %t 2>/dev/null)' after $TIMEOUT s"
    fi
  fi
  wait_for "$TIMEOUT" "no slurmstepd left" no_stepd || log "warning: slurmstepd still running after $TIMEOUT s"
  down_daemons
  log "down in $(elapsed) s"
}

status() {
  local rc=0 n
  for n in munged slurmctld slurmd; do
    if alive "$STATE/$n.pid" "$n"; then
      echo "$n: running (pid $(cat "$STATE/$n.pid"))"
    elif [ "$n" = munged ] && munge_ok 2>/dev/null; then
      echo "munged: running (not started by this script)"
    else
      echo "$n: not running"; rc=1
    fi
  done
  if [ -f "$CONF" ]; then
    echo "SLURM_CONF=$CONF"
    scontrol ping 2>&1 || rc=1
    sinfo 2>&1 || true
  fi
  return $rc
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
