#!/usr/bin/env bash
# The cost of a placement decision per submission, against the submission itself, in one run:
# N independent tasks that may each go to either cluster (the plain Slurm through root@127.0.0.1:2222,
# the production-like one through hwfgpu@127.0.0.1:2223), submitted with 'submit --detach' once under
# 'place: first' (no scheduler asked; each goes to the first site) and once under 'place: soonest'
# (one 'sbatch --test-only' per site and task, its script written there first). Jobs are held
# (--hold in directives), so the nodes only queue them; they are cancelled afterwards.
#
#   bench/placement.sh          (N=20; needs bin/test's clusters and both login nodes)
# Results go to stdout and bench/placement-last-run.txt.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HWF="$HERE/../bin/hwf"
N=${N:-20}
# shellcheck source=two-sites.sh
. "$HERE/two-sites.sh"
WORK=$(mktemp -d /var/tmp/hwf-bench-place.XXXXXX)
GPU_DIR=hwf-bench-place-$$
trap 'rm -rf "$WORK" "/home/hwfgpu/$GPU_DIR"' EXIT
OUT="$HERE/placement-last-run.txt"
: > "$OUT"
"$HWF" --version > /dev/null # builds hwf on first use
say() { echo "$*" | tee -a "$OUT"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

workflow() { # place
    echo "name: place-$1"
    sites_yaml "$WORK/cpu" "$GPU_DIR"
    cat <<YAML
defaults:
  memory: 50M
  directives: ["--hold"]
tasks:
YAML
    for i in $(seq 1 "$N"); do
        printf '  - name: t%d\n    site: [gpu, cpu]\n    place: %s\n    command: "true"\n' "$i" "$1"
    done
}

declare -A took
for place in first soonest; do
    workflow "$place" > "$WORK/$place.yaml"
    t0=$(now_ms)
    run=$(HWF_JOURNAL="$WORK/journal.db" "$HWF" submit --detach "$WORK/$place.yaml")
    t1=$(now_ms)
    took[$place]=$(( t1 - t0 ))
    HWF_JOURNAL="$WORK/journal.db" "$HWF" cancel "$run" > /dev/null
done
per_submit=$(awk -v a="${took[first]}" -v n="$N" 'BEGIN { printf "%.0f", a / n }')
per_decision=$(awk -v a="${took[soonest]}" -v b="${took[first]}" -v n="$N" 'BEGIN { printf "%.0f", (a - b) / n }')
say "placement decision vs submission, $N tasks over two sites ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
say "  submit --detach, place: first   ${took[first]} ms (${per_submit} ms per task, the submission alone)"
say "  submit --detach, place: soonest ${took[soonest]} ms"
say "  a soonest decision: ${per_decision} ms per task, $(awk -v d="$per_decision" -v s="$per_submit" 'BEGIN { printf "%.2f", d / s }') of a submission"
