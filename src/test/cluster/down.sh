#!/usr/bin/env bash
# Stops the single-node Slurm that up.sh started: slurmd, then slurmctld (by their pid files in
# the state dir), then munged if up.sh was the one that started it. Keeps the state dir, so jobs
# and job ids survive a down.sh/up.sh cycle. Safe to run when nothing is running.
#
#   HWF_CLUSTER_DIR   state dir (default /var/tmp/hwf-cluster), as for up.sh
#   HWF_KEEP_MUNGE=1  leave munged (and the sshd of sshd-up.sh) running (up.sh uses this to restart
#                     Slurm after a config change)
set -euo pipefail

DIR=${HWF_CLUSTER_DIR:-/var/tmp/hwf-cluster}

# Sends SIGTERM to the process in pid file $2 and waits (at most 15 s) for it to exit.
stop() {
    local name=$1 pidfile=$2 pid
    if [ ! -s "$pidfile" ]; then
        echo "down.sh: $name: no pid file $pidfile, nothing to stop"
        return 0
    fi
    pid=$(cat "$pidfile")
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "down.sh: $name: not running (stale pid file)"
        rm -f "$pidfile"
        return 0
    fi
    kill -TERM "$pid"
    for _ in $(seq 150); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "down.sh: $name (pid $pid) did not stop within 15 s" >&2
        return 1
    fi
    rm -f "$pidfile"
    echo "down.sh: stopped $name (pid $pid)"
}

rc=0
stop slurmd "$DIR/slurmd.pid" || rc=1
stop slurmctld "$DIR/slurmctld.pid" || rc=1
if [ "${HWF_KEEP_MUNGE:-0}" != 1 ]; then
    # a full stop takes the SSH login node of sshd-up.sh along (a Slurm-only restart keeps it)
    bash "$(dirname "${BASH_SOURCE[0]}")/sshd-down.sh" || rc=1
fi
if [ "${HWF_KEEP_MUNGE:-0}" != 1 ] && [ -e "$DIR/munged.started-by-up.sh" ]; then
    if stop munged /run/munge/munged.pid; then
        rm -f "$DIR/munged.started-by-up.sh"
    else
        rc=1
    fi
fi
exit $rc
