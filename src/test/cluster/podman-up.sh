#!/usr/bin/env bash
# Stands up what the software-environment tests (SoftwareEnvIT) need on this machine, from nothing
# and idempotently (root, Debian 12):
#   - Lmod (`lmod`), podman (`podman`) and a static busybox (`busybox-static`), when missing;
#   - a podman that can start containers here: where the cgroup v2 mount beside the v1 hierarchies
#     holds controllers ("hybrid mode", hugetlb on this project's VMs), crun refuses every container
#     ("cgroups in hybrid mode not supported"), so each such controller is given a v1 hierarchy of its
#     own under /sys/fs/cgroup (nothing else uses it); and a containers.conf whose default_ulimits
#     are the limits this shell already has, since crun cannot raise them to podman's defaults
#     without CAP_SYS_RESOURCE, which this sandbox does not grant;
#   - the test image localhost/hwf-test-busybox:1, imported from a directory (no registry): busybox,
#     its applets, a bash that is busybox's sh, and /etc/hwf-image.
# Prints the containers.conf to use (CONTAINERS_CONF=...) on stdout. Exits 3 when podman is installed
# but cannot start a container here (the reason on stderr); any other failure exits non-zero too.
# Environment: HWF_CLUSTER_DIR (default /var/tmp/hwf-cluster), under which podman/ is kept.
set -euo pipefail
DIR="${HWF_CLUSTER_DIR:-/var/tmp/hwf-cluster}/podman"
IMAGE=localhost/hwf-test-busybox:1
mkdir -p "$DIR"

need=()
command -v podman >/dev/null || need+=(podman)
[ -r /usr/share/lmod/lmod/init/bash ] || need+=(lmod)
[ -x /bin/busybox ] || need+=(busybox-static)
if [ ${#need[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need[@]}" >/dev/null
fi

unified=/sys/fs/cgroup/unified
if [ -r "$unified/cgroup.controllers" ]; then
    for c in $(cat "$unified/cgroup.controllers"); do
        mkdir -p "/sys/fs/cgroup/$c"
        mountpoint -q "/sys/fs/cgroup/$c" || mount -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c"
    done
fi

nofile=$(ulimit -Hn)
nproc=$(ulimit -Hu)
[ "$nofile" = unlimited ] || [ "$nofile" -gt 1048576 ] && nofile=1048576
[ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ] && nproc=32768
printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n' \
    "$nofile" "$nofile" "$nproc" "$nproc" >"$DIR/containers.conf.tmp"
mv -f "$DIR/containers.conf.tmp" "$DIR/containers.conf"
export CONTAINERS_CONF="$DIR/containers.conf"

if ! podman image exists "$IMAGE"; then
    root="$DIR/rootfs"
    rm -rf "$root"
    mkdir -p "$root/bin" "$root/etc" "$root/tmp"
    cp /bin/busybox "$root/bin/busybox"
    for applet in sh cat echo ls env pwd id test printf touch hostname sleep; do
        ln -sf busybox "$root/bin/$applet"
    done
    printf '#!/bin/sh\nexec /bin/sh "$@"\n' >"$root/bin/bash"
    chmod 755 "$root/bin/bash"
    echo "hwf test image" >"$root/etc/hwf-image"
    tar -C "$root" -cf "$DIR/rootfs.tar" .
    podman import --quiet "$DIR/rootfs.tar" "$IMAGE" >/dev/null
    rm -rf "$root" "$DIR/rootfs.tar"
fi
echo "$DIR/containers.conf"
# the proof: a container starts and sees its own file. Exit 3 when none can start on this machine:
# Lmod is ready, and the tests that need podman say why they are skipped
if ! why=$(podman run --rm "$IMAGE" cat /etc/hwf-image 2>&1 >/dev/null); then
    echo "podman-up.sh: podman cannot start a container on this machine: $why" >&2
    exit 3
fi
