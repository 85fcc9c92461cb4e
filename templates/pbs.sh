#!/bin/bash
{{directives}}
#
# hwf job script: workflow {{workflow}}, run {{run}}, task {{task}}, attempt {{attempt}}.
# Rendered from {{template}}. Copy that template and name the copy in a task's
# `template:` key to change what every job of the task runs (the README lists the
# placeholders a template may use).

{{exports}}

hwf_dir={{task_dir}}
cd "$hwf_dir" || { echo "hwf: cannot enter task directory $hwf_dir" >&2; exit 1; }
hwf_tag="$HWF_ATTEMPT.$HWF_ARRAY_INDEX"
# hwf's own files (these logs, the exit code and ready files) are made under umask {{umask}}, readable
# by you (and with site.share: group, your group) only; the command keeps your own umask.
hwf_own_umask={{umask}}
hwf_user_umask=$(umask)
umask "$hwf_own_umask"
exec >"out.$hwf_tag.log" 2>"err.$hwf_tag.log"
umask "$hwf_user_umask"

# The exit code file records the outcome beside the logs, so hwf knows it even after the
# scheduler has forgotten the job. It is written on any exit the shell sees, atomically.
hwf_record() {
    (umask "$hwf_own_umask" && printf '%s\n' "$1" >"exit.$hwf_tag.tmp") && mv -f "exit.$hwf_tag.tmp" "exit.$hwf_tag"
}
hwf_child=
hwf_code=
# A scheduler stops a job with SIGTERM (time limit, scancel): pass it on to the command.
trap '[ -n "$hwf_child" ] && kill -TERM "$hwf_child" 2>/dev/null' TERM INT
trap 'hwf_record "${hwf_code:-$?}"' EXIT

(
{{command}}
) </dev/null &
hwf_child=$!
# wait returns early when a trapped signal arrives; wait until the command has really ended.
while :; do
    wait "$hwf_child"; hwf_code=$?
    kill -0 "$hwf_child" 2>/dev/null || break
done
exit "$hwf_code"
