#!/usr/bin/env bash
# hwf benchmarks against floors measured in the same run, on the local Slurm of src/test/cluster.
#
#   bench/bench.sh            all scenarios (about 10 minutes on 2 cores)
#   bench/bench.sh submit     one scenario: submit | array | poll | status | startup | memory |
#                             scale (a poll and status --json of a 100,000-element run) |
#                             capped (10,000 elements of true under a submit cap of 200; CAPPED=N elements) |
#                             million (a run of 1,000,000 elements, 2,000 live: time and peak memory) |
#                             agent (AGENT=N elements, default 20,000, through one pilot agent vs xargs -P) |
#                             pilot (PILOT=N elements of true and a dependant, default 20,000, through 2 one-node
#                             pilot jobs vs xargs -P) |
#                             sleepy (SLEEPY=N elements of sleep 0.1, default 1,000: pilot against a plain array) |
#                             pilotmillion (1,000,000 packed elements queued: peak memory of hwf and of an agent) |
#                             chain (CHAIN=N tasks of true, default 10, each after the one before, followed by
#                             hwf submit with default settings, against the same chain as sbatch --dependency) |
#                             each (two arrays of EACH=N elements, default 20, sleeping 1-5 s: afterEach against
#                             the barrier of after) |
#                             aot (hwf --version, status --json of 10,000 elements and runs of 1,000 runs with
#                             JDK 17 and its class-data archive and with a JDK 25 and its AOT cache) |
#                             busy (a chain of BUSY_CHAIN=5 tasks while BUSY_FILL=40 one-second jobs fill the
#                             node: early submission against dependencies: hwf) |
#                             footprint (peak RSS of a followed submit of 300 tasks and a gather, JDK 17 and 25) |
#                             drain (DRAIN=N elements, default 1,000, of sleep 1-5 s and a dependant through two
#                             one-core pilots of DRAIN_WALL=00:01:00, followed: elements killed at a pilot's end and
#                             pilot core-hours, this build (agents drain before their pilot's end) against the
#                             build DRAIN_BASE (default: the last commit before draining), each built in a worktree) |
#                             submitssh (submit --detach of SUBMIT_SIZES tasks over SSH to the test sshd,
#                             root@127.0.0.1:2222, against a loop of ssh ... sbatch over the same connection,
#                             kept open by OpenSSH's ControlMaster, the fastest loop of ssh a user can write) |
#                             followed (FOLLOWED=N tasks of true, default 300, and a gather, followed to the end on
#                             Slurm with default settings: hwf submit against Snakemake's --cluster sbatch, in turns;
#                             wall time and peak RSS of each, hwf's also on a JDK 17 where one is installed; needs
#                             Debian's snakemake; REPS_FOLLOWED runs, default 1; FOLLOWED_SHAPE=chain: a chain of
#                             FOLLOWED tasks, default 10, each after the one before)
#
# Every figure is the median of REPS runs (default 3; REPS=5 bench/bench.sh for more). Each line
# prints hwf's figure, the floor measured beside it, and their ratio. Jobs are submitted held
# (--hold), so the 2-core test node only queues them; the benchmark cancels its pending jobs
# between runs. Scheduler calls are counted by shims put first on PATH for hwf's own calls.
# Needs root (it starts the local Slurm with up.sh). Results go to stdout and bench/last-run.txt.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HOME_DIR="$(cd "$HERE/.." && pwd)"
HWF="$HOME_DIR/bin/hwf"
REPS=${REPS:-3}
WORK=$(mktemp -d /tmp/hwf-bench.XXXXXX)
trap 'scancel --user="$(id -un)" --state=PENDING >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
OUT="$HERE/last-run.txt"

bash "$HOME_DIR/src/test/cluster/up.sh" >/dev/null
[ -f "$HOME_DIR/launcher/target/hwf.jar" ] || "$HWF" --version >/dev/null

export HWF_JOURNAL="$WORK/journal.db"
export HWF_POLL_INTERVAL=1

# --- helpers -----------------------------------------------------------------------------------
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) print "n/a"; else printf "%.2f", a / b }'; }
row() { # name hwf floor floor-name note
    printf '| %-34s | %9s | %9s | %-26s | %6s | %s\n' "$1" "$2" "$3" "$4" "$(ratio "$2" "$3")" "${5:-}" | tee -a "$OUT"
}
clean_queue() { scancel --user="$(id -un)" --state=PENDING >/dev/null 2>&1 || true; sleep 1; }

# PATH shims that count hwf's scheduler calls, then run the real command
SHIMS="$WORK/shims"; mkdir -p "$SHIMS"
for c in sbatch squeue scancel sacct; do
    real=$(command -v "$c")
    printf '#!/bin/bash\necho %s >> "%s/calls"\nexec %s "$@"\n' "$c" "$WORK" "$real" > "$SHIMS/$c"
    chmod +x "$SHIMS/$c"
done
calls() { grep -c "^$1\$" "$WORK/calls" 2>/dev/null || true; }
reset_calls() { : > "$WORK/calls"; }

# workflow files: N independent held tasks; one held array of N
independent() { # name n
    { echo "name: $1"; echo "scheduler: slurm"; echo "defaults: { directives: [\"--hold\"], memory: 10M }"; echo "tasks:"
      for i in $(seq 1 "$2"); do echo "  - { name: t$i, command: \"true\" }"; done; } > "$WORK/$1.yaml"
}
arrays() { # name tasks size
    { echo "name: $1"; echo "scheduler: slurm"; echo "defaults: { directives: [\"--hold\"], memory: 10M }"; echo "tasks:"
      for i in $(seq 1 "$2"); do echo "  - { name: a$i, array: $3, gpus: 1, partition: gpu, command: \"true\" }"; done; } > "$WORK/$1.yaml"
}
submit_ms() { # yaml -> prints elapsed ms, run id in $WORK/last-run
    local t0 t1
    t0=$(now_ms)
    PATH="$SHIMS:$PATH" "$HWF" submit "$1" --detach --set site.workdir="$WORK/w" > "$WORK/last-run"
    t1=$(now_ms)
    echo $((t1 - t0))
}
floor_loop_ms() { # n [prefix...] -> bash loop of sbatch --parsable over n ready scripts, each sbatch run
    # after the prefix words when given (ssh ... host: the same loop through a login)
    local n=$1 dir="$WORK/floor-$1" t0 t1; shift
    mkdir -p "$dir"
    for i in $(seq 1 "$n"); do printf '#!/bin/bash\n#SBATCH --hold\n#SBATCH --mem=10M\ntrue\n' > "$dir/$i.sh"; done
    t0=$(now_ms)
    for i in $(seq 1 "$n"); do "$@" sbatch --parsable --chdir="$dir" --output=/dev/null "$dir/$i.sh" > /dev/null; done
    t1=$(now_ms)
    echo $((t1 - t0))
}
detached_ms() { # yaml workdir -> prints elapsed ms of submit --detach without the counting shims (a bash
    # start each, which no loop it is compared with pays); the run id in $WORK/last-run
    local t0
    t0=$(now_ms)
    "$HWF" submit "$1" --detach --set site.workdir="$2" > "$WORK/last-run"
    echo $(( $(now_ms) - t0 ))
}
queued() { squeue --noheader --user="$(id -un)" --states=PENDING | wc -l; }
version_ms() { local t0; t0=$(now_ms); "$HWF" --version > /dev/null; echo $(( $(now_ms) - t0 )); }
copy_runs() { # run prefix: 999 copies of the run's row in the journal, so that it holds 1,000 runs
    python3 - "$HWF_JOURNAL" "$1" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); run = sys.argv[2]; prefix = sys.argv[3]
row = db.execute("select workflow, scheduler, source, spec, workdir, submitted_at from hwf_run where id=?",
                 (run,)).fetchone()
db.executemany("insert into hwf_run(id, workflow, scheduler, state, source, spec, workdir, submitted_at) "
               "values (?,?,?,?,?,?,?,?)",
               [(f"{prefix}-{i:04d}", row[0], row[1], "SUCCEEDED", row[2], row[3], row[4], row[5]) for i in range(999)])
db.commit()
PY
}

: > "$OUT"
{
    echo "hwf benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB,"
    echo "$(sbatch --version), $(java -version 2>&1 | sed -n 1p), REPS=$REPS (medians)"
    echo
    echo "| scenario                           |   hwf, ms |  floor,ms | floor                      |  ratio | notes"
    echo "|------------------------------------|-----------|-----------|----------------------------|--------|------"
} | tee -a "$OUT"

SCEN=${1:-}

# --- 1. submit ---------------------------------------------------------------------------------
if [ -z "$SCEN" ] || [ "$SCEN" = submit ]; then
    for n in ${SUBMIT_SIZES:-300 3000}; do
        independent "submit$n" "$n"
        hwf_t=(); floor_t=()
        for _ in $(seq "$REPS"); do
            # the jobs in the queue count hwf's submissions (detached_ms runs no shims)
            clean_queue
            hwf_t+=("$(detached_ms "$WORK/submit$n.yaml" "$WORK/w")")
            sb=$(queued)
            clean_queue
            floor_t+=("$(floor_loop_ms "$n")")
        done
        row "submit --detach, $n tasks" "$(printf '%s\n' "${hwf_t[@]}" | median)" \
            "$(printf '%s\n' "${floor_t[@]}" | median)" "bash loop of sbatch" "$sb jobs queued by hwf"
    done
fi

# --- 2. array ----------------------------------------------------------------------------------
if [ -z "$SCEN" ] || [ "$SCEN" = array ] || [ "$SCEN" = poll ]; then
    arrays array1000 1 1000
    hwf_t=(); floor_t=()
    for _ in $(seq "$REPS"); do
        clean_queue; reset_calls
        hwf_t+=("$(submit_ms "$WORK/array1000.yaml")")
        sb=$(calls sbatch)
        t0=$(now_ms); sbatch --parsable --hold --mem=10M --array=0-999 --output=/dev/null --wrap true > /dev/null
        floor_t+=($(( $(now_ms) - t0 )))
    done
    row "GPU array of 1000, submit" "$(printf '%s\n' "${hwf_t[@]}" | median)" \
        "$(printf '%s\n' "${floor_t[@]}" | median)" "one sbatch --array=0-999" "$sb sbatch call(s)"
fi

# --- 3. poll -----------------------------------------------------------------------------------
if [ -z "$SCEN" ] || [ "$SCEN" = poll ]; then
    # 1000 live (held) array elements, in a journal of their own: a poll makes one status call
    # per unfinished run, so other runs would add theirs
    export HWF_JOURNAL="$WORK/poll.db"
    clean_queue; reset_calls
    submit_ms "$WORK/array1000.yaml" > /dev/null
    run=$(cat "$WORK/last-run")
    job=$("$HWF" status "$run" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["tasks"][0]["jobId"])')
    hwf_t=(); floor_t=(); ver_t=()
    for _ in $(seq "$REPS"); do
        reset_calls
        t0=$(now_ms); PATH="$SHIMS:$PATH" "$HWF" poll > /dev/null; hwf_t+=($(( $(now_ms) - t0 )))
        sq=$(calls squeue)
        t0=$(now_ms); squeue --noheader --array --states=all --jobs="$job" --format='%i|%T|%r' > /dev/null
        floor_t+=($(( $(now_ms) - t0 )))
        ver_t+=("$(version_ms)")
    done
    p=$(printf '%s\n' "${hwf_t[@]}" | median); v=$(printf '%s\n' "${ver_t[@]}" | median)
    row "poll, 1000 live elements" "$p" "$(printf '%s\n' "${floor_t[@]}" | median)" "the bare squeue it issues" \
        "$sq squeue call(s); poll minus JVM start: $((p - v)) ms"
    row "poll, 1000 live elements" "$p" "$v" "hwf --version (JVM start)" ""
    export HWF_JOURNAL="$WORK/journal.db"
fi

# --- 4. status ---------------------------------------------------------------------------------
if [ -z "$SCEN" ] || [ "$SCEN" = status ]; then
    clean_queue
    arrays status10k 10 1000
    submit_ms "$WORK/status10k.yaml" > /dev/null
    run=$(cat "$WORK/last-run")
    copy_runs "$run" bench-copy # 1000 runs in the journal (the runs list reads only that table)
    s_t=(); r_t=(); u_t=(); ver_t=()
    for _ in $(seq "$REPS"); do
        t0=$(now_ms); "$HWF" status "$run" --json > "$WORK/status.json"; s_t+=($(( $(now_ms) - t0 )))
        t0=$(now_ms); "$HWF" runs > /dev/null; r_t+=($(( $(now_ms) - t0 )))
        t0=$(now_ms); "$HWF" usage > /dev/null; u_t+=($(( $(now_ms) - t0 )))
        ver_t+=("$(version_ms)")
    done
    v=$(printf '%s\n' "${ver_t[@]}" | median)
    n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(len(t.get("elements", [])) for t in d["tasks"]))' "$WORK/status.json")
    row "status --json, $n elements" "$(printf '%s\n' "${s_t[@]}" | median)" "$v" "hwf --version (JVM start)" ""
    row "runs, 1000 runs" "$(printf '%s\n' "${r_t[@]}" | median)" "$v" "hwf --version (JVM start)" ""
    row "usage, 1000 runs, $n elements" "$(printf '%s\n' "${u_t[@]}" | median)" "$v" "hwf --version (JVM start)" \
        "every run's tasks and elements read"
fi

# --- 5. start-up: against java -version of the JDK hwf runs on, in turns ------------------------------
if [ -z "$SCEN" ] || [ "$SCEN" = startup ]; then
    java_bin="$("$HWF" --version | sed -n 2p | sed 's/.* at \(.*\), on .*/\1/')/bin/java"
    [ -x "$java_bin" ] || java_bin=$(command -v java)
    # a small run of the local scheduler for status to read
    printf 'name: startup\ntasks:\n  - { name: t, command: "true" }\n' > "$WORK/startup.yaml"
    HWF_JOURNAL="$WORK/startup.db" "$HWF" -q submit "$WORK/startup.yaml" --set site.workdir="$WORK/wstartup" \
        > "$WORK/startup-run"
    srun=$(awk '{ print $2 }' "$WORK/startup-run")
    declare -A ts rss
    for _ in $(seq "$REPS"); do
        for cmd in "java -version" "--version" "runs" "status"; do
            case "$cmd" in
                "java -version") line=("$java_bin" -version) ;;
                status) line=("$HWF" status "$srun") ;;
                *) line=("$HWF" $cmd) ;;
            esac
            HWF_JOURNAL="$WORK/startup.db" /usr/bin/time -f '%e %M' -o "$WORK/time" "${line[@]}" > /dev/null 2>&1
            read -r sec kb < "$WORK/time"
            ts[$cmd]+="$(awk -v s="$sec" 'BEGIN { printf "%d", s * 1000 }') "; rss[$cmd]+="$kb "
        done
    done
    j=$(printf '%s\n' ${ts["java -version"]} | median)
    for cmd in "--version" "runs" "status"; do
        row "start-up: hwf $cmd" "$(printf '%s\n' ${ts[$cmd]} | median)" "$j" "java -version, same JDK" \
            "peak RSS $(( $(printf '%s\n' ${rss[$cmd]} | median) / 1024 )) MiB; runs ${ts[$cmd]}ms"
    done
    # hwf serve: from the command to its first page answered (the address it prints, with its token)
    sv=()
    for _ in $(seq "$REPS"); do
        t0=$(now_ms)
        HWF_JOURNAL="$WORK/startup.db" "$HWF" serve --port 0 > "$WORK/serve.out" 2>&1 & sp=$!
        for _ in $(seq 500); do grep -q 'http://' "$WORK/serve.out" && break; sleep 0.01; done
        curl -s -o /dev/null "$(grep -o 'http://[^ ]*' "$WORK/serve.out" | head -n 1)"
        sv+=($(( $(now_ms) - t0 )))
        kill "$sp"; wait "$sp" 2>/dev/null || true
    done
    row "start-up: hwf serve, first page" "$(printf '%s\n' "${sv[@]}" | median)" "$j" "java -version, same JDK" \
        "runs ${sv[*]} ms (target < 1 s)"
fi

# --- 6. memory -----------------------------------------------------------------------------------
if [ -z "$SCEN" ] || [ "$SCEN" = memory ]; then
    clean_queue
    for _ in $(seq 60); do # let Slurm purge the cancelled jobs of the scenarios above (bounded)
        [ "$(squeue --noheader --states=all | wc -l)" -lt 100 ] && break
        sleep 3
    done
    independent submit10k 10000
    /usr/bin/time -f '%e %M' -o "$WORK/time" "$HWF" submit "$WORK/submit10k.yaml" --detach \
        --set site.workdir="$WORK/w" > /dev/null
    read -r sec kb < "$WORK/time"
    row "submit --detach, 10000 tasks" "$(awk -v s="$sec" 'BEGIN { printf "%d", s * 1000 }')" "-" "-" \
        "peak RSS $((kb / 1024)) MiB (target < 512)"
fi
# --- 7. scale: a 100,000-element run --------------------------------------------------------------
if [ "$SCEN" = scale ]; then
    # 10 tasks of 10,000 held elements: above the plain cluster's MaxArraySize of 1001, so a task
    # goes out as array jobs of at most 1001 elements. The cluster's MaxJobCount (50,000) counts
    # every element, and sbatch hangs retrying once it is reached: site.maxJobs keeps hwf at
    # 45,000 live elements (room for the other jobs on the cluster), the other 55,000 wait, held
    # with their reason, as on a production cluster
    export HWF_JOURNAL="$WORK/scale.db"
    clean_queue; reset_calls
    { echo "name: scale"; echo "scheduler: slurm"; echo "site: { maxJobs: 45000 }"
      echo "defaults: { directives: [\"--hold\"], memory: 10M }"; echo "tasks:"
      for i in $(seq 1 10); do echo "  - { name: a$i, array: 10000, command: \"true\" }"; done; } > "$WORK/scale.yaml"
    sub_ms=$(submit_ms "$WORK/scale.yaml")
    sb=$(calls sbatch)
    run=$(cat "$WORK/last-run")
    p_t=(); s_t=(); ver_t=()
    for _ in $(seq "$REPS"); do
        reset_calls
        t0=$(now_ms); PATH="$SHIMS:$PATH" "$HWF" poll > /dev/null; p_t+=($(( $(now_ms) - t0 )))
        sq=$(calls squeue)
        t0=$(now_ms); "$HWF" status "$run" --json > "$WORK/scale.json"; s_t+=($(( $(now_ms) - t0 )))
        ver_t+=("$(version_ms)")
    done
    v=$(printf '%s\n' "${ver_t[@]}" | median)
    p=$(printf '%s\n' "${p_t[@]}" | median); s=$(printf '%s\n' "${s_t[@]}" | median)
    n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(len(t.get("elements", [])) for t in d["tasks"]))' "$WORK/scale.json")
    row "submit --detach, $n elements" "$sub_ms" "-" "-" "$sb sbatch calls (arrays of at most 1001)"
    row "poll, $n elements (45,000 live)" "$p" "$v" "hwf --version (JVM start)" "$sq squeue call(s); after JVM start: $((p - v)) ms"
    row "status --json, $n elements" "$s" "$v" "hwf --version (JVM start)" "after JVM start: $((s - v)) ms"
    # late in the campaign: nine tasks have ended (their jobs cancelled here, their 90,000 elements
    # written SUCCEEDED into the journal as a run that got there holds them); the tenth's 10,000
    # elements go out in one unmeasured poll, then the polls are timed with those live
    clean_queue
    # cancelled jobs count toward MaxJobCount until slurmctld purges them (MinJobAge): wait for that
    for _ in $(seq 60); do
        [ "$(squeue --noheader --states=all --format=%i | wc -l)" -lt 20000 ] && break
        sleep 2
    done
    python3 - "$HWF_JOURNAL" "$run" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE hwf_element SET state='SUCCEEDED', exit_code=0, reason=NULL, missing_since=NULL, "
           "started_at='2026-01-01T00:00:00Z', ended_at='2026-01-01T00:01:00Z' WHERE run_id=? AND task<>'a10'",
           (sys.argv[2],))
db.execute("UPDATE hwf_task SET state='SUCCEEDED', reason=NULL, exit_code=0 WHERE run_id=? AND name<>'a10'",
           (sys.argv[2],))
db.commit()
PY
    "$HWF" poll > /dev/null
    p_t=(); ver_t=()
    for _ in $(seq "$REPS"); do
        reset_calls
        t0=$(now_ms); PATH="$SHIMS:$PATH" "$HWF" poll > /dev/null; p_t+=($(( $(now_ms) - t0 )))
        ver_t+=("$(version_ms)")
    done
    v=$(printf '%s\n' "${ver_t[@]}" | median); p=$(printf '%s\n' "${p_t[@]}" | median)
    live=$(squeue --noheader --array --format=%i | wc -l)
    row "poll, $n elements, 90,000 ended" "$p" "$v" "hwf --version (JVM start)" "$live live; after JVM start: $((p - v)) ms"
    clean_queue
    export HWF_JOURNAL="$WORK/journal.db"
fi

# --- 7b. million: a run of 10^6 elements, 2,000 of them live, 998,000 queued in the journal ------------
if [ "$SCEN" = million ]; then
    export HWF_JOURNAL="$WORK/million.db"
    clean_queue
    { echo "name: million"; echo "scheduler: slurm"; echo "site: { maxJobs: 2000 }"
      echo "defaults: { directives: [\"--hold\"], memory: 10M }"; echo "tasks:"
      for i in $(seq 1 10); do echo "  - { name: m$i, array: 100000, command: \"true\" }"; done; } > "$WORK/million.yaml"
    measure() { # label command... -> "ms KiB" of one run
        /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" > /dev/null
        awk '{ printf "%d %d\n", $1 * 1000, $2 }' "$WORK/time"
    }
    read -r sub_ms sub_kb < <(measure "$HWF" submit "$WORK/million.yaml" --detach --set site.workdir="$WORK/wm")
    p_t=(); p_kb=(); s_t=(); s_kb=(); ver_t=()
    for _ in $(seq "$REPS"); do
        read -r ms kb < <(measure "$HWF" poll); p_t+=("$ms"); p_kb+=("$kb")
        read -r ms kb < <(measure "$HWF" status); s_t+=("$ms"); s_kb+=("$kb")
        ver_t+=("$(version_ms)")
    done
    v=$(printf '%s\n' "${ver_t[@]}" | median)
    p=$(printf '%s\n' "${p_t[@]}" | median); s=$(printf '%s\n' "${s_t[@]}" | median)
    pk=$(printf '%s\n' "${p_kb[@]}" | sort -n | tail -1); sk=$(printf '%s\n' "${s_kb[@]}" | sort -n | tail -1)
    row "submit --detach, 1,000,000 elements" "$sub_ms" "-" "-" "peak RSS $((sub_kb / 1024)) MiB"
    row "poll, 1,000,000 elements (2,000 live)" "$p" "$v" "hwf --version (JVM start)" "peak RSS $((pk / 1024)) MiB"
    row "status, 1,000,000 elements" "$s" "$v" "hwf --version (JVM start)" "peak RSS $((sk / 1024)) MiB"
    clean_queue
    export HWF_JOURNAL="$WORK/journal.db"
fi

# --- 7c. agent: packed elements through a pilot agent on this node, against xargs -P ------------------
if [ "$SCEN" = agent ]; then
    n=${AGENT:-20000}; cores=$(nproc)
    d="$WORK/agent"; mkdir -p "$d/task"
    # an element script as a job script is: enter the task directory, logs, exit code file
    cat > "$d/element.sh" <<EOS
cd "$d/task" || exit 1
tag="1.\$HWF_PILOT_INDEX"
exec >"out.\$tag.log" 2>"err.\$tag.log"
trap 'printf "%s\\n" "\$?" >"exit.\$tag.tmp" && mv -f "exit.\$tag.tmp" "exit.\$tag"' EXIT
true
EOS
    a_t=(); x_t=()
    for _ in $(seq "$REPS"); do
        rm -rf "$d/pilot" "$d/task"; mkdir -p "$d/task"
        python3 - "$d/pilot" "$d/element.sh" "$n" <<'PY'
import os, sys
pilot, script, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(pilot + "/queue")
for b in range(0, n, 100):
    with open(f"{pilot}/queue/b{b:08d}.todo", "w") as f:
        f.writelines(f"{i}\t1\t0\t{script}\n" for i in range(b, min(n, b + 100)))
open(pilot + "/stop", "w").close()
PY
        t0=$(now_ms); "$HWF" agent "$d/pilot" --name a1 --cores "$cores" --idle 5 2>/dev/null; a_t+=($(( $(now_ms) - t0 )))
        done_a=$(find "$d/task" -name 'exit.*' ! -name '*.tmp' | wc -l)
        rm -rf "$d/task"; mkdir -p "$d/task"
        t0=$(now_ms); seq 0 $((n - 1)) | xargs -P "$cores" -I{} env HWF_PILOT_INDEX={} bash "$d/element.sh"; x_t+=($(( $(now_ms) - t0 )))
        done_x=$(find "$d/task" -name 'exit.*' ! -name '*.tmp' | wc -l)
    done
    a=$(printf '%s\n' "${a_t[@]}" | median); x=$(printf '%s\n' "${x_t[@]}" | median)
    row "agent, $n elements ($cores slots)" "$a" "$x" "xargs -P $cores, same script" \
        "$(( n * 1000 / a )) vs $(( n * 1000 / x )) elements/s; exit files $done_a / $done_x; ratio = time"
fi

# --- 7d. pilot: packed elements of true through two pilot jobs on the local Slurm -------------------
if [ "$SCEN" = pilot ]; then
    n=${PILOT:-20000}; cores=$(nproc)
    clean_queue
    { echo "name: packed"; echo "scheduler: slurm"
      echo "pilot: { jobs: 2, cpus: 1, memory: 500M, idle: 30 }"; echo "tasks:"
      echo "  - { name: score, pilot: true, array: $n, command: \"true\" }"
      echo "  - { name: gather, after: [score], memory: 10M, command: \"true\" }"; } > "$WORK/packed.yaml"
    h_t=(); x_t=(); all_ms=""
    for r in $(seq "$REPS"); do
        export HWF_JOURNAL="$WORK/packed-$r.db"; reset_calls
        t0=$(now_ms)
        PATH="$SHIMS:$PATH" "$HWF" -q submit "$WORK/packed.yaml" --set site.workdir="$WORK/wp" > "$WORK/packed.out" 2>&1 \
            && code=0 || code=$?
        h_t+=($(( $(now_ms) - t0 ))); all_ms="$all_ms ${h_t[-1]}"
        sb=$(calls sbatch)
        ok=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from hwf_element where task=\"score\" and state=\"SUCCEEDED\"").fetchone()[0])' "$HWF_JOURNAL")
        t0=$(now_ms); seq "$n" | xargs -P "$cores" -I{} bash -c true; x_t+=($(( $(now_ms) - t0 )))
    done
    hwf_ms=$(printf '%s\n' "${h_t[@]}" | median); x_ms=$(printf '%s\n' "${x_t[@]}" | median)
    row "pilot, $n elements of true + 1" "$hwf_ms" "$x_ms" "xargs -P $cores bash -c true" \
        "exit $code; $ok SUCCEEDED; $sb sbatch call(s); $(( n * 1000 / hwf_ms )) vs $(( n * 1000 / x_ms )) elements/s; runs:$all_ms ms"
    export HWF_JOURNAL="$WORK/journal.db"
fi

# --- 7e. sleepy: elements of sleep 0.1, in two one-core pilots against one plain array of one-core elements ---
if [ "$SCEN" = sleepy ]; then
    n=${SLEEPY:-1000}
    clean_queue
    { echo "name: sleepy-pilot"; echo "scheduler: slurm"
      echo "pilot: { jobs: 2, cpus: 1, memory: 500M, idle: 30 }"; echo "tasks:"
      echo "  - { name: nap, pilot: true, array: $n, command: \"sleep 0.1\" }"; } > "$WORK/sleepy-pilot.yaml"
    { echo "name: sleepy-array"; echo "scheduler: slurm"; echo "tasks:"
      echo "  - { name: nap, array: $n, cpus: 1, memory: 10M, command: \"sleep 0.1\" }"; } > "$WORK/sleepy-array.yaml"
    export HWF_JOURNAL="$WORK/sleepy.db"
    t0=$(now_ms); "$HWF" -q submit "$WORK/sleepy-pilot.yaml" --set site.workdir="$WORK/ws" > /dev/null 2>&1 \
        && pc=0 || pc=$?; p_ms=$(( $(now_ms) - t0 ))
    t0=$(now_ms); "$HWF" -q submit "$WORK/sleepy-array.yaml" --set site.workdir="$WORK/ws" > /dev/null 2>&1 \
        && ac=0 || ac=$?; a_ms=$(( $(now_ms) - t0 ))
    row "$n x sleep 0.1, 2 one-core pilots" "$p_ms" "$a_ms" "an array of $n, one core each" \
        "exit $pc / $ac; ideal on 2 cores $(( n * 100 / 2 )) ms; ratio = makespan"
    export HWF_JOURNAL="$WORK/journal.db"
fi

# --- 7f. pilotmillion: 10^6 packed elements queued in the journal, the pilots' window on the queue -------
if [ "$SCEN" = pilotmillion ]; then
    export HWF_JOURNAL="$WORK/pm.db"
    clean_queue
    # the pilot jobs are held: nothing runs them, so everything stays queued while hwf is measured
    { echo "name: pm"; echo "scheduler: slurm"
      echo "pilot: { jobs: 2, cpus: 1, memory: 500M, directives: [\"--hold\"] }"; echo "tasks:"
      echo "  - { name: score, pilot: true, array: 1000000, command: \"true\" }"; } > "$WORK/pm.yaml"
    measure() { /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" > /dev/null; awk '{ printf "%d %d\n", $1 * 1000, $2 }' "$WORK/time"; }
    read -r sub_ms sub_kb < <(measure "$HWF" submit "$WORK/pm.yaml" --detach --set site.workdir="$WORK/wpm")
    read -r poll_ms poll_kb < <(measure "$HWF" poll)
    read -r st_ms st_kb < <(measure "$HWF" status)
    v=$(version_ms)
    run=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select id from hwf_run").fetchone()[0])' "$HWF_JOURNAL")
    pdir="$WORK/wpm/$run/pilot"; queued=$(ls "$pdir/queue" | grep -c '\.todo$' || true)
    touch "$pdir/stop" # the agent runs what is queued, then ends
    # with the heap limit the pilot job gives its agents
    read -r ag_ms ag_kb < <(HWF_JAVA_OPTS=-Xmx64m measure "$HWF" agent "$pdir" --name bench --cores "$(nproc)" --idle 5)
    ran=$(find "$WORK/wpm/$run/score" -name 'exit.*' | wc -l)
    row "submit --detach, 10^6 packed" "$sub_ms" "-" "-" "peak RSS $((sub_kb / 1024)) MiB; $queued bundles queued"
    row "poll, 10^6 packed (20,000 queued)" "$poll_ms" "$v" "hwf --version (JVM start)" "peak RSS $((poll_kb / 1024)) MiB"
    row "status, 10^6 packed" "$st_ms" "$v" "hwf --version (JVM start)" "peak RSS $((st_kb / 1024)) MiB"
    row "agent over the queue, $ran elements" "$ag_ms" "-" "-" "peak RSS $((ag_kb / 1024)) MiB"
    clean_queue
    export HWF_JOURNAL="$WORK/journal.db"
fi

# --- 8. capped: elements of true under a submit cap ---------------------------------------------------
if [ "$SCEN" = capped ]; then
    n=${CAPPED:-10000}; cap=200
    clean_queue
    { echo "name: capped"; echo "scheduler: slurm"; echo "site: { maxJobs: $cap }"
      echo "defaults: { memory: 10M, partition: cpu }"; echo "tasks:"
      echo "  - { name: sim, array: $n, command: \"true\" }"; } > "$WORK/capped.yaml"
    export HWF_JOURNAL="$WORK/capped.db"
    export HWF_POLL_INTERVAL=1
    peak=0
    t0=$(now_ms)
    "$HWF" submit "$WORK/capped.yaml" --set site.workdir="$WORK/wc" > "$WORK/capped.out" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        live=$(squeue --noheader --array --states=PENDING,RUNNING,CONFIGURING,COMPLETING --format=%i | wc -l)
        [ "$live" -gt "$peak" ] && peak=$live
        sleep 0.5
    done
    wait "$pid" && code=0 || code=$?
    hwf_ms=$(( $(now_ms) - t0 ))
    failed=$(sqlite3 "$HWF_JOURNAL" "select count(*) from hwf_element where state <> 'SUCCEEDED'" 2>/dev/null \
        || python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from hwf_element where state <> \"SUCCEEDED\"").fetchone()[0])' "$HWF_JOURNAL")
    # the floor: the same elements as hand-written arrays of $cap, each sent once the one before has ended
    dir="$WORK/floor-capped"; mkdir -p "$dir"
    printf '#!/bin/bash\n#SBATCH --mem=10M\n#SBATCH --partition=cpu\ntrue\n' > "$dir/a.sh"
    t0=$(now_ms)
    for _ in $(seq 1 $(( n / cap ))); do
        sbatch --parsable --wait --array=0-$((cap - 1)) --chdir="$dir" --output=/dev/null "$dir/a.sh" > /dev/null
    done
    floor_ms=$(( $(now_ms) - t0 ))
    row "$n elements of true, cap $cap" "$hwf_ms" "$floor_ms" "$((n / cap)) sbatch --wait --array of $cap in turn" \
        "exit $code, $failed not SUCCEEDED, peak live $peak (cap $cap)"
    export HWF_JOURNAL="$WORK/journal.db"
fi
# --- 9. chain: ten tasks of true, each after the one before, followed to the end ---------------------
if [ -z "$SCEN" ] || [ "$SCEN" = chain ]; then
    n=${CHAIN:-10}
    chain_yaml() { # name dependencies
        { echo "name: $1"; echo "scheduler: slurm"; echo "site: { dependencies: $2 }"
          echo "defaults: { memory: 10M, partition: cpu }"; echo "tasks:"
          echo "  - { name: t1, command: \"true\" }"
          for i in $(seq 2 "$n"); do echo "  - { name: t$i, after: [t$((i - 1))], command: \"true\" }"; done
        } > "$WORK/$1.yaml"
    }
    chain_yaml chain scheduler; chain_yaml chainhwf hwf
    dir="$WORK/floor-chain"; mkdir -p "$dir"
    printf '#!/bin/bash\n#SBATCH --mem=10M\n#SBATCH --partition=cpu\ntrue\n' > "$dir/t.sh"
    floor_chain_ms() { # the same chain as sbatch --dependency=afterok, timed until the last job has left the queue
        local t0 id last
        t0=$(now_ms)
        id=$(sbatch --parsable --chdir="$dir" --output=/dev/null "$dir/t.sh")
        for _ in $(seq 2 "$n"); do
            id=$(sbatch --parsable --dependency=afterok:"$id" --chdir="$dir" --output=/dev/null "$dir/t.sh")
        done
        last=$id
        while [ -n "$(squeue --noheader --jobs="$last" --states=PENDING,RUNNING,CONFIGURING,COMPLETING \
            --format=%i 2>/dev/null)" ]; do sleep 0.1; done
        echo $(( $(now_ms) - t0 ))
    }
    hwf_chain_ms() { # yaml: hwf submit, followed to the end with the default poll interval
        local t0
        t0=$(now_ms)
        env -u HWF_POLL_INTERVAL "$HWF" submit "$1" -q --set site.workdir="$WORK/wchain" > /dev/null
        echo $(( $(now_ms) - t0 ))
    }
    h=(); f=(); hh=()
    for _ in $(seq "$REPS"); do
        clean_queue
        f+=("$(floor_chain_ms)")
        h+=("$(hwf_chain_ms "$WORK/chain.yaml")")
        hh+=("$(hwf_chain_ms "$WORK/chainhwf.yaml")")
    done
    fm=$(printf '%s\n' "${f[@]}" | median)
    row "chain$n of true (dependencies: scheduler)" "$(printf '%s\n' "${h[@]}" | median)" "$fm" \
        "sbatch --dependency=afterok chain" "default settings; runs: ${h[*]} / floor ${f[*]}"
    row "chain$n of true (dependencies: hwf)" "$(printf '%s\n' "${hh[@]}" | median)" "$fm" \
        "sbatch --dependency=afterok chain" "default settings; runs: ${hh[*]}"
fi

# --- 9b. busy: another user's queue fills the node right after the pipeline starts ---------------
if [ -z "$SCEN" ] || [ "$SCEN" = busy ]; then
    n=${BUSY_CHAIN:-5}; fill=${BUSY_FILL:-40}
    busy_yaml() { # name dependencies
        { echo "name: $1"; echo "scheduler: slurm"; echo "site: { dependencies: $2 }"
          echo "defaults: { memory: 10M, partition: cpu }"; echo "tasks:"
          echo "  - { name: t1, command: \"sleep 2\" }"
          for i in $(seq 2 "$n"); do echo "  - { name: t$i, after: [t$((i - 1))], command: \"sleep 2\" }"; done
        } > "$WORK/$1.yaml"
    }
    busy_yaml busy scheduler; busy_yaml busyhwf hwf
    dir="$WORK/filler"; mkdir -p "$dir"
    printf '#!/bin/bash\n#SBATCH --mem=10M\n#SBATCH --partition=cpu\nsleep 1\n' > "$dir/f.sh"
    busy_ms() { # yaml: the pipeline's makespan while $fill one-second jobs arrive just after it started
        local t0 pid
        t0=$(now_ms)
        env -u HWF_POLL_INTERVAL "$HWF" submit "$1" -q --set site.workdir="$WORK/wbusy" > /dev/null \
            2> "$WORK/busy.err" &
        pid=$!
        sleep 2 # the pipeline's first pass is done: its head runs
        for _ in $(seq "$fill"); do sbatch --parsable --chdir="$dir" --output=/dev/null "$dir/f.sh" > /dev/null; done
        wait "$pid" || { echo "hwf submit $1 failed:" >&2; cat "$WORK/busy.err" >&2; return 1; }
        echo $(( $(now_ms) - t0 ))
        while [ -n "$(squeue --noheader --states=PENDING,RUNNING --format=%i)" ]; do sleep 1; done
    }
    e=(); l=()
    for _ in $(seq "$REPS"); do
        clean_queue
        e+=("$(busy_ms "$WORK/busy.yaml")")
        l+=("$(busy_ms "$WORK/busyhwf.yaml")")
    done
    row "chain$n of sleep 2, node filled after" "$(printf '%s\n' "${e[@]}" | median)" \
        "$(printf '%s\n' "${l[@]}" | median)" "the same, dependencies: hwf" \
        "$fill one-second jobs queued 2 s in; runs: ${e[*]} / ${l[*]}"
fi

# --- 10. each: a 2-stage element-wise pipeline against the same stages with a barrier --------------
if [ -z "$SCEN" ] || [ "$SCEN" = each ]; then
    n=${EACH:-20}
    # EACH_SLURM_CONF=/var/tmp/hwf-cluster-real/slurm.conf runs it on the realistic cluster's 3 nodes
    # (6 cores; src/test/cluster/up-realistic.sh), where the stages do not fill every core
    if [ -n "${EACH_SLURM_CONF:-}" ]; then export SLURM_CONF="$EACH_SLURM_CONF"; fi
    each_yaml() { # name dependency-key
        # each element sleeps 1-5 s, drawn once per index (the same draw in both files)
        { echo "name: $1"; echo "scheduler: slurm"
          echo "defaults: { memory: 10M, partition: cpu }"; echo "tasks:"
          echo "  - { name: sim, array: $n, command: \"sleep \$(( (HWF_ARRAY_INDEX * 7 + 3) % 5 + 1 ))\" }"
          echo "  - { name: fit, array: $n, $2: [sim], command: \"sleep \$(( (HWF_ARRAY_INDEX * 3 + 4) % 5 + 1 ))\" }"
        } > "$WORK/$1.yaml"
    }
    each_yaml each afterEach; each_yaml barrier after
    each_ms() { local t0; t0=$(now_ms); env -u HWF_POLL_INTERVAL "$HWF" submit "$1" -q \
        --set site.workdir="$WORK/weach" > /dev/null; echo $(( $(now_ms) - t0 )); }
    e=(); b=()
    for _ in $(seq "$REPS"); do
        clean_queue
        e+=("$(each_ms "$WORK/each.yaml")")
        b+=("$(each_ms "$WORK/barrier.yaml")")
    done
    row "2 stages x $n, afterEach" "$(printf '%s\n' "${e[@]}" | median)" "$(printf '%s\n' "${b[@]}" | median)" \
        "the same with after (barrier)" \
        "makespan, default settings; runs: ${e[*]} / ${b[*]}${SLURM_CONF:+; $SLURM_CONF}"
    if [ -n "${EACH_SLURM_CONF:-}" ]; then unset SLURM_CONF; fi
fi

# --- 11. aot: start-up with a JDK 25 AOT cache against JDK 17 with its class-data archive ---------
if [ "$SCEN" = aot ]; then
    J25=${J25:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -n 1)}
    J17=${J17:-$(ls -d /usr/lib/jvm/java-17-openjdk*/bin/java 2>/dev/null | head -n 1)}
    clean_queue
    arrays aot10k 10 1000
    HWF_JAVA="$J17" submit_ms "$WORK/aot10k.yaml" > /dev/null
    run=$(cat "$WORK/last-run")
    copy_runs "$run" bench-aot
    HWF_JAVA="$J25" "$HWF" --version > /dev/null # makes the AOT cache once, as a first use does
    for j in "$J17" "$J25"; do
        jv=$(HWF_JAVA="$j" "$HWF" --version | sed -n 2p | awk '{ print $2 }')
        for cmd in "--version" "status $run --json" "runs"; do
            ts=(); fl=()
            for _ in $(seq "$REPS"); do
                t0=$(now_ms); HWF_JAVA="$j" "$HWF" $cmd > /dev/null; ts+=($(( $(now_ms) - t0 )))
                t0=$(now_ms); "$j" -version 2> /dev/null; fl+=($(( $(now_ms) - t0 )))
            done
            row "JDK $jv: hwf ${cmd/$run/RUN}" "$(printf '%s\n' "${ts[@]}" | median)" \
                "$(printf '%s\n' "${fl[@]}" | median)" "java -version, same JDK" "runs: ${ts[*]}"
        done
    done
fi

# --- 12. footprint: peak RSS of a followed submit of 300 tasks and a gather -------------------------
if [ "$SCEN" = footprint ]; then
    { echo "name: fp"; echo "tasks:"
      for i in $(seq 1 300); do echo "  - { name: t$i, command: \"true\" }"; done
      printf '  - { name: gather, after: [%s], command: "true" }\n' "$(seq -s, -f 't%g' 1 300)"
    } > "$WORK/fp.yaml"
    j17=${J17:-$(ls -d /usr/lib/jvm/java-17-openjdk*/bin/java | head -n 1)}
    j25=${J25:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -n 1)}
    # the last: JDK 17 with the JVM's own heap sizing (an initial heap of 1/64 of memory), as before
    jvm_heap="-Xms$(( $(free -m | awk '/Mem:/ { print $2 }') / 64 ))m -XX:MaxHeapFreeRatio=70"
    for way in "$j17|" "$j25|" "$j17|$jvm_heap"; do
        j=${way%%|*}; extra=${way#*|}
        rss=(); ts=()
        for _ in $(seq "$REPS"); do
            HWF_JAVA="$j" HWF_JAVA_OPTS="$extra" /usr/bin/time -f '%e %M' -o "$WORK/time" "$HWF" submit \
                "$WORK/fp.yaml" -q --set site.workdir="$WORK/wfp" > /dev/null
            read -r sec kb < "$WORK/time"
            rss+=($((kb / 1024))); ts+=("$(awk -v s="$sec" 'BEGIN { printf "%d", s * 1000 }')")
        done
        row "submit, 300 tasks + gather, $(basename "$(dirname "$(dirname "$j")")") ${extra:+(JVM heap)}" \
            "$(printf '%s\n' "${ts[@]}" | median)" "-" "-" \
            "peak RSS $(printf '%s\n' "${rss[@]}" | median) MiB (runs: ${rss[*]} MiB; local scheduler)"
    done
fi

# --- 13. drain: pilots near their end start nothing that would not end in time ---------------------------
if [ "$SCEN" = drain ]; then
    n=${DRAIN:-1000}; wall=${DRAIN_WALL:-00:01:00}
    base=${DRAIN_BASE:-b750c12}
    basetree="$WORK/base"
    git -C "$HOME_DIR" worktree add -q --detach "$basetree" "$base"
    (cd "$basetree" && mvn -q -B -o -DskipTests -Dmaven.test.skip=true package -pl launcher -am >/dev/null)
    # each element notes its start and its end: a start without an end is an element killed mid-run
    { echo "name: drain"; echo "scheduler: slurm"
      echo "pilot: { jobs: 2, cpus: 1, memory: 500M, walltime: \"$wall\", idle: 30 }"; echo "tasks:"
      echo "  - name: nap"
      echo "    pilot: true"
      echo "    array: $n"
      echo "    command: echo start >> \"$WORK/marks/\$HWF_ARRAY_INDEX\"; sleep \$(( (HWF_ARRAY_INDEX * 7919) % 5 + 1 )); echo end >> \"$WORK/marks/\$HWF_ARRAY_INDEX\""
      echo "  - { name: gather, after: [nap], memory: 10M, command: \"true\" }"; } > "$WORK/drain.yaml"
    for way in "this build|$HWF" "$base (before)|$basetree/bin/hwf"; do
        name=${way%%|*}; hwf=${way#*|}
        clean_queue; rm -rf "$WORK/marks"; mkdir -p "$WORK/marks"
        export HWF_JOURNAL="$WORK/drain-${name%% *}.db"
        t0=$(now_ms)
        "$hwf" -q submit "$WORK/drain.yaml" --set site.workdir="$WORK/wd" > "$WORK/drain.out" 2>&1 && code=0 || code=$?
        ms=$(( $(now_ms) - t0 ))
        killed=$(cat "$WORK"/marks/* | awk '/start/ { s++ } /end/ { e++ } END { print s - e }')
        read -r pilots hours < <(python3 - "$HWF_JOURNAL" <<'PY'
import sqlite3, sys
from datetime import datetime
# every pilot job (an attempt of an element of the pilot task): from its first RUNNING to its last event
rows = sqlite3.connect(sys.argv[1]).execute(
    "select min(case when state='RUNNING' then at end), max(at) from hwf_event where task='pilot' "
    "group by idx, attempt").fetchall()
def t(x): return datetime.fromisoformat(x.replace("Z", "+00:00"))
spans = [(t(b) - t(a)).total_seconds() for a, b in rows if a and b]
print(len(spans), "%.3f" % (sum(spans) / 3600))
PY
        )
        row "drain, $n x sleep 1-5 s, $name" "$ms" "-" "-" \
            "exit $code; killed at a pilot's end: $killed; pilot jobs: $pilots; pilot core-hours: $hours"
    done
    git -C "$HOME_DIR" worktree remove --force "$basetree"
    export HWF_JOURNAL="$WORK/journal.db"
fi

# --- 1b. submitssh: submit over SSH against a loop of ssh ... sbatch --------------------------------
if [ "$SCEN" = submitssh ]; then
    bash "$HOME_DIR/src/test/cluster/sshd-up.sh" >/dev/null
    sshdir=${HWF_CLUSTER_DIR:-/var/tmp/hwf-cluster}/ssh
    sshopts=(-F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes
             -o UserKnownHostsFile="$sshdir/known_hosts" -i "$sshdir/userkey" -p 2222)
    sock="$WORK/mux.sock"
    ssh "${sshopts[@]}" -o ControlMaster=yes -o ControlPath="$sock" -fN root@127.0.0.1
    for n in ${SUBMIT_SIZES:-300}; do
        independent "ssh$n" "$n"
        sed -i "s#^scheduler: slurm#scheduler: slurm\nsite: { host: 127.0.0.1, port: 2222, user: root, identityFile: $sshdir/userkey, knownHosts: $sshdir/known_hosts }#" "$WORK/ssh$n.yaml"
        hwf_t=(); floor_t=()
        for _ in $(seq "$REPS"); do
            clean_queue
            hwf_t+=("$(detached_ms "$WORK/ssh$n.yaml" "$WORK/wssh")")
            sb=$(queued)
            clean_queue
            floor_t+=("$(floor_loop_ms "$n" ssh "${sshopts[@]}" -o ControlPath="$sock" root@127.0.0.1)")
        done
        row "submit --detach over SSH, $n tasks" "$(printf '%s\n' "${hwf_t[@]}" | median)" \
            "$(printf '%s\n' "${floor_t[@]}" | median)" "loop of ssh sbatch (mux)" "$sb jobs queued by hwf"
    done
    ssh "${sshopts[@]}" -o ControlPath="$sock" -O exit root@127.0.0.1 2>/dev/null || true
fi

# --- 14. followed: a campaign followed to its end on Slurm, hwf against Snakemake ----------------------
if [ "$SCEN" = followed ]; then
    command -v snakemake >/dev/null || { echo "bench followed: needs Snakemake (apt-get install snakemake)" >&2; exit 2; }
    shape=${FOLLOWED_SHAPE:-gather}; reps=${REPS_FOLLOWED:-1}
    smk="$WORK/smk"; mkdir -p "$smk"
    printf 'name: followed\nscheduler: slurm\ndefaults: { memory: 10M }\ntasks:\n' > "$WORK/followed.yaml"
    if [ "$shape" = chain ]; then # each task after the one before
        n=${FOLLOWED:-10}; label="a chain of $n tasks"
        { echo "  - { name: t1, command: \"true\" }"
          for i in $(seq 2 "$n"); do echo "  - { name: t$i, after: [t$((i - 1))], command: \"true\" }"; done
        } >> "$WORK/followed.yaml"
        cat > "$smk/Snakefile" <<SMK
wildcard_constraints:
    i="[0-9]+"
rule last:
    input: "out/t$n"
rule t:
    input: lambda w: [] if int(w.i) == 1 else ["out/t%d" % (int(w.i) - 1)]
    output: "out/t{i}"
    shell: "true; touch {output}"
SMK
    else
        n=${FOLLOWED:-300}; label="$n tasks + gather"
        { for i in $(seq 1 "$n"); do echo "  - { name: t$i, command: \"true\" }"; done
          printf '  - { name: gather, after: [%s], command: "true" }\n' "$(seq -s, -f 't%g' 1 "$n")"
        } >> "$WORK/followed.yaml"
        cat > "$smk/Snakefile" <<SMK
rule gather:
    input: expand("out/t{i}", i=range(1, $n + 1))
    output: "out/gather"
    shell: "true; touch {output}"
rule t:
    output: "out/t{i}"
    shell: "true; touch {output}"
SMK
    fi
    hwf_t=(); smk_t=(); hwf_m=(); smk_m=(); hwf17_m=()
    j17=$(ls /usr/lib/jvm/java-17-openjdk-*/bin/java 2>/dev/null | head -1)
    HWF_JAVA="$j17" "$HWF" --version > /dev/null 2>&1 || j17= # its class-data archive made before the timed run
    for _ in $(seq "$reps"); do
        clean_queue
        rm -rf "$WORK/wfollowed" "$WORK/followed.db"*
        ( unset HWF_POLL_INTERVAL; HWF_JOURNAL="$WORK/followed.db" /usr/bin/time -f '%e %M' -o "$WORK/time" \
            "$HWF" submit "$WORK/followed.yaml" -q --set site.workdir="$WORK/wfollowed" > "$WORK/followed.out" 2>&1 )
        read -r sec kb < "$WORK/time"
        grep -q SUCCEEDED "$WORK/followed.out" || { echo "bench followed: hwf did not succeed:" >&2; cat "$WORK/followed.out" >&2; exit 1; }
        hwf_t+=("$(awk -v s="$sec" 'BEGIN { printf "%d", s * 1000 }')"); hwf_m+=($((kb / 1024)))
        if [ -n "$j17" ]; then # the same run on a JDK 17 with its class-data archive
            clean_queue
            rm -rf "$WORK/wfollowed" "$WORK/followed.db"*
            ( unset HWF_POLL_INTERVAL; HWF_JAVA="$j17" HWF_JOURNAL="$WORK/followed.db" /usr/bin/time -f '%e %M' \
                -o "$WORK/time" "$HWF" submit "$WORK/followed.yaml" -q --set site.workdir="$WORK/wfollowed" \
                > "$WORK/followed.out" 2>&1 )
            grep -q SUCCEEDED "$WORK/followed.out" || { echo "bench followed: hwf (JDK 17) did not succeed:" >&2
                cat "$WORK/followed.out" >&2; exit 1; }
            read -r sec kb < "$WORK/time"; hwf17_m+=($((kb / 1024)))
        fi
        clean_queue
        rm -rf "$smk/out" "$smk/.snakemake" "$smk/logs"; mkdir -p "$smk/logs"
        # each of Snakemake's jobs runs Snakemake itself (about 75 MiB), which Slurm's memory
        # enforcement kills under hwf's 10M: its jobs ask for 200M
        ( cd "$smk" && /usr/bin/time -f '%e %M' -o "$WORK/time" timeout 3600 snakemake -q -j "$n" --latency-wait 30 \
            --cluster "sbatch --parsable --mem=200M --output=$smk/logs/%j.out" > "$WORK/smk.out" 2>&1 ) \
            || { echo "bench followed: snakemake failed:" >&2; tail -20 "$WORK/smk.out" >&2; exit 1; }
        read -r sec kb < "$WORK/time"
        smk_t+=("$(awk -v s="$sec" 'BEGIN { printf "%d", s * 1000 }')"); smk_m+=($((kb / 1024)))
    done
    row "followed on Slurm, $label" "$(printf '%s\n' "${hwf_t[@]}" | median)" \
        "$(printf '%s\n' "${smk_t[@]}" | median)" "Snakemake $(snakemake --version) --cluster" "wall time"
    row "peak RSS (MiB), the same runs" "$(printf '%s\n' "${hwf_m[@]}" | median)" \
        "$(printf '%s\n' "${smk_m[@]}" | median)" "Snakemake, the same runs" \
        "hwf ${hwf_m[*]} MiB, Snakemake ${smk_m[*]} MiB; $("$HWF" --version | sed -n 2p | cut -d" " -f1-3)"
    if [ -n "$j17" ]; then
        row "peak RSS (MiB), hwf on JDK 17" "$(printf '%s\n' "${hwf17_m[@]}" | median)" \
            "$(printf '%s\n' "${smk_m[@]}" | median)" "Snakemake, the same runs" "hwf ${hwf17_m[*]} MiB; $j17"
    fi
fi

echo "(written to $OUT)"
