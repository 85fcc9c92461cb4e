#!/usr/bin/env bash
# Stands up an SSH "login node" for hwf's SSH tests: a real OpenSSH sshd listening on
# 127.0.0.1:2222 only, with its own host keys, test user keys and known_hosts file, all in one
# state directory. From nothing and idempotently: a second run leaves a healthy sshd alone; a
# changed sshd_config restarts it. Run it after up.sh (bin/test does); stop it with sshd-down.sh.
#
# The state directory ($HWF_CLUSTER_DIR/ssh, default /var/tmp/hwf-cluster/ssh) holds:
#   hostkey_ed25519, hostkey_ecdsa, hostkey_rsa   the server's host keys
#   userkey             ed25519 user key, no passphrase (the one the tests log in with)
#   userkey_ecdsa       ECDSA P-256 user key, no passphrase
#   userkey_rsa         RSA 3072 user key, no passphrase (only rsa-sha2-* signatures work)
#   userkey_enc         ed25519 user key encrypted with the passphrase in userkey_enc.passphrase
#   authorized_keys     the four public keys above, for root
#   known_hosts         "[127.0.0.1]:2222 <type> <key>" for each host key
#   sshd_config, sshd.pid, sshd.log (LogLevel INFO: one "Accepted publickey" line per connection)
#
# Needs root (it logs in as root with keys only: PermitRootLogin prohibit-password).
# Environment: HWF_CLUSTER_DIR (as for up.sh), HWF_SSH_PORT (default 2222); for another cluster's
# login node (see login-up.sh): HWF_SSH_USER, the one user it lets in (default root; made with
# useradd when missing), and HWF_SSH_SETENV, a NAME=VALUE its sessions get (SLURM_CONF=...).
set -euo pipefail

BASE=${HWF_CLUSTER_DIR:-/var/tmp/hwf-cluster}
DIR=$BASE/ssh
PORT=${HWF_SSH_PORT:-2222}
ADDR=127.0.0.1
LOGIN=${HWF_SSH_USER:-root}
SETENV=${HWF_SSH_SETENV:-}
MARK="# written by hwf src/test/cluster/sshd-up.sh; rerun it instead of editing"

log() { echo "sshd-up.sh: $*" >&2; }
die() {
    echo "sshd-up.sh: ERROR: $*" >&2
    if [ -s "$DIR/sshd.log" ]; then
        echo "---- last lines of $DIR/sshd.log" >&2
        tail -n 15 "$DIR/sshd.log" >&2
    fi
    exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (sshd, and the tests log in as root)"
case "$PORT" in '' | *[!0-9]*) die "HWF_SSH_PORT must be a port number, got '$PORT'" ;; esac
case "$LOGIN" in '' | -* | *[!a-z0-9_-]*) die "HWF_SSH_USER must be a user name, got '$LOGIN'" ;; esac
case "$SETENV" in '' | [A-Z_]*=*) ;; *) die "HWF_SSH_SETENV must be NAME=VALUE, got '$SETENV'" ;; esac
if [ "$LOGIN" != root ] && ! id "$LOGIN" >/dev/null 2>&1; then
    useradd -m -s /bin/bash "$LOGIN" || die "useradd $LOGIN failed"
fi
if [ "$LOGIN" != root ] && [ "$(getent shadow "$LOGIN" | cut -d: -f2 | cut -c1)" = '!' ]; then
    usermod -p '*' "$LOGIN" || die "usermod $LOGIN failed" # no password, but not locked: sshd lets keys in
fi

# ---- 1. packages (up.sh installs openssh-server too; this keeps the script usable alone) -------
if [ ! -x /usr/sbin/sshd ] || ! command -v ssh-keygen >/dev/null || ! command -v ssh >/dev/null; then
    log "installing openssh-server and openssh-client"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || die "apt-get update failed"
    apt-get install -y -qq -o Dpkg::Use-Pty=0 openssh-server openssh-client >/dev/null \
        || die "apt-get install openssh-server openssh-client failed"
fi

# sshfs (FUSE) for JournalSoakIT, which mounts a directory through this login node and keeps a journal there
if ! command -v sshfs >/dev/null || ! command -v fusermount3 >/dev/null; then
    log "installing sshfs and fuse3"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || die "apt-get update failed"
    apt-get install -y -qq -o Dpkg::Use-Pty=0 sshfs fuse3 >/dev/null || die "apt-get install sshfs fuse3 failed"
fi

mkdir -p "$DIR"
chmod 0700 "$DIR"

# ---- 2. keys: made once, kept across runs (known_hosts lines stay valid) ----------------------
hostkey() { # type bits file
    [ -s "$DIR/$3" ] || ssh-keygen -q -t "$1" ${2:+-b "$2"} -N '' -C "hwf-test-host" -f "$DIR/$3" \
        || die "ssh-keygen -t $1 failed"
}
hostkey ed25519 '' hostkey_ed25519
hostkey ecdsa 256 hostkey_ecdsa
hostkey rsa 3072 hostkey_rsa
userkey() { # type bits file passphrase
    [ -s "$DIR/$3" ] || ssh-keygen -q -t "$1" ${2:+-b "$2"} -N "$4" -C "hwf-test-$3" -f "$DIR/$3" \
        || die "ssh-keygen -t $1 failed"
}
userkey ed25519 '' userkey ''
userkey ecdsa 256 userkey_ecdsa ''
userkey rsa 3072 userkey_rsa ''
if [ ! -s "$DIR/userkey_enc" ]; then
    # a fixed, test-only passphrase: the key opens nothing but this loopback sshd
    printf '%s' "hwf test passphrase" >"$DIR/userkey_enc.passphrase"
    userkey ed25519 '' userkey_enc "$(cat "$DIR/userkey_enc.passphrase")"
fi
chmod 0600 "$DIR"/hostkey_* "$DIR"/userkey*
chmod 0644 "$DIR"/*.pub

cat "$DIR"/userkey.pub "$DIR"/userkey_ecdsa.pub "$DIR"/userkey_rsa.pub "$DIR"/userkey_enc.pub \
    >"$DIR/authorized_keys.new"
mv "$DIR/authorized_keys.new" "$DIR/authorized_keys"
KEYS_FILE=$DIR/authorized_keys
if [ "$LOGIN" != root ]; then
    # sshd reads a user's keys as that user: a copy in its home, since this directory is root's alone
    home=$(getent passwd "$LOGIN" | cut -d: -f6)
    install -d -m 0700 -o "$LOGIN" -g "$(id -gn "$LOGIN")" "$home/.ssh"
    install -m 0600 -o "$LOGIN" -g "$(id -gn "$LOGIN")" "$DIR/authorized_keys" "$home/.ssh/authorized_keys"
    KEYS_FILE=.ssh/authorized_keys
fi
: >"$DIR/known_hosts.new"
for k in ed25519 ecdsa rsa; do
    read -r type key _ <"$DIR/hostkey_$k.pub"
    echo "[$ADDR]:$PORT $type $key" >>"$DIR/known_hosts.new"
done
mv "$DIR/known_hosts.new" "$DIR/known_hosts"

# ---- 3. sshd_config ---------------------------------------------------------------------------
cat >"$DIR/sshd_config.new" <<EOF
$MARK
Port $PORT
ListenAddress $ADDR
AddressFamily inet
HostKey $DIR/hostkey_ed25519
HostKey $DIR/hostkey_ecdsa
HostKey $DIR/hostkey_rsa
PidFile $DIR/sshd.pid
AuthorizedKeysFile $KEYS_FILE
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
PrintMotd no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
LogLevel INFO
Subsystem sftp internal-sftp
AllowUsers $LOGIN
${SETENV:+SetEnv $SETENV}
EOF
changed=0
if ! cmp -s "$DIR/sshd_config.new" "$DIR/sshd_config"; then
    mv "$DIR/sshd_config.new" "$DIR/sshd_config"
    changed=1
else
    rm -f "$DIR/sshd_config.new"
fi
install -d -m 0755 /run/sshd # privilege separation directory; absent on a fresh container
/usr/sbin/sshd -t -f "$DIR/sshd_config" || die "sshd -t rejects $DIR/sshd_config"

# ---- 4. the daemon ----------------------------------------------------------------------------
alive() { [ -s "$DIR/sshd.pid" ] && kill -0 "$(cat "$DIR/sshd.pid")" 2>/dev/null; }
listener() { ss -Hltnp "sport = :$PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | sed -n 1p | cut -d= -f2; }
if [ "$changed" = 1 ] && alive; then
    log "sshd_config changed: restarting sshd"
    "$(dirname "${BASH_SOURCE[0]}")/sshd-down.sh" >/dev/null
fi
started=0
if ! alive; then
    other=$(listener || true)
    [ -z "$other" ] || die "port $PORT is taken by another process (pid $other); stop it or set HWF_SSH_PORT"
    /usr/sbin/sshd -f "$DIR/sshd_config" -E "$DIR/sshd.log" || die "sshd did not start"
    started=1
fi

# ---- 5. check: a real login with the test key and the strict known_hosts file ------------------
try_login() {
    ssh -F /dev/null -n -p "$PORT" -i "$DIR/userkey" -o IdentitiesOnly=yes -o BatchMode=yes \
        -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$DIR/known_hosts" -o GlobalKnownHostsFile=/dev/null \
        -o ConnectTimeout=5 "$LOGIN@$ADDR" true 2>"$DIR/login-check.err"
}
ok=0
for _ in $(seq 50); do
    if try_login; then ok=1; break; fi
    sleep 0.1
done
[ "$ok" = 1 ] || die "login as $LOGIN@$ADDR:$PORT with $DIR/userkey fails: $(cat "$DIR/login-check.err")"
rm -f "$DIR/login-check.err"

echo "hwf ssh login node up ($([ "$started" = 1 ] && echo started || echo already running)):" \
    "sshd pid $(cat "$DIR/sshd.pid") on $ADDR:$PORT; keys, known_hosts and sshd.log in $DIR"
