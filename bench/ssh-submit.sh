#!/usr/bin/env bash
# Benchmark: submitting over SSH vs. submitting on the login node itself.
#
#   bench/ssh-submit.sh [N] [REPS]        N independent tasks (default 50), REPS repetitions (default 5)
#
# Each repetition times `bin/hwf submit FILE --detach` (wall clock, JVM start included) of a
# workflow of N independent one-line tasks on the local Slurm, twice:
#   local  scheduler commands and files on this machine (no site.host)
#   ssh    the same workflow with site.host = root@127.0.0.1:2222 (the sshd of
#          src/test/cluster/sshd-up.sh): N sbatch calls through hwf's remote shell on the one
#          connection, N+N job-script writes by SFTP
#   exec   as ssh, with HWF_SSH_COMMANDS=exec: each command on its own exec channel, so the login
#          shell starts once per command (for comparison)
# The three alternate, after one untimed warm-up of each, and each timed submit starts only once the
# previous one's jobs have left Slurm's queue (bounded wait), so both see the same idle controller.
# It prints every time, the median of each mode, the ratios to local, and the number of SSH
# connections each ssh or exec submit opened: as hwf counts them (its -v log says "(N SSH
# connection(s) opened by this hwf process)"; the design target is 1) and as sshd's log shows them
# ("Accepted publickey" lines; that counts every client of the test sshd, tests included). A last line measures what one remote command costs on this login node
# (an OpenSSH multiplexed channel running `true`: the login shell's start-up, ~/.bashrc included),
# which bounds what any SSH transport can reach.
#
# Needs: root, the local Slurm (src/test/cluster/up.sh) and a built hwf (bin/hwf builds on first
# use). Starts the test sshd if it is not running (sshd-up.sh, idempotent). Leaves its workflow,
# journals and job files in a temp dir it prints, and removes nothing else.
set -euo pipefail

N=${1:-50}
REPS=${2:-5}
case "$N$REPS" in *[!0-9]*) echo "usage: $0 [N] [REPS]" >&2; exit 2 ;; esac
HWF_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SSHDIR=${HWF_CLUSTER_DIR:-/var/tmp/hwf-cluster}/ssh
HWF="$HWF_HOME/bin/hwf"

bash "$HWF_HOME/src/test/cluster/sshd-up.sh" >/dev/null
sinfo --noheader >/dev/null 2>&1 || { echo "ssh-submit.sh: Slurm does not answer; run src/test/cluster/up.sh" >&2; exit 1; }

T=$(mktemp -d /tmp/hwf-bench-ssh.XXXXXX)
echo "bench dir: $T (N=$N tasks, $REPS repetitions)"
mkdir -p "$T/work-local" "$T/work-ssh"

tasks() {
    echo "tasks:"
    for i in $(seq "$N"); do
        printf '  - name: t%d\n    command: "true"\n' "$i"
    done
}
{ echo "name: bench-local"; echo "scheduler: slurm"; echo "site:"; echo "  workdir: $T/work-local"; tasks; } >"$T/local.yaml"
{
    echo "name: bench-ssh"; echo "scheduler: slurm"; echo "site:"
    echo "  host: 127.0.0.1"; echo "  port: 2222"; echo "  user: root"
    echo "  identityFile: $SSHDIR/userkey"; echo "  knownHosts: $SSHDIR/known_hosts"
    echo "  workdir: $T/work-ssh"
    tasks
} >"$T/ssh.yaml"

accepted() { grep -c "Accepted publickey" "$SSHDIR/sshd.log" || true; }
now_ns() { date +%s%N; }

# Waits (at most 300 s) until no job of the run is left in Slurm's queue.
drain() {
    local run=$1 deadline=$((SECONDS + 300))
    while squeue --noheader --format=%j 2>/dev/null | grep -q "^hwf-$run-"; do
        [ "$SECONDS" -lt "$deadline" ] || { echo "ssh-submit.sh: jobs of $run still queued after 300 s" >&2; return 1; }
        sleep 0.5
    done
}

# submit MODE -> prints "milliseconds connections"
submit() {
    local mode=$1 before after t0 t1 run file=$1 how=shell
    [ "$mode" = exec ] && { file=ssh; how=exec; }
    before=$(accepted)
    t0=$(now_ns)
    run=$(SSH_AUTH_SOCK='' HWF_SSH_COMMANDS=$how HWF_JOURNAL="$T/journal-$mode.db" "$HWF" -v submit "$T/$file.yaml" \
        --detach 2>"$T/last.err")
    t1=$(now_ns)
    after=$(accepted)
    cat "$T/last.err" >>"$T/$mode.err"
    # hwf's own count (its debug log); sshd's log counts every client of the test sshd
    own=$(grep -o '([0-9]* SSH connection(s) opened by this hwf process)' "$T/last.err" | tail -n 1 | tr -dc 0-9 || true)
    drain "$run"
    echo "$(( (t1 - t0) / 1000000 )) ${own:-0} $(( after - before ))"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

for m in local ssh exec; do submit "$m" >/dev/null; done # warm-up: page cache, Slurm's first-job costs
: >"$T/times-local"; : >"$T/times-ssh"; : >"$T/times-exec"; : >"$T/conns"
for r in $(seq "$REPS"); do
    read -r ms_l _ _ < <(submit local)
    read -r ms_s c1 l1 < <(submit ssh)
    read -r ms_e c2 l2 < <(submit exec)
    echo "$ms_l" >>"$T/times-local"; echo "$ms_s" >>"$T/times-ssh"; echo "$ms_e" >>"$T/times-exec"
    echo "$c1" >>"$T/conns"; echo "$c2" >>"$T/conns"
    printf 'rep %d: local %6d ms   ssh %6d ms   exec %6d ms   SSH connections (hwf; sshd log) %d; %d and %d; %d\n' \
        "$r" "$ms_l" "$ms_s" "$ms_e" "$c1" "$l1" "$c2" "$l2"
done
ml=$(median <"$T/times-local")
ms=$(median <"$T/times-ssh")
me=$(median <"$T/times-exec")
conns=$(sort -u "$T/conns" | tr '\n' ' ')
awk -v l="$ml" -v s="$ms" -v e="$me" -v n="$N" -v c="$conns" 'BEGIN {
    printf "median submit --detach of %d tasks: local %.2f s, ssh %.2f s (ratio %.2f), exec channels %.2f s (ratio %.2f)\n", n, l/1000, s/1000, s/l, e/1000, e/l
    printf "SSH connections opened per submit over SSH, as hwf counts them: %s(target 1)\n", c
}'

# What one remote command costs here, whatever the client: a channel on an open OpenSSH connection.
sock="$T/mux.sock"
ssh -F /dev/null -o ControlMaster=yes -o ControlPath="$sock" -o BatchMode=yes -o IdentitiesOnly=yes \
    -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$SSHDIR/known_hosts" -i "$SSHDIR/userkey" -p 2222 \
    -fN root@127.0.0.1
t0=$(now_ns)
for _ in $(seq 20); do ssh -F /dev/null -o ControlPath="$sock" -p 2222 root@127.0.0.1 true; done
t1=$(now_ns)
ssh -F /dev/null -o ControlPath="$sock" -p 2222 -O exit root@127.0.0.1 2>/dev/null || true
echo "one remote command on an open connection (login shell start included): $(( (t1 - t0) / 20000000 )) ms"
