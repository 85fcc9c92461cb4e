#!/usr/bin/env bash
# Stops the sshd that sshd-up.sh started, and the per-connection sshd processes it forked (a
# stopped listener leaves open sessions alive otherwise). Keeps the keys and known_hosts, so a
# later sshd-up.sh brings back the same host. Safe to run when nothing is running.
#   HWF_CLUSTER_DIR   as for up.sh (state in $HWF_CLUSTER_DIR/ssh)
set -euo pipefail

DIR=${HWF_CLUSTER_DIR:-/var/tmp/hwf-cluster}/ssh
PIDFILE=$DIR/sshd.pid

if [ ! -s "$PIDFILE" ]; then
    echo "sshd-down.sh: no pid file $PIDFILE, nothing to stop"
    exit 0
fi
pid=$(cat "$PIDFILE")
if ! kill -0 "$pid" 2>/dev/null; then
    echo "sshd-down.sh: sshd not running (stale pid file)"
    rm -f "$PIDFILE"
    exit 0
fi
children=$(ps -o pid= --ppid "$pid" || true)
kill -TERM "$pid"
for c in $children; do
    kill -TERM "$c" 2>/dev/null || true
done
for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
    echo "sshd-down.sh: sshd (pid $pid) did not stop within 10 s" >&2
    exit 1
fi
rm -f "$PIDFILE"
echo "sshd-down.sh: stopped sshd (pid $pid)${children:+ and its sessions}"
