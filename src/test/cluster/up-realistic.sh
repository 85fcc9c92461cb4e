#!/usr/bin/env bash
# Stands up a production-like Slurm (Debian 12: Slurm 22.05) BESIDE the plain test cluster of
# up.sh, from nothing and idempotently: three nodes, accounting in slurmdbd + MariaDB, QOS limits
# enforced, memory enforced by cgroups. Its commands are selected per process with
#   export SLURM_CONF=/var/tmp/hwf-cluster-real/slurm.conf
# (the plain cluster keeps /etc/slurm/slurm.conf, ports 6817/6818 and /var/tmp/hwf-cluster).
#
#   packages (apt, only when missing: slurm-wlm, slurmdbd, mariadb-server, munge) -> munge (shared
#   with up.sh) -> MariaDB (own datadir, 127.0.0.1:6834) -> slurmdbd (6829) -> cluster, account,
#   user and QOS limits in sacctmgr -> slurmctld (6827) -> slurmd -N n1|n2|n3 (6831-6833)
#   -> nodes resumed if drained -> smoke jobs (after a start only) -> how to use it.
#
# The cluster "hwfreal": nodes n1 n2 n3 (all on this host: multiple-slurmd, one port each; each in
# network and UTS namespaces of its own where the kernel allows, see section 4), CPUs=2 and RealMemory=2000 each; partitions cpu (n[1-3], default) and gpu (n3,
# gres gpu:2 from two empty dummy files: --gres=gpu:N is scheduled, no CUDA_VISIBLE_DEVICES).
# AccountingStorageEnforce=associations,limits,qos; account hwf with user root (default account);
# QOS normal: MaxSubmitJobsPerUser=20, MaxJobsPerUser=6. MaxArraySize=101. Memory: task/cgroup with
# ConstrainRAMSpace/ConstrainSwapSpace (cgroup v1): a job over its --mem ends OUT_OF_MEMORY.
# MinJobAge=30: finished jobs leave squeue within about a minute; sacct keeps them.
#
# A second run with everything up only checks it (no smoke jobs, which would count against the
# QOS limits of whoever uses the cluster); a changed config restarts slurmctld, slurmdbd and the
# slurmds (not MariaDB). Pid files of killed daemons are detected (pid gone, or now another
# program) and the daemon started again.
#
# Traps met on a Debian 12 VM (root, no systemd, cgroup v1), each handled where it bites below:
#  - slurmdbd listens on 0.0.0.0 unless slurmdbd.conf says CommunicationParameters=NoInAddrAny.
#  - mariadbd reads Debian's /etc/mysql config (port 3306, /run/mysqld) unless --no-defaults;
#    with --skip-name-resolve a TCP login from 127.0.0.1 is 'slurm'@'127.0.0.1', not @'localhost'.
#  - slurmdbd logs "Database settings not recommended values" below half of its recommended
#    innodb_buffer_pool_size (1 GiB), innodb_log_file_size (64 MiB), innodb_lock_wait_timeout (900).
#  - A killed daemon stays a zombie for a second or two (pid 1 reaps late) and kill -0 still
#    succeeds on it: lib.sh's hwf_alive/hwf_stop look at the process state too.
#  - Older copies of up.sh refuse to start the plain cluster when "pgrep -x slurmctld" (or slurmd)
#    finds a daemon they did not start: these run as slurmctld-wlm and slurmd-wlm (lib.sh).
#  - slurmctld killed with -9 forgets the job ids it handed out since its last state save: the next
#    ones repeat them (sacct then shows the newest job of an id).
#  - cgroup v1 needed nothing on this kernel (memory, freezer, cpuset, devices mounted under
#    /sys/fs/cgroup, memory.memsw.* present for ConstrainSwapSpace); each slurmd makes its own
#    tree (/sys/fs/cgroup/memory/slurm_n1/uid_0/job_ID/...). The dummy GPU files are plain files:
#    slurmd logs "... is not a valid character or block device" and counts them all the same.
#
# Needs root. Environment:
#   HWF_REAL_CLUSTER_DIR      state dir (default /var/tmp/hwf-cluster-real): configs, spool,
#                             state, logs, pid files, the MariaDB datadir
#   HWF_REAL_WAIT             seconds to wait for daemons and smoke jobs (default 90)
#   HWF_REAL_MAX_SUBMIT       QOS normal MaxSubmitJobsPerUser (default 20)
#   HWF_REAL_MAX_JOBS         QOS normal MaxJobsPerUser (default 6)
#   HWF_REAL_MAX_ARRAY_SIZE   MaxArraySize (default 101: --array=0-100 at most)
# Stop it with down-realistic.sh (same directory).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
HWF_SCRIPT=up-realistic.sh
HWF_T0=$(date +%s%N)
DIR=$HWF_REAL_DIR
WAIT=${HWF_REAL_WAIT:-90}
MAX_SUBMIT=${HWF_REAL_MAX_SUBMIT:-20}
MAX_JOBS=${HWF_REAL_MAX_JOBS:-6}
MAX_ARRAY=${HWF_REAL_MAX_ARRAY_SIZE:-101}
MARK="# written by hwf src/test/cluster/up-realistic.sh; rerun it instead of editing"
CLUSTER=hwfreal
ACCOUNT=hwf
NODES=(n1 n2 n3)
CTLD_PORT=6827
DBD_PORT=6829
NODE_PORT0=6830 # n1 listens on 6831, n2 on 6832, n3 on 6833
DB_PORT=6834
DB=$DIR/mysql
HWF_LOG_FILES=("$DIR/log/slurmctld.log" "$DIR/log/slurmdbd.log" "$DB/mysqld.err")
for n in "${NODES[@]}"; do HWF_LOG_FILES+=("$DIR/log/slurmd-$n.log"); done

[ "$(id -u)" = 0 ] || hwf_die "must run as root (it installs packages and starts munged, mariadbd, slurmdbd, slurmctld, slurmd)"
for v in WAIT MAX_SUBMIT MAX_JOBS MAX_ARRAY; do
    case "${!v}" in '' | *[!0-9]*) hwf_die "$v must be a number, got '${!v}'" ;; esac
done
# Every Slurm command and daemon below (and slurmdbd, which reads slurmdbd.conf from the same
# directory) works on this cluster's config, never on /etc/slurm's.
export SLURM_CONF=$DIR/slurm.conf

# ---- 1. packages ---------------------------------------------------------------------------
PKGS=(slurm-wlm munge slurmdbd mariadb-server)
hwf_install_packages "${PKGS[@]}"
for c in munged slurmctld slurmd slurmdbd sacctmgr sacct mariadbd mariadb-install-db mariadb mariadb-admin; do
    command -v "$c" >/dev/null || hwf_die "$c not found after installing ${PKGS[*]}"
done
# slurmctld and slurmd run from their Debian file names (slurmctld-wlm, slurmd-wlm): see lib.sh.
hwf_daemon_binary slurmctld
CTLD_BIN=$HWF_BIN CTLD_COMM=$HWF_COMM
hwf_daemon_binary slurmd
SLURMD_BIN=$HWF_BIN SLURMD_COMM=$HWF_COMM
mkdir -p "$DIR"/{state,log,dev} "$DB"
for n in "${NODES[@]}"; do mkdir -p "$DIR/spool/$n"; done
chmod 0755 "$DIR" # mysqld (user mysql) must reach its datadir below it
touch "$DIR/dev/gpu0" "$DIR/dev/gpu1"

# ---- 2. munge (one munged serves both clusters) ---------------------------------------------
hwf_munge_up "$HWF_REAL_MUNGE_MARK"

# ---- 3. ports: ours, or free ----------------------------------------------------------------
hwf_port_free_for mariadbd "$DB/mysqld.pid" "$DB_PORT"
hwf_port_free_for slurmdbd "$DIR/slurmdbd.pid" "$DBD_PORT"
hwf_port_free_for slurmctld "$DIR/slurmctld.pid" "$CTLD_PORT"
for i in "${!NODES[@]}"; do
    hwf_port_free_for "slurmd -N ${NODES[$i]}" "$DIR/slurmd-${NODES[$i]}.pid" $((NODE_PORT0 + i + 1))
done

# ---- 4. nodes as hosts, then configuration --------------------------------------------------
hwf_loopback_host
HOST=$HWF_HOST ADDR=$HWF_ADDR
# Each node is a host of its own where the kernel allows (HWF_REAL_NETNS=auto, the default): a
# network namespace hwf-nX (its own loopback and address 10.77.0.1X on a veth pair, the host end on
# bridge hwfbr0, 10.77.0.1/24, which exists only on this host) and, for its slurmd and every job
# it starts, a UTS namespace whose host name is the node's name. /etc/hosts maps n1..n3 to those
# addresses, so MASTER_ADDR, a service's host or Open MPI's peers are reached like another
# machine's; slurmctld listens on 10.77.0.1 (the nodes' side of the bridge). HWF_REAL_NETNS=no, or
# no 'ip netns' here: one-host nodes, the names on 127.0.0.1.
NETNS=${HWF_REAL_NETNS:-auto}
BRIDGE=hwfbr0
NET=10.77.0
netns_up() {
    ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge || return 1
    # (grep reads a variable: under pipefail, 'ip ... | grep -q' fails when grep stops reading early)
    local have
    have=$(ip addr show dev "$BRIDGE")
    grep -q "inet $NET.1/24" <<<"$have" || ip addr add "$NET.1/24" dev "$BRIDGE" || return 1
    ip link set "$BRIDGE" up || return 1
    local i n
    for i in "${!NODES[@]}"; do
        n=${NODES[$i]}
        [ -e "/var/run/netns/hwf-$n" ] || ip netns add "hwf-$n" || return 1
        if ! ip link show "hwf-$n" >/dev/null 2>&1; then
            ip link add "hwf-$n" type veth peer name eth0 netns "hwf-$n" || return 1
        fi
        ip link set "hwf-$n" master "$BRIDGE" up || return 1
        ip -n "hwf-$n" link set lo up || return 1
        have=$(ip -n "hwf-$n" addr show dev eth0)
        grep -q "inet $NET.1$((i + 1))/24" <<<"$have" || ip -n "hwf-$n" addr add "$NET.1$((i + 1))/24" dev eth0 \
            || return 1
        ip -n "hwf-$n" link set eth0 up || return 1
    done
}
# the node lines this script wrote before, whichever kind, go; rewritten in place (it may be a bind mount)
hosts=$(grep -v ' # added by hwf src/test/cluster/up-realistic.sh$' /etc/hosts || true)
printf '%s\n' "$hosts" >/etc/hosts
if [ "$NETNS" != no ] && command -v ip >/dev/null && command -v nsenter >/dev/null && netns_up; then
    NETNS=yes
    # slurmctld binds to the address of its own host name (NoCtldInAddrAny) and must find that name in
    # SlurmctldHost: it runs in a UTS namespace of its own named hwf-ctld, which is the bridge's address
    CTLD_HOST=hwf-ctld CTLD_ADDR=$NET.1
    hosts="$NET.1 $CTLD_HOST # added by hwf src/test/cluster/up-realistic.sh"$'\n'"$hosts"
    for i in "${!NODES[@]}"; do
        hosts="$NET.1$((i + 1)) ${NODES[$i]} # added by hwf src/test/cluster/up-realistic.sh"$'\n'"$hosts"
    done
    printf '%s\n' "$hosts" >/etc/hosts
else
    [ "$NETNS" = no ] || hwf_log "no network namespaces here (ip netns, veth, bridge): one-host nodes"
    NETNS=no
    CTLD_HOST=$HOST CTLD_ADDR=$ADDR
    # Node names do not resolve by themselves; jobs that reach another node by name (MASTER_ADDR,
    # a service's host) need them to.
    hwf_loopback_names "${NODES[@]}"
fi

if [ ! -s "$DB/slurm.pass" ]; then
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$DB/slurm.pass")
fi
DB_PASS=$(cat "$DB/slurm.pass")

node_lines=""
for i in "${!NODES[@]}"; do
    gres=""
    [ "${NODES[$i]}" != n3 ] || gres=" Gres=gpu:2"
    if [ "$NETNS" = yes ]; then
        where="NodeHostname=${NODES[$i]} NodeAddr=$NET.1$((i + 1))"
    else
        where="NodeHostname=$HOST NodeAddr=$ADDR"
    fi
    node_lines+="NodeName=${NODES[$i]} $where Port=$((NODE_PORT0 + i + 1)) CPUs=2 RealMemory=2000${gres} State=UNKNOWN"$'\n'
done

cat >"$DIR/slurm.conf.new" <<EOF
$MARK
ClusterName=$CLUSTER
SlurmctldHost=$CTLD_HOST($CTLD_ADDR)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# Bind every daemon to the (loopback) address the host name resolves to, not to all addresses.
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
SlurmctldPort=$CTLD_PORT
# Each node has its own Port below (multiple-slurmd: all three run on this host); this is unused.
SlurmdPort=$NODE_PORT0
StateSaveLocation=$DIR/state
# %n: one spool dir, log and pid file per slurmd (-N n1 ...)
SlurmdSpoolDir=$DIR/spool/%n
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd-%n.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd-%n.log
# Memory enforced by cgroups (cgroup.conf): a job over its --mem is OOM-killed in its cgroup and
# ends OUT_OF_MEMORY. CR_Core_Memory makes memory a consumable resource (changing it needs a
# slurmctld restart, which a config change here does).
ProctrackType=proctrack/cgroup
TaskPlugin=task/cgroup
JobAcctGatherType=jobacct_gather/linux
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=500
SchedulerType=sched/backfill
# Start jobs as soon as they are submitted or a CPU frees up, not in 3 s batches.
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
MailProg=/bin/true
ReturnToService=2
MinJobAge=30
MaxArraySize=$MAX_ARRAY
KillWait=5
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=$HOST
AccountingStoragePort=$DBD_PORT
AccountingStorageEnforce=associations,limits,qos
AccountingStorageTRES=gres/gpu
JobCompType=jobcomp/none
GresTypes=gpu
${node_lines}PartitionName=cpu Nodes=n[1-3] Default=YES MaxTime=INFINITE State=UP
PartitionName=gpu Nodes=n3 Default=NO MaxTime=INFINITE State=UP
EOF

cat >"$DIR/gres.conf.new" <<EOF
$MARK
# A count-only line (no File=) makes the node register 0 GPUs and drain.
AutoDetect=off
NodeName=n3 Name=gpu File=$DIR/dev/gpu[0-1]
EOF

cat >"$DIR/cgroup.conf.new" <<EOF
$MARK
# This kernel mounts the cgroup v1 controllers under /sys/fs/cgroup (plus a cgroup2 tree at
# /sys/fs/cgroup/unified): say v1, do not let Slurm guess.
CgroupPlugin=cgroup/v1
CgroupMountpoint=/sys/fs/cgroup
ConstrainCores=no
ConstrainDevices=no
ConstrainRAMSpace=yes
# RAM + swap limited to --mem (memory.memsw.*; needs swap accounting, which this kernel has)
ConstrainSwapSpace=yes
AllowedRAMSpace=100
AllowedSwapSpace=0
EOF

cat >"$DIR/slurmdbd.conf.new" <<EOF
$MARK
AuthType=auth/munge
DbdHost=$HOST
DbdAddr=$ADDR
DbdPort=$DBD_PORT
# Without this slurmdbd listens on 0.0.0.0 (DbdAddr is only the address others use); with it, on
# the address the host name resolves to. Not in slurmdbd.conf(5) of 22.05, but read and honoured.
CommunicationParameters=NoInAddrAny
SlurmUser=root
LogFile=$DIR/log/slurmdbd.log
PidFile=$DIR/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$DB_PORT
StorageUser=slurm
StoragePass=$DB_PASS
StorageLoc=slurm_acct_db
EOF

changed=()
for f in slurm.conf gres.conf cgroup.conf slurmdbd.conf; do
    mode=0644
    [ "$f" != slurmdbd.conf ] || mode=0600 # slurmdbd refuses a slurmdbd.conf others can read
    if hwf_replace_if_changed "$DIR/$f.new" "$DIR/$f" "$mode"; then changed+=("$f"); fi
    rm -f "$DIR/$f.new"
done

# ---- 5. daemons ----------------------------------------------------------------------------
slurm_alive=0
hwf_alive "$DIR/slurmdbd.pid" slurmdbd && slurm_alive=1
hwf_alive "$DIR/slurmctld.pid" "$CTLD_COMM" && slurm_alive=1
for n in "${NODES[@]}"; do
    if hwf_alive "$DIR/slurmd-$n.pid" "$SLURMD_COMM"; then slurm_alive=1; fi
done
if [ ${#changed[@]} -gt 0 ] && [ "$slurm_alive" = 1 ]; then
    hwf_log "configuration changed (${changed[*]}): restarting slurmdbd, slurmctld and the slurmds"
    HWF_KEEP_DB=1 "$HERE/down-realistic.sh" >/dev/null
fi
started=()
deadline=$((SECONDS + WAIT))
wait_for() { # what, command...: polls the command every 0.2 s until it succeeds or the deadline
    local what=$1
    shift
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || hwf_die "$what within ${WAIT}s"
        sleep 0.2
    done
}

# MariaDB: its own datadir, socket and port; --no-defaults keeps Debian's /etc/mysql config (port
# 3306, socket /run/mysqld) out of it, so it cannot clash with a system MariaDB.
db() { mariadb --no-defaults --socket="$DB/mysqld.sock" -u root; } # SQL on stdin
if ! hwf_alive "$DB/mysqld.pid" mariadbd; then
    if [ ! -d "$DB/data/mysql" ]; then
        rm -rf "$DB/data"
        mariadb-install-db --no-defaults --user=mysql --datadir="$DB/data" --skip-test-db \
            --auth-root-authentication-method=socket >"$DB/install.log" 2>&1 \
            || hwf_die "mariadb-install-db failed (see $DB/install.log)"
    fi
    chown -R mysql:mysql "$DB/data"
    chown mysql:mysql "$DB"
    # mariadbd does not daemonize: setsid + background. The innodb values are the least that keep
    # slurmdbd from logging "Database settings not recommended values" (half its recommendation).
    setsid mariadbd --no-defaults --user=mysql --datadir="$DB/data" --socket="$DB/mysqld.sock" \
        --pid-file="$DB/mysqld.pid" --log-error="$DB/mysqld.err" --bind-address=127.0.0.1 \
        --port="$DB_PORT" --skip-name-resolve --innodb-lock-wait-timeout=900 \
        --innodb-buffer-pool-size=512M --innodb-log-file-size=64M </dev/null >>"$DB/mysqld.out" 2>&1 &
    started+=(mariadbd)
    wait_for "mariadbd does not answer on $DB/mysqld.sock" \
        mariadb-admin --no-defaults --socket="$DB/mysqld.sock" -u root ping
    wait_for "mariadbd wrote no pid file" test -s "$DB/mysqld.pid"
fi
# The slurm database user, for TCP from 127.0.0.1 (skip-name-resolve: no 'localhost' match there).
db <<EOF || hwf_die "could not create the slurm database user"
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
ALTER USER 'slurm'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
EOF

if ! hwf_alive "$DIR/slurmdbd.pid" slurmdbd; then
    slurmdbd || hwf_die "slurmdbd did not start"
    started+=(slurmdbd)
fi
# The first start creates the tables: several seconds.
wait_for "slurmdbd does not answer 'sacctmgr show cluster'" sacctmgr -n -P show cluster

# Accounting objects, each only when missing; the QOS limits whenever they differ.
sacct_has() { [ -n "$(sacctmgr -n -P show "$@" 2>/dev/null)" ]; }
sacct_add() { sacctmgr -i "$@" >/dev/null || hwf_die "sacctmgr $* failed"; }
sacct_has cluster "$CLUSTER" format=Cluster || sacct_add add cluster "$CLUSTER"
sacct_has account "$ACCOUNT" format=Account || sacct_add add account "$ACCOUNT" Cluster="$CLUSTER" \
    Description="hwf tests" Organization=hwf
sacct_has assoc where cluster="$CLUSTER" account="$ACCOUNT" user=root format=User \
    || sacct_add add user root Account="$ACCOUNT" Cluster="$CLUSTER"
[ "$(sacctmgr -n -P show user root format=DefaultAccount)" = "$ACCOUNT" ] \
    || sacct_add modify user root set DefaultAccount="$ACCOUNT"
# hwfgpu: the user of this cluster's own login node (login-up.sh), for the tests across sites (SitesIT);
# its association is made before slurmctld starts, which loads associations from slurmdbd then
id hwfgpu >/dev/null 2>&1 || useradd -m -s /bin/bash hwfgpu || hwf_die "useradd hwfgpu failed"
sacct_has assoc where cluster="$CLUSTER" account="$ACCOUNT" user=hwfgpu format=User \
    || sacct_add add user hwfgpu Account="$ACCOUNT" Cluster="$CLUSTER"
[ "$(sacctmgr -n -P show qos normal format=MaxSubmitPU,MaxJobsPU)" = "$MAX_SUBMIT|$MAX_JOBS" ] \
    || sacct_add modify qos normal set MaxSubmitJobsPerUser="$MAX_SUBMIT" MaxJobsPerUser="$MAX_JOBS"

ctld_up() { scontrol ping 2>/dev/null | grep -q 'is UP'; }
if ! hwf_alive "$DIR/slurmctld.pid" "$CTLD_COMM"; then
    if [ "$NETNS" = yes ]; then
        unshare --uts bash -c 'hostname "$1" && exec -a slurmctld "$2"' hwf-slurmctld "$CTLD_HOST" "$CTLD_BIN" \
            || hwf_die "slurmctld did not start"
    else
        (exec -a slurmctld "$CTLD_BIN") || hwf_die "slurmctld did not start"
    fi
    started+=(slurmctld)
fi
wait_for "slurmctld does not answer 'scontrol ping'" ctld_up
for n in "${NODES[@]}"; do
    if ! hwf_alive "$DIR/slurmd-$n.pid" "$SLURMD_COMM"; then
        if [ "$NETNS" = yes ]; then
            # in the node's network namespace, under its own host name. nsenter, not 'ip netns exec':
            # that one mounts a fresh /sys, which hides the cgroup v1 hierarchies slurmd needs
            nsenter --net="/var/run/netns/hwf-$n" unshare --uts \
                bash -c 'hostname "$1" && exec -a slurmd "$2" -N "$1"' hwf-slurmd "$n" "$SLURMD_BIN" \
                || hwf_die "slurmd -N $n did not start in namespace hwf-$n"
        else
            (exec -a slurmd "$SLURMD_BIN" -N "$n") || hwf_die "slurmd -N $n did not start"
        fi
        started+=("slurmd-$n")
    fi
done

# ---- 6. nodes, then smoke jobs (only after a start) -----------------------------------------
hwf_wait_nodes "$deadline" "${NODES[@]}"
smoke=""
if [ ${#started[@]} -gt 0 ]; then
    # all three nodes in one job; a job that checks it sits in a memory cgroup of Slurm's; a GPU job
    j_multi=$(hwf_smoke_submit --partition=cpu --nodes=3 --ntasks=3 --wrap 'srun true')
    # shellcheck disable=SC2016 # $SLURM_JOB_ID is the job's
    j_cg=$(hwf_smoke_submit --partition=cpu --mem=50M \
        --wrap 'grep -q "^[0-9]*:memory:/slurm.*/job_$SLURM_JOB_ID/" /proc/self/cgroup')
    j_gres=$(hwf_smoke_submit --partition=gpu --gres=gpu:1 --wrap true)
    hwf_smoke_wait "$deadline" "$j_multi" "$j_cg" "$j_gres"
    # and accounting has them (sacct answers from slurmdbd)
    wait_for "sacct does not list smoke job $j_gres as COMPLETED" \
        bash -c "sacct -n -X -P -j $j_gres --format=State | grep -qx COMPLETED"
    smoke="  smoke jobs COMPLETED (squeue and sacct): $j_multi (srun on n[1-3]), $j_cg (in a memory cgroup), $j_gres (gpu, --gres=gpu:1)"
fi

# ---- 7. summary ----------------------------------------------------------------------------
echo "hwf realistic cluster '$CLUSTER' up in $(hwf_elapsed) s (${started[*]:-everything was already running}): $(sinfo --version)"
echo "  nodes n1 n2 n3 (2 CPUs, 2000 MB each; n3 gres gpu:2), partitions cpu (default, n[1-3]) and gpu (n3)"
echo "  QOS normal MaxSubmitJobsPerUser=$MAX_SUBMIT MaxJobsPerUser=$MAX_JOBS; MaxArraySize=$MAX_ARRAY; memory enforced by cgroup v1"
if [ "$NETNS" = yes ]; then
    echo "  nodes are hosts: n1..n3 at $NET.11-$NET.13 (network and UTS namespaces hwf-nX, bridge $BRIDGE $NET.1/24)"
    echo "  ports: slurmctld $CTLD_PORT on $CTLD_ADDR, slurmd $((NODE_PORT0 + 1))-$((NODE_PORT0 + ${#NODES[@]})) on the nodes, slurmdbd $DBD_PORT and mariadbd $DB_PORT on $ADDR"
else
    echo "  ports: slurmctld $CTLD_PORT, slurmd $((NODE_PORT0 + 1))-$((NODE_PORT0 + ${#NODES[@]})), slurmdbd $DBD_PORT, mariadbd $DB_PORT (all on $ADDR)"
fi
[ -z "$smoke" ] || echo "$smoke"
echo "  state, spool, logs, pid files and the MariaDB datadir under $DIR; stop it with $HERE/down-realistic.sh"
echo "  use it:  export SLURM_CONF=$DIR/slurm.conf"
