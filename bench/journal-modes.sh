#!/usr/bin/env bash
# How long 'hwf status' takes while a submit of 10,000 tasks writes the journal, in rollback mode
# (what hwf uses on a network file system) against WAL mode, measured in the same run on this
# machine's local disk with HWF_JOURNAL_MODE. No Slurm needed: the local scheduler, with the site's
# job limit at 1 so that the submit records all 10,000 elements (10 arrays of 1,000) and starts one.
#
#   bench/journal-modes.sh            (N=10000 elements; N=20000 for more)
#
# For each mode, over REPS submits (default 5; the modes take turns): the median and the longest
# 'hwf status' of a small run while the big submit runs, and the median with nothing else running;
# then the ratio of rollback's figures to WAL's.
# Results go to stdout and bench/journal-modes-last-run.txt.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HWF="$HERE/../bin/hwf"
N=${N:-10000}
WORK=$(mktemp -d /tmp/hwf-bench-modes.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
OUT="$HERE/journal-modes-last-run.txt"
: > "$OUT"
"$HWF" --version > /dev/null # builds hwf on first use

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) print "n/a"; else printf "%.2f", a / b }'; }

arrays=$(( N / 1000 ))
{
    echo "name: big"
    echo "site: { maxJobs: 1 }"
    echo "tasks:"
    for i in $(seq 1 "$arrays"); do
        printf '  - name: t%d\n    array: 1000\n    command: "sleep 120"\n' "$i"
    done
} > "$WORK/big.yaml"
printf 'name: small\ntasks:\n  - name: t\n    command: "true"\n' > "$WORK/small.yaml"

REPS=${REPS:-5}
declare -A small idle reads submits
for mode in wal rollback; do
    mkdir -p "$WORK/$mode"
    small[$mode]=$(HWF_JOURNAL="$WORK/$mode/journal.db" HWF_JOURNAL_MODE=$mode "$HWF" -q submit "$WORK/small.yaml" \
        --set site.workdir="$WORK/$mode/work" | awk '{print $2}')
done
# the modes take turns, so that whatever else the machine does falls on both alike
for rep in $(seq 1 "$REPS"); do
    for mode in wal rollback; do
        export HWF_JOURNAL="$WORK/$mode/journal.db" HWF_JOURNAL_MODE=$mode HWF_POLL_INTERVAL=0.2
        t0=$(now_ms); "$HWF" status "${small[$mode]}" > /dev/null; idle[$mode]+="$(( $(now_ms) - t0 )) "
        t0=$(now_ms)
        "$HWF" submit "$WORK/big.yaml" --detach --set site.workdir="$WORK/$mode/work" > "$WORK/$mode/big.id" &
        submit=$!
        while kill -0 "$submit" 2>/dev/null; do
            s0=$(now_ms); "$HWF" status "${small[$mode]}" > /dev/null; reads[$mode]+="$(( $(now_ms) - s0 )) "
        done
        wait "$submit"
        submits[$mode]+="$(( $(now_ms) - t0 )) "
        "$HWF" -q cancel "$(cat "$WORK/$mode/big.id")" > /dev/null
    done
done
declare -A busy worst
for mode in wal rollback; do
    busy[$mode]=$(printf '%s\n' ${reads[$mode]} | median)
    worst[$mode]=$(printf '%s\n' ${reads[$mode]} | sort -n | tail -1)
    idle_ms=$(printf '%s\n' ${idle[$mode]} | median)
    idle[$mode]=$idle_ms
    echo "$mode: submit --detach of $N elements, median $(printf '%s\n' ${submits[$mode]} | median) ms over $REPS;" \
        "hwf status during them: median ${busy[$mode]} ms, longest ${worst[$mode]} ms over $(wc -w <<< "${reads[$mode]}") reads;" \
        "with nothing else running: median $idle_ms ms" | tee -a "$OUT"
done
echo "rollback/WAL: status during the submit, median $(ratio "${busy[rollback]}" "${busy[wal]}"), longest $(ratio "${worst[rollback]}" "${worst[wal]}"); idle $(ratio "${idle[rollback]}" "${idle[wal]}")" | tee -a "$OUT"
