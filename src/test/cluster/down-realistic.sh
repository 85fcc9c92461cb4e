#!/usr/bin/env bash
# Stops the cluster that up-realistic.sh started: the three slurmds, slurmctld, slurmdbd, mariadbd
# (by their pid files in its state dir), then munged if up-realistic.sh started it and the plain
# cluster of up.sh does not use it too. Keeps the state dir and the database, so jobs, job ids and
# accounting survive a down/up cycle. Safe to run when nothing is running.
#
#   HWF_REAL_CLUSTER_DIR  state dir (default /var/tmp/hwf-cluster-real), as for up-realistic.sh
#   HWF_KEEP_DB=1         leave mariadbd and munged running (up-realistic.sh uses this to restart
#                         Slurm after a config change)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
HWF_SCRIPT=down-realistic.sh
DIR=$HWF_REAL_DIR

rc=0
# its login node (login-up.sh), if it runs, first
if [ "${HWF_KEEP_DB:-0}" != 1 ]; then
    bash "$HERE/login-down.sh" >/dev/null || rc=1
fi
hwf_daemon_binary slurmd # up-realistic.sh starts them from their Debian file names (lib.sh)
for n in n1 n2 n3; do
    hwf_stop "slurmd -N $n" "$DIR/slurmd-$n.pid" "$HWF_COMM" || rc=1
done
# the nodes' network namespaces and bridge (up-realistic.sh section 4), once their slurmds are gone;
# kept when up-realistic.sh only restarts Slurm
if [ "${HWF_KEEP_DB:-0}" != 1 ]; then
    for n in n1 n2 n3; do
        [ ! -e "/var/run/netns/hwf-$n" ] || ip netns delete "hwf-$n" || rc=1
    done
    ! ip link show hwfbr0 >/dev/null 2>&1 || ip link delete hwfbr0 || rc=1
fi
hwf_daemon_binary slurmctld
hwf_stop slurmctld "$DIR/slurmctld.pid" "$HWF_COMM" || rc=1
hwf_stop slurmdbd "$DIR/slurmdbd.pid" slurmdbd || rc=1
if [ "${HWF_KEEP_DB:-0}" != 1 ]; then
    hwf_stop mariadbd "$DIR/mysql/mysqld.pid" mariadbd || rc=1
    hwf_munge_down "$HWF_REAL_MUNGE_MARK" "$HWF_PLAIN_MUNGE_MARK" "$HWF_PLAIN_DIR/slurmctld.pid" || rc=1
fi
exit $rc
