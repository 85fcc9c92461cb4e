#!/usr/bin/env bash
# Installs an hwf release as a newcomer would, on a machine where neither Java nor Maven can be
# found, and uses it: `hwf --version`, the example workflow to its end, `hwf doctor` against the
# plain local Slurm, and `man hwf` after `module load hwf`. The release is unpacked into DIR and
# mounted read-only; a private mount namespace hides /usr/lib/jvm (every JDK, and so the java on
# PATH), Maven and ~/.m2; HOME is a fresh directory. ReleaseIT runs it (as root: unshare -m).
#   src/test/release/newcomer.sh TARBALL DIR
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: newcomer.sh TARBALL DIR" >&2; exit 2; }
tarball=$(readlink -f "$1")
dir=$(mkdir -p "$2" && cd "$2" && pwd)
mkdir -p "$dir/opt" "$dir/home"
tar -xzf "$tarball" -C "$dir/opt"
release=$(echo "$dir"/opt/hwf-*)
[ -x "$release/bin/hwf" ] || { echo "newcomer: no bin/hwf in $tarball" >&2; exit 1; }
exec unshare -m --propagation private bash -euo pipefail -s "$release" "$dir/home" <<'INNER'
release=$1
home=$2
for hide in /usr/lib/jvm /usr/share/maven "$HOME/.m2"; do
    [ -d "$hide" ] && mount -t tmpfs -o size=1m,mode=0755 hidden "$hide"
done
mount --bind "$release" "$release"
mount -o remount,bind,ro "$release"
export HOME=$home PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
unset JAVA_HOME HWF_JAVA HWF_JOURNAL HWF_REBUILD CLASSPATH
if command -v java >/dev/null || command -v mvn >/dev/null; then
    echo "newcomer: java or mvn can still be found: $(command -v java mvn)" >&2
    exit 1
fi
echo "newcomer: no java, no mvn on this machine"
if touch "$release/bin/x" 2>/dev/null; then echo "newcomer: the release is writable" >&2; exit 1; fi
mkdir -p "$home/bin" "$home/elsewhere"
ln -s "$release/bin/hwf" "$home/bin/hwf" # through a symbolic link on PATH, from another directory
export PATH=$home/bin:$PATH
cd "$home/elsewhere"
echo "== hwf --version"
hwf --version
echo "== hwf submit hybrid.yaml"
hwf submit --quiet "$release/workflows/hybrid.yaml"
echo "== hwf status"
hwf status --json | tr -d '\n' | sed 's/^\(.\{0,200\}\).*/\1/'
echo
echo "== state $(hwf runs --json | tr -d ' \n' | sed -n 's/.*"state":"\([A-Z]*\)".*/\1/p')"
printf 'name: doctor\nscheduler: slurm\nsite: { workdir: %s/slurm-work }\ntasks:\n  - name: t\n    command: "true"\n' \
    "$home" > "$home/slurm.yaml"
echo "== hwf doctor"
set +e
hwf doctor "$home/slurm.yaml"
echo "== doctor exit $?"
set -e
echo "== man hwf"
# shellcheck disable=SC1091
. /usr/share/lmod/lmod/init/bash
module use "$release/modulefiles"
module load hwf
echo "man page: $(man -w hwf)"
man hwf 2>/dev/null | col -b | grep -m1 -A1 '^NAME' || true
echo "== cache $(ls "$home/.cache/hwf")"
echo "== done"
INNER
