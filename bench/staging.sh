#!/usr/bin/env bash
# Staging throughput between two sites, against plain scp of the same files between the same two
# login nodes, measured in one run: the plain Slurm's login (root@127.0.0.1:2222, sshd-up.sh) and
# the production-like cluster's (hwfgpu@127.0.0.1:2223, login-up.sh). Two routes, each against the
# scp that goes the same way:
#   - streamed: hwf copies through the SFTP connections it holds, through this machine; the peer is
#     'scp -3', which also goes through this machine;
#   - direct (gpu says reaches: [cpu]): gpu's login pulls from cpu's by its own ssh; the peer is scp
#     run on gpu's login, pulling from cpu's.
# Two cases: one 1 GiB file, and 1,000 files of 4 KiB. For hwf the time is the staging's own, as the
# journal records it (first byte asked for to last file renamed into place, SHA-256 of the source
# and of the copy compared); for scp, the command's wall time (no checksum).
#
#   bench/staging.sh            (needs root, bin/test's clusters and logins: up.sh, up-realistic.sh,
#                                sshd-up.sh, login-up.sh)
# Results go to stdout and bench/staging-last-run.txt.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HWF="$HERE/../bin/hwf"
# shellcheck source=two-sites.sh
. "$HERE/two-sites.sh"
WORK=$(mktemp -d /var/tmp/hwf-bench-stage.XXXXXX)
GPU_DIR=hwf-bench-stage-$$
trap 'rm -rf "$WORK" "/home/hwfgpu/$GPU_DIR"' EXIT
chmod 0755 "$WORK"
OUT="$HERE/staging-last-run.txt"
: > "$OUT"
"$HWF" --version > /dev/null # builds hwf on first use
say() { echo "$*" | tee -a "$OUT"; }

mkdir -p "$WORK/data/big" "$WORK/data/small"
head -c $((1024 * 1024 * 1024)) /dev/urandom > "$WORK/data/big/big.bin"
for i in $(seq -w 1 1000); do head -c 4096 /dev/urandom > "$WORK/data/small/f$i.dat"; done

cat > "$WORK/ssh_config" <<CONF
Host cpu
  HostName 127.0.0.1
  Port 2222
  User root
  IdentityFile $CPU_KEYS/userkey
  UserKnownHostsFile $CPU_KEYS/known_hosts
  IdentitiesOnly yes
  BatchMode yes
Host gpu
  HostName 127.0.0.1
  Port 2223
  User hwfgpu
  IdentityFile $GPU_KEYS/userkey
  UserKnownHostsFile $GPU_KEYS/known_hosts
  IdentitiesOnly yes
  BatchMode yes
CONF

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
ms_between() { python3 -c 'import sys, datetime as d; a, b = (d.datetime.fromisoformat(x.replace("Z", "+00:00")) for x in sys.argv[1:]); print(int((b - a).total_seconds() * 1000))' "$1" "$2"; }

# one case: a task on the plain cluster links the files in (no copy: one file system here), a task on
# the production-like cluster takes them; both reached through their login nodes
run_case() { # name glob [gpu's extra key]
    local name=$1 glob=$2 extra=${3:-}
    {
        echo "name: stage-$name"
        sites_yaml "$WORK/cpu" "$GPU_DIR" "$extra"
        cat <<YAML
tasks:
  - name: make
    site: cpu
    partition: cpu
    memory: 50M
    command: ln "$WORK/data/$name"/* .
  - name: take
    site: gpu
    after: [make]
    inputs: [{ from: make, path: "$glob" }]
    memory: 50M
    command: ls | wc -l
YAML
    } > "$WORK/$name.yaml"
    local out run json started ended
    out=$(HWF_JOURNAL="$WORK/journal.db" "$HWF" submit --quiet "$WORK/$name.yaml" 2>&1) || { echo "$out"; exit 1; }
    run=$(HWF_JOURNAL="$WORK/journal.db" "$HWF" runs --json | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["run"])')
    json=$(HWF_JOURNAL="$WORK/journal.db" "$HWF" status "$run" --json)
    started=$(echo "$json" | python3 -c 'import json, sys; t = [t for t in json.load(sys.stdin)["tasks"] if t["name"] == "take"][0]; print(t["staging"]["started"])')
    ended=$(echo "$json" | python3 -c 'import json, sys; t = [t for t in json.load(sys.stdin)["tasks"] if t["name"] == "take"][0]; print(t["staging"]["ended"])')
    ms_between "$started" "$ended"
}

scp_case() { # name
    local name=$1 t0 t1
    ssh -F "$WORK/ssh_config" gpu "mkdir -p $GPU_DIR/scp-$name && rm -f $GPU_DIR/scp-$name/*"
    t0=$(now_ms)
    scp -q -3 -F "$WORK/ssh_config" -r "cpu:$WORK/data/$name/." "gpu:$GPU_DIR/scp-$name/"
    t1=$(now_ms)
    echo $(( t1 - t0 ))
}

# scp run on gpu's login, pulling from cpu's (login-up.sh gives hwfgpu its key and known_hosts)
scp_direct_case() { # name
    local name=$1 t0 t1
    ssh -F "$WORK/ssh_config" gpu "mkdir -p $GPU_DIR/scpd-$name && rm -f $GPU_DIR/scpd-$name/*"
    t0=$(now_ms)
    ssh -F "$WORK/ssh_config" gpu "scp -q -B -P 2222 -r root@127.0.0.1:$WORK/data/$name/. $GPU_DIR/scpd-$name/"
    t1=$(now_ms)
    echo $(( t1 - t0 ))
}

say "hwf staging vs scp between two login nodes ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
for c in "big:big.bin:1 GiB, one file" "small:*.dat:1000 files of 4 KiB"; do
    IFS=: read -r name glob what <<< "$c"
    s=$(scp_case "$name")
    h=$(run_case "$name" "$glob")
    ratio=$(awk -v a="$s" -v b="$h" 'BEGIN { printf "%.2f", a / b }')
    say "  $what, streamed through this machine: scp -3 ${s} ms, hwf ${h} ms: throughput hwf/scp = $ratio"
    s=$(scp_direct_case "$name")
    h=$(run_case "$name" "$glob" "reaches: [cpu]")
    ratio=$(awk -v a="$s" -v b="$h" 'BEGIN { printf "%.2f", a / b }')
    say "  $what, direct (gpu reaches cpu): scp on gpu's login ${s} ms, hwf ${h} ms: throughput hwf/scp = $ratio"
done
