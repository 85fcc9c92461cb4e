#!/usr/bin/env bash
# Stops the production-like cluster's login node that login-up.sh started (keys are kept).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HWF_CLUSTER_DIR=${HWF_REAL_CLUSTER_DIR:-/var/tmp/hwf-cluster-real}/login bash "$here/sshd-down.sh"
