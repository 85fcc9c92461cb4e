#!/usr/bin/env bash
# A login node of its own for the production-like cluster (up-realistic.sh), as users reach a
# second cluster: an sshd on 127.0.0.1:2223 that lets in one Unix user, hwfgpu (made by
# up-realistic.sh with a Slurm association under account hwf, so that the cluster takes its jobs), and
# gives its sessions
# that cluster's SLURM_CONF. Beside the plain cluster's login on 2222 (sshd-up.sh, root), it lets
# one workflow use two clusters, each through its own login, with files staged between them.
# Run after up-realistic.sh; idempotent; stop it with login-down.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REAL=${HWF_REAL_CLUSTER_DIR:-/var/tmp/hwf-cluster-real}
LOGIN_USER=hwfgpu
CONF=$REAL/slurm.conf
[ -s "$CONF" ] || { echo "login-up.sh: ERROR: $CONF missing; run up-realistic.sh first" >&2; exit 1; }
id "$LOGIN_USER" >/dev/null 2>&1 || { echo "login-up.sh: ERROR: no user $LOGIN_USER; run up-realistic.sh" >&2; exit 1; }
HWF_CLUSTER_DIR=$REAL/login HWF_SSH_PORT=2223 HWF_SSH_USER=$LOGIN_USER HWF_SSH_SETENV="SLURM_CONF=$CONF" \
    bash "$here/sshd-up.sh"

# The two logins reach each other as clusters of one centre often do: hwfgpu's own ssh, on this
# login, reaches the plain cluster's login (root@127.0.0.1:2222, sshd-up.sh) with a key and a
# known_hosts line of its own, so that a site may say `reaches: [cpu]` and inputs are copied between
# the two directly. (A test machine only: that key is the test rig's root login.)
PLAIN=${HWF_CLUSTER_DIR:-/var/tmp/hwf-cluster}/ssh
if [ -s "$PLAIN/userkey" ] && [ -s "$PLAIN/known_hosts" ]; then
    home=$(getent passwd "$LOGIN_USER" | cut -d: -f6)
    group=$(id -gn "$LOGIN_USER")
    install -d -m 0700 -o "$LOGIN_USER" -g "$group" "$home/.ssh"
    install -m 0600 -o "$LOGIN_USER" -g "$group" "$PLAIN/userkey" "$home/.ssh/id_ed25519"
    install -m 0600 -o "$LOGIN_USER" -g "$group" "$PLAIN/known_hosts" "$home/.ssh/known_hosts"
else
    echo "login-up.sh: note: no plain login keys in $PLAIN (run sshd-up.sh first); $LOGIN_USER cannot reach it" >&2
fi
