#!/usr/bin/env bash
# Stands up a real single-node Slurm (Debian 12: Slurm 22.05) on this machine for hwf's
# end-to-end tests, from nothing and idempotently:
#   packages (apt, only when missing) -> munge -> slurm.conf + gres.conf -> slurmctld + slurmd
#   -> node resumed if drained/invalid -> waits until trivial jobs complete in both partitions.
# A second run leaves a healthy cluster alone; a changed config restarts the daemons.
# Partitions: cpu (default) and gpu; the node has gres gpu:2 (two empty dummy files, so jobs
# get --gres=gpu:N scheduling but no CUDA_VISIBLE_DEVICES). Accounting is off: a finished job
# leaves squeue 30 to 90 s after it ends (MinJobAge=30 plus Slurm's purge interval); jobcomp/filetxt
# keeps one line per finished job or array element. Memory is consumable and --mem is enforced
# (jobacct_gather/linux + OverMemoryKill; no cgroups here, so no OUT_OF_MEMORY state).
# Every daemon binds to the loopback address the host name resolves to (slurmctld 6817, slurmd
# 6818); when the name resolves elsewhere, up.sh adds "127.0.0.1 <host>" to /etc/hosts.
#
# Needs root. Environment:
#   HWF_CLUSTER_DIR   state dir: config copies, spool, state, logs, pid files
#                     (default /var/tmp/hwf-cluster)
#   HWF_CLUSTER_WAIT  seconds to wait for the cluster to run jobs (default 60)
# Stop it with down.sh (same directory).
set -euo pipefail

DIR=${HWF_CLUSTER_DIR:-/var/tmp/hwf-cluster}
WAIT=${HWF_CLUSTER_WAIT:-60}
ETC=/etc/slurm
MARK="# written by hwf src/test/cluster/up.sh; rerun it instead of editing"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
HWF_SCRIPT=up.sh
HWF_T0=$(date +%s%N)
HWF_LOG_FILES=("$DIR/log/slurmctld.log" "$DIR/log/slurmd.log")
log() { hwf_log "$@"; }
die() { hwf_die "$@"; }

[ "$(id -u)" = 0 ] || die "must run as root (it installs packages and starts munged, slurmctld, slurmd)"
# The commands below (and the daemons) must read /etc/slurm/slurm.conf, not the SLURM_CONF a shell
# may have exported for the cluster of up-realistic.sh.
unset SLURM_CONF
case "$WAIT" in '' | *[!0-9]*) die "HWF_CLUSTER_WAIT must be a number of seconds, got '$WAIT'" ;; esac

# ---- 1. packages ---------------------------------------------------------------------------
PKGS=(slurm-wlm slurm-wlm-torque munge openssh-server)
hwf_install_packages "${PKGS[@]}"
for c in munged munge unmunge slurmctld slurmd sbatch squeue sinfo scontrol; do
    command -v "$c" >/dev/null || die "$c not found after installing ${PKGS[*]}"
done

mkdir -p "$DIR"/{state,spool,log,dev}
chmod 0755 "$DIR"

# ---- 2. munge ------------------------------------------------------------------------------
hwf_munge_up "$HWF_PLAIN_MUNGE_MARK" # down.sh stops munged only when this file exists

alive() { hwf_alive "$1" "$(basename "$1" .pid)"; }
ctld_up() { scontrol ping 2>/dev/null | grep -q 'is UP'; }
# A daemon that is not the one in our pid file (another state dir, a service) would keep ours off
# its port; and the config below must not be swapped under it. Checked by port, not by name: the
# daemons of up-realistic.sh (other ports) may run beside these.
hwf_port_free_for slurmctld "$DIR/slurmctld.pid" 6817
hwf_port_free_for slurmd "$DIR/slurmd.pid" 6818

# ---- 3. configuration ----------------------------------------------------------------------
hwf_loopback_host
HOST=$HWF_HOST ADDR=$HWF_ADDR
CPUS=$(nproc)
MEM_MB=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 ))
REAL_MB=$(( MEM_MB * 9 / 10 )) # slurmd drains a node that reports less than RealMemory
touch "$DIR/dev/gpu0" "$DIR/dev/gpu1"

cat >"$DIR/slurm.conf" <<EOF
$MARK
ClusterName=hwf
SlurmctldHost=$HOST($ADDR)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# Bind every daemon to the (loopback) address the host name resolves to, not to all addresses.
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
# No cgroup plugin works in the sandbox this was written on.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# Memory is a consumable resource and --mem is enforced: the accounting poller kills a job that
# goes over its limit (state FAILED, reason JobLaunchFailure; OUT_OF_MEMORY needs task/cgroup).
# A job that names no --mem gets DefMemPerCPU per CPU.
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherParams=OverMemoryKill
JobAcctGatherFrequency=task=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1000
SchedulerType=sched/backfill
# Start jobs as soon as they are submitted or a CPU frees up, not in 3 s batches.
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
MailProg=/bin/true
ReturnToService=2
MinJobAge=30
# room for the benchmarks' 10,000 held jobs beside recently finished ones (the default is 10,000)
MaxJobCount=50000
KillWait=5
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/jobcomp.log
GresTypes=gpu
NodeName=$HOST NodeAddr=$ADDR CPUs=$CPUS RealMemory=$REAL_MB Gres=gpu:2 State=UNKNOWN
PartitionName=cpu Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
PartitionName=gpu Nodes=$HOST Default=NO MaxTime=INFINITE State=UP
EOF

cat >"$DIR/gres.conf" <<EOF
$MARK
# A count-only line (no File=) makes the node register 0 GPUs and drain.
AutoDetect=off
NodeName=$HOST Name=gpu File=$DIR/dev/gpu[0-1]
EOF

# Slurm's commands read /etc/slurm/slurm.conf, and gres.conf from the same directory: install
# copies there. A file there that up.sh did not write is kept as *.before-hwf.
changed=0
mkdir -p "$ETC"
for f in slurm.conf gres.conf; do
    if ! cmp -s "$DIR/$f" "$ETC/$f" && [ -e "$ETC/$f" ] && ! grep -qF "$MARK" "$ETC/$f"; then
        cp -p "$ETC/$f" "$ETC/$f.before-hwf"
        log "kept the existing $ETC/$f as $ETC/$f.before-hwf"
    fi
    if hwf_replace_if_changed "$DIR/$f" "$ETC/$f" 0644; then changed=1; fi
done

# ---- 4. daemons ----------------------------------------------------------------------------

if [ "$changed" = 1 ] && { alive "$DIR/slurmctld.pid" || alive "$DIR/slurmd.pid"; }; then
    log "configuration changed: restarting slurmctld and slurmd"
    HWF_KEEP_MUNGE=1 "$HERE/down.sh" >/dev/null
fi

started=()
if ! alive "$DIR/slurmctld.pid"; then
    slurmctld || die "slurmctld did not start"
    started+=(slurmctld)
fi
for _ in $(seq 100); do ctld_up && break; sleep 0.1; done
ctld_up || die "slurmctld does not answer 'scontrol ping'"
if ! alive "$DIR/slurmd.pid"; then
    slurmd || die "slurmd did not start"
    started+=(slurmd)
fi

# ---- 5. wait for a usable node -------------------------------------------------------------
deadline=$((SECONDS + WAIT))
hwf_wait_nodes "$deadline" "$HOST"

# ---- 6. smoke jobs: one per partition plus one GPU job ---------------------------------------
j_cpu=$(hwf_smoke_submit --partition=cpu --wrap true)
j_gpu=$(hwf_smoke_submit --partition=gpu --wrap true)
j_gres=$(hwf_smoke_submit --partition=gpu --gres=gpu:1 --wrap true)
hwf_smoke_wait "$deadline" "$j_cpu" "$j_gpu" "$j_gres"

# ---- 7. summary ----------------------------------------------------------------------------
version=$(sinfo --version 2>/dev/null || echo 'slurm ?')
echo "hwf cluster up in $(hwf_elapsed) s (${started[*]:-daemons were already running}): $version," \
    "node $HOST (${CPUS} CPUs, ${REAL_MB} MB, gres gpu:2), partitions cpu (default) and gpu"
echo "  smoke jobs COMPLETED: $j_cpu (cpu), $j_gpu (gpu), $j_gres (gpu, --gres=gpu:1)"
echo "  config $ETC/slurm.conf + gres.conf; state, spool, logs under $DIR; finished jobs in $DIR/jobcomp.log"
