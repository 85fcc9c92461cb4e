# shellcheck shell=bash disable=SC2034 # (variables set here are read by the scripts that source it)
# Helpers shared by up.sh, down.sh, up-realistic.sh and down-realistic.sh: source it, do not run it.
# It defines functions, and the state directories of both profiles (at the end). The sourcing
# script sets, before calling them:
#   HWF_SCRIPT      its name, the prefix of every message ("up.sh")
#   HWF_LOG_FILES   (array) logs whose last lines hwf_die shows
#   HWF_T0          $(date +%s%N) at its start, for hwf_elapsed
#   DIR, WAIT       its state dir (smoke job output goes to $DIR/log) and its wait in seconds

hwf_log() { echo "$HWF_SCRIPT: $*" >&2; }

hwf_elapsed() {
    local ns=$(($(date +%s%N) - HWF_T0))
    printf '%d.%01d' $((ns / 1000000000)) $((ns / 100000000 % 10))
}

hwf_die() {
    echo "$HWF_SCRIPT: ERROR: $*" >&2
    local f
    for f in "${HWF_LOG_FILES[@]}"; do
        if [ -s "$f" ]; then
            echo "---- last lines of $f" >&2
            tail -n 15 "$f" >&2
        fi
    done
    exit 1
}

# Installs the Debian packages given that are not installed yet (apt-get update only then).
hwf_install_packages() {
    local p missing=()
    for p in "$@"; do
        if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" != installed ]; then
            missing+=("$p")
        fi
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    hwf_log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || hwf_die "apt-get update failed"
    apt-get install -y -qq -o Dpkg::Use-Pty=0 "${missing[@]}" >/dev/null || hwf_die "apt-get install ${missing[*]} failed"
}

hwf_munge_ok() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

# Starts munged unless a working one is running. $1: a marker file created when this call started
# it (the matching down script stops munged only then).
hwf_munge_up() {
    hwf_munge_ok && return 0
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
    runuser -u munge -- munged --force || hwf_die "munged did not start (see /var/log/munge/munged.log)"
    touch "$1"
    local _
    for _ in $(seq 50); do hwf_munge_ok && break; sleep 0.1; done
    hwf_munge_ok || hwf_die "munged is running but 'munge -n | unmunge' fails (see /var/log/munge/munged.log)"
}

# True when process $1 runs. A zombie does not: on this VM the init process (pid 1) reaps the
# daemons it inherits only a second or two after they die, and kill -0 succeeds on a zombie.
hwf_running() {
    kill -0 "$1" 2>/dev/null || return 1
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) } # "pid (comm) S ...": the state follows the last ')'
    case "$stat" in Z* | X*) return 1 ;; esac
}

# True when pid file $1 names a running process; with $2, only when that process's name matches the
# pattern $2 (a pid file left by a daemon killed long ago may name an unrelated process by now).
hwf_alive() {
    [ -s "$1" ] || return 1
    local pid
    pid=$(cat "$1")
    hwf_running "$pid" || return 1
    # shellcheck disable=SC2053 # $2 is a pattern
    [ -z "${2:-}" ] || [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == $2 ]]
}

# For the daemons of up-realistic.sh: sets HWF_BIN to the file the command $1 resolves to
# (Debian: /usr/sbin/slurmctld -> /etc/alternatives/slurmctld -> /usr/sbin/slurmctld-wlm) and
# HWF_COMM to the process name a daemon started from that file has (the file's name, cut to 15
# characters). Started as "exec -a $1 $HWF_BIN", a daemon keeps its usual argv[0] (Slurm decides
# from it which daemon it is) but its process name is slurmctld-wlm, slurmd-wlm: older copies of
# up.sh refuse to start the plain cluster when "pgrep -x slurmctld" (or slurmd) finds a process
# they did not start, and must not find these.
hwf_daemon_binary() {
    HWF_BIN=$(readlink -f "$(command -v "$1")") || hwf_die "$1 not found"
    HWF_COMM=$(basename "$HWF_BIN" | cut -c1-15)
}

# The pid of the process listening on TCP port $1 (empty when none).
hwf_port_owner() { ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | sed -n 1p | cut -d= -f2; }

# Dies when a process other than the one in pid file $2 listens on port $3 (a daemon $1 from
# another state dir, or a distribution service, would keep ours off its port).
hwf_port_free_for() {
    local name=$1 pidfile=$2 port=$3 owner
    owner=$(hwf_port_owner "$port" || true)
    [ -n "$owner" ] || return 0
    if [ -s "$pidfile" ] && [ "$owner" = "$(cat "$pidfile")" ]; then return 0; fi
    hwf_die "port $port, which $name needs, is taken by pid $owner ($(cat "/proc/$owner/comm" 2>/dev/null || echo '?')): stop it first"
}

# Sets HWF_HOST (hostname -s) and HWF_ADDR, the loopback address it resolves to. With NoInAddrAny
# the Slurm daemons bind to whatever the host name resolves to (not to the configured address;
# checked on 22.05). Keep that on loopback: if the name resolves to another address (a container's
# or a cloud VM's), put "127.0.0.1 <host>" in front of /etc/hosts.
hwf_loopback_host() {
    HWF_HOST=$(hostname -s)
    HWF_ADDR=$(_hwf_resolve "$HWF_HOST")
    case "$HWF_ADDR" in
        127.*) ;;
        *)
            hwf_log "$HWF_HOST resolves to '${HWF_ADDR:-nothing}', not to loopback: adding '127.0.0.1 $HWF_HOST' to /etc/hosts"
            _hwf_hosts_prepend "127.0.0.1 $HWF_HOST"
            HWF_ADDR=$(_hwf_resolve "$HWF_HOST")
            case "$HWF_ADDR" in 127.*) ;; *) hwf_die "$HWF_HOST still resolves to '${HWF_ADDR:-nothing}' after editing /etc/hosts" ;; esac
            ;;
    esac
}
_hwf_resolve() { getent ahostsv4 "$1" 2>/dev/null | awk 'NR == 1 {print $1}'; }
_hwf_hosts_prepend() {
    local hosts
    hosts=$(cat /etc/hosts)
    # rewritten in place, not replaced: /etc/hosts may be a bind mount (containers)
    printf '%s # added by hwf src/test/cluster/%s\n%s\n' "$1" "$HWF_SCRIPT" "$hosts" >/etc/hosts
}

# Makes each name given resolve to 127.0.0.1 (one /etc/hosts line for those that do not resolve).
hwf_loopback_names() {
    local n missing=()
    for n in "$@"; do
        [ -n "$(_hwf_resolve "$n")" ] || missing+=("$n")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    hwf_log "adding '127.0.0.1 ${missing[*]}' to /etc/hosts"
    _hwf_hosts_prepend "127.0.0.1 ${missing[*]}"
}

# Copies $1 to $2 (mode $3) unless they are the same already; true when it copied.
hwf_replace_if_changed() {
    if cmp -s "$1" "$2"; then
        return 1
    fi
    install -m "$3" "$1" "$2"
}

# Sends SIGTERM to the process in pid file $2 and waits (at most 15 s) for it to exit.
# $3 (optional): the process name a live pid must have (see hwf_alive).
hwf_stop() {
    local name=$1 pidfile=$2 comm=${3:-} pid
    if [ ! -s "$pidfile" ]; then
        echo "$HWF_SCRIPT: $name: no pid file $pidfile, nothing to stop"
        return 0
    fi
    pid=$(cat "$pidfile")
    if ! hwf_alive "$pidfile" "$comm"; then
        echo "$HWF_SCRIPT: $name: not running (stale pid file)"
        rm -f "$pidfile"
        return 0
    fi
    kill -TERM "$pid"
    for _ in $(seq 150); do
        hwf_running "$pid" || break
        sleep 0.1
    done
    if hwf_running "$pid"; then
        echo "$HWF_SCRIPT: $name (pid $pid) did not stop within 15 s" >&2
        return 1
    fi
    rm -f "$pidfile"
    echo "$HWF_SCRIPT: stopped $name (pid $pid)"
}

# Waits until every node given is usable (idle, mixed, allocated or completing), resuming drained
# or invalid ones; dies at second $1 (a deadline on bash's SECONDS clock). Uses the SLURM_CONF of
# the caller's environment.
hwf_wait_nodes() {
    local deadline=$1 node state reason last_resume
    shift
    for node in "$@"; do
        last_resume=-100
        while :; do
            state=$(sinfo --noheader --Node --nodes="$node" --format=%T 2>/dev/null | sed -n 1p)
            case "$state" in
                idle | mixed | allocated | completing) break ;;
                *drain* | *down* | *inval* | *fail*)
                    # ReturnToService=2 brings a DOWN node back on registration; a drained or
                    # invalid one (for example after a gres change) has to be resumed.
                    if [ $((SECONDS - last_resume)) -ge 3 ]; then
                        scontrol update nodename="$node" state=resume 2>/dev/null || true
                        last_resume=$SECONDS
                    fi
                    ;;
            esac
            if [ "$SECONDS" -ge "$deadline" ]; then
                reason=$(scontrol show node "$node" 2>/dev/null | grep -o 'Reason=.*' || true)
                hwf_die "node $node is '$state', not idle, after ${WAIT}s. ${reason}"
            fi
            sleep 0.2
        done
    done
}

# Submits one smoke job (sbatch options "$@", including its --wrap; output into $DIR/log) and
# prints its id.
hwf_smoke_submit() {
    sbatch --parsable --job-name=hwf-up-smoke --chdir="$DIR" --output="$DIR/log/smoke-%j.out" "$@" \
        || hwf_die "sbatch $* failed"
}

# Waits until the jobs given (ids) have all COMPLETED; dies when one ends otherwise or at second $1.
hwf_smoke_wait() {
    local deadline=$1 ids out done_count
    shift
    ids=$(IFS=,; echo "$*")
    while :; do
        out=$(squeue --noheader --states=all --jobs="$ids" --format='%i %T %r' 2>&1 || true)
        done_count=$(grep -c ' COMPLETED ' <<<"$out" || true)
        [ "$done_count" = $# ] && break
        if grep -qE ' (FAILED|CANCELLED|TIMEOUT|NODE_FAIL|BOOT_FAIL|OUT_OF_MEMORY|DEADLINE|PREEMPTED) ' <<<"$out"; then
            hwf_die "a smoke job did not complete (logs: $DIR/log/smoke-*.out):
$out"
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            hwf_die "smoke jobs did not complete within ${WAIT}s (id state reason):
$out"
        fi
        sleep 0.2
    done
}

# Where each profile keeps its state (both scripts of a profile, and the other profile, read these).
HWF_PLAIN_DIR=${HWF_CLUSTER_DIR:-/var/tmp/hwf-cluster}
HWF_REAL_DIR=${HWF_REAL_CLUSTER_DIR:-/var/tmp/hwf-cluster-real}
HWF_PLAIN_MUNGE_MARK=$HWF_PLAIN_DIR/munged.started-by-up.sh
HWF_REAL_MUNGE_MARK=$HWF_REAL_DIR/munged.started-by-up-realistic.sh

# Stops munged if marker $1 says this profile started it, unless the other profile's slurmctld (pid
# file $3) still runs: both share the one munged, so the marker is then handed over to it ($2).
hwf_munge_down() {
    local mine=$1 theirs=$2 their_ctld=$3
    [ -e "$mine" ] || return 0
    if hwf_alive "$their_ctld" 'slurmctld*'; then
        mv "$mine" "$theirs"
        echo "$HWF_SCRIPT: munged left running: the other hwf cluster ($(dirname "$their_ctld")) uses it"
        return 0
    fi
    hwf_stop munged /run/munge/munged.pid munged && rm -f "$mine"
}
