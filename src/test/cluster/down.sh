#!/usr/bin/env bash
# Stops the single-node Slurm that up.sh started: slurmd, then slurmctld (by their pid files in
# the state dir), then munged if up.sh was the one that started it and the cluster of
# up-realistic.sh does not use it too. Keeps the state dir, so jobs and job ids survive a
# down.sh/up.sh cycle. Safe to run when nothing is running.
#
#   HWF_CLUSTER_DIR   state dir (default /var/tmp/hwf-cluster), as for up.sh
#   HWF_KEEP_MUNGE=1  leave munged (and the sshd of sshd-up.sh) running (up.sh uses this to restart
#                     Slurm after a config change)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
HWF_SCRIPT=down.sh
DIR=$HWF_PLAIN_DIR

rc=0
hwf_stop slurmd "$DIR/slurmd.pid" slurmd || rc=1
hwf_stop slurmctld "$DIR/slurmctld.pid" slurmctld || rc=1
if [ "${HWF_KEEP_MUNGE:-0}" != 1 ]; then
    # a full stop takes the SSH login node of sshd-up.sh along (a Slurm-only restart keeps it)
    bash "$HERE/sshd-down.sh" || rc=1
    hwf_munge_down "$HWF_PLAIN_MUNGE_MARK" "$HWF_REAL_MUNGE_MARK" "$HWF_REAL_DIR/slurmctld.pid" || rc=1
fi
exit $rc
