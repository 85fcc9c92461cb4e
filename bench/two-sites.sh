# Sourced by the benchmarks across two sites (staging.sh, placement.sh): the two clusters' login
# nodes of bin/test (sshd-up.sh: root@127.0.0.1:2222 to the plain Slurm; login-up.sh:
# hwfgpu@127.0.0.1:2223 to the production-like one) as a workflow's sites: cpu and gpu.
CPU_KEYS=${HWF_CLUSTER_DIR:-/var/tmp/hwf-cluster}/ssh
GPU_KEYS=${HWF_REAL_CLUSTER_DIR:-/var/tmp/hwf-cluster-real}/login/ssh

# the sites: section; cpu's work directory $1 (absolute), gpu's $2 (relative to hwfgpu's home);
# $3, when given, more keys of gpu (e.g. "reaches: [cpu]")
sites_yaml() {
    cat <<YAML
sites:
  cpu:
    scheduler: slurm
    host: 127.0.0.1
    port: 2222
    user: root
    identityFile: $CPU_KEYS/userkey
    knownHosts: $CPU_KEYS/known_hosts
    workdir: "$1"
  gpu:
    scheduler: slurm
    host: 127.0.0.1
    port: 2223
    user: hwfgpu
    identityFile: $GPU_KEYS/userkey
    knownHosts: $GPU_KEYS/known_hosts
    workdir: $2
YAML
    if [ -n "${3:-}" ]; then echo "    $3"; fi
}
