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
T0=$(date +%s%N)

log() { echo "up.sh: $*" >&2; }
elapsed() { local ns=$(( $(date +%s%N) - T0 )); printf '%d.%01d' $((ns / 1000000000)) $((ns / 100000000 % 10)); }
die() {
    echo "up.sh: ERROR: $*" >&2
    local f
    for f in "$DIR/log/slurmctld.log" "$DIR/log/slurmd.log"; do
        if [ -s "$f" ]; then
            echo "---- last lines of $f" >&2
            tail -n 15 "$f" >&2
        fi
    done
    exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (it installs packages and starts munged, slurmctld, slurmd)"
case "$WAIT" in '' | *[!0-9]*) die "HWF_CLUSTER_WAIT must be a number of seconds, got '$WAIT'" ;; esac

# ---- 1. packages ---------------------------------------------------------------------------
PKGS=(slurm-wlm slurm-wlm-torque munge openssh-server)
missing=()
for p in "${PKGS[@]}"; do
    if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" != installed ]; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || die "apt-get update failed"
    apt-get install -y -qq -o Dpkg::Use-Pty=0 "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
fi
for c in munged munge unmunge slurmctld slurmd sbatch squeue sinfo scontrol; do
    command -v "$c" >/dev/null || die "$c not found after installing ${PKGS[*]}"
done

mkdir -p "$DIR"/{state,spool,log,dev}
chmod 0755 "$DIR"

# ---- 2. munge ------------------------------------------------------------------------------
munge_ok() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }
if ! munge_ok; then
    # No systemd here: the package's service never started. munged refuses to run unless its
    # directories belong to munge; /run/munge does not exist on a fresh container.
    install -d -o munge -g munge -m 0755 /run/munge
    install -d -o munge -g munge -m 0700 /etc/munge /var/log/munge
    install -d -o munge -g munge -m 0711 /var/lib/munge
    if [ ! -s /etc/munge/munge.key ]; then
        mungekey --create --keyfile=/etc/munge/munge.key 2>/dev/null \
            || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    fi
    chown munge:munge /etc/munge/munge.key
    chmod 0400 /etc/munge/munge.key
    runuser -u munge -- munged --force || die "munged did not start (see /var/log/munge/munged.log)"
    touch "$DIR/munged.started-by-up.sh" # down.sh stops munged only when this file exists
    for _ in $(seq 50); do munge_ok && break; sleep 0.1; done
    munge_ok || die "munged is running but 'munge -n | unmunge' fails (see /var/log/munge/munged.log)"
fi

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
ctld_up() { scontrol ping 2>/dev/null | grep -q 'is UP'; }
# A daemon that is not the one in our pid file (another state dir, a service) would keep ours off
# its port; and the config below must not be swapped under it.
for d in slurmctld slurmd; do
    if ! alive "$DIR/$d.pid" && other=$(pgrep -x "$d"); then
        die "a $d not started by up.sh with HWF_CLUSTER_DIR=$DIR is running (pid $(echo $other)); stop it first"
    fi
done

# ---- 3. configuration ----------------------------------------------------------------------
HOST=$(hostname -s)
# With NoInAddrAny the daemons bind to whatever the host name resolves to (not to the configured
# address; checked on 22.05). Keep that on loopback: if the name resolves to another address (a
# container's or a cloud VM's), put "127.0.0.1 <host>" in front of /etc/hosts.
resolve() { getent ahostsv4 "$HOST" 2>/dev/null | awk 'NR == 1 {print $1}'; }
ADDR=$(resolve)
case "$ADDR" in
    127.*) ;;
    *)
        log "$HOST resolves to '${ADDR:-nothing}', not to loopback: adding '127.0.0.1 $HOST' to /etc/hosts"
        hosts=$(cat /etc/hosts)
        # rewritten in place, not replaced: /etc/hosts may be a bind mount (containers)
        printf '127.0.0.1 %s # added by hwf src/test/cluster/up.sh\n%s\n' "$HOST" "$hosts" >/etc/hosts
        ADDR=$(resolve)
        case "$ADDR" in 127.*) ;; *) die "$HOST still resolves to '${ADDR:-nothing}' after editing /etc/hosts" ;; esac
        ;;
esac
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
    if ! cmp -s "$DIR/$f" "$ETC/$f"; then
        if [ -e "$ETC/$f" ] && ! grep -qF "$MARK" "$ETC/$f"; then
            cp -p "$ETC/$f" "$ETC/$f.before-hwf"
            log "kept the existing $ETC/$f as $ETC/$f.before-hwf"
        fi
        install -m 0644 "$DIR/$f" "$ETC/$f"
        changed=1
    fi
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
node_state() { sinfo --noheader --Node --nodes="$HOST" --format=%T 2>/dev/null | sed -n 1p; }
last_resume=-100
state=$(node_state)
while :; do
    case "$state" in
        idle | mixed | allocated | completing) break ;;
        *drain* | *down* | *inval* | *fail*)
            # ReturnToService=2 brings a DOWN node back on registration; a drained or invalid
            # one (for example after a gres change) has to be resumed.
            if [ $((SECONDS - last_resume)) -ge 3 ]; then
                scontrol update nodename="$HOST" state=resume 2>/dev/null || true
                last_resume=$SECONDS
            fi
            ;;
    esac
    if [ "$SECONDS" -ge "$deadline" ]; then
        reason=$(scontrol show node "$HOST" 2>/dev/null | grep -o 'Reason=.*' || true)
        die "node $HOST is '$state', not idle, after ${WAIT}s. ${reason}"
    fi
    sleep 0.2
    state=$(node_state)
done

# ---- 6. smoke jobs: one per partition plus one GPU job ---------------------------------------
submit() {
    sbatch --parsable --job-name=hwf-up-smoke --chdir="$DIR" --output="$DIR/log/smoke-%j.out" "$@" --wrap true \
        || die "sbatch $* --wrap true failed"
}
j_cpu=$(submit --partition=cpu)
j_gpu=$(submit --partition=gpu)
j_gres=$(submit --partition=gpu --gres=gpu:1)
ids="$j_cpu,$j_gpu,$j_gres"
while :; do
    out=$(squeue --noheader --states=all --jobs="$ids" --format='%i %T %r' 2>&1 || true)
    done_count=$(grep -c ' COMPLETED ' <<<"$out" || true)
    [ "$done_count" = 3 ] && break
    if grep -qE ' (FAILED|CANCELLED|TIMEOUT|NODE_FAIL|BOOT_FAIL|OUT_OF_MEMORY|DEADLINE|PREEMPTED) ' <<<"$out"; then
        die "a smoke job did not complete (logs: $DIR/log/smoke-*.out):
$out"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        die "smoke jobs did not complete within ${WAIT}s (id state reason):
$out"
    fi
    sleep 0.2
done

# ---- 7. summary ----------------------------------------------------------------------------
version=$(sinfo --version 2>/dev/null || echo 'slurm ?')
echo "hwf cluster up in $(elapsed) s (${started[*]:-daemons were already running}): $version," \
    "node $HOST (${CPUS} CPUs, ${REAL_MB} MB, gres gpu:2), partitions cpu (default) and gpu"
echo "  smoke jobs COMPLETED: $j_cpu (cpu), $j_gpu (gpu), $j_gres (gpu, --gres=gpu:1)"
echo "  config $ETC/slurm.conf + gres.conf; state, spool, logs under $DIR; finished jobs in $DIR/jobcomp.log"
