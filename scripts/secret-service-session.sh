#!/usr/bin/env bash
# A throwaway Linux Secret Service (GNOME Keyring on a private D-Bus session bus) for the tests
# that prove the token cache's key in a real operating-system secret store, and for CI.
#
#   scripts/secret-service-session.sh         start it (idempotent) and print its bus address on
#                                             stdout: unix:path=/tmp/passage-secret-service/bus,...
#   scripts/secret-service-session.sh stop    stop it and delete its files
#   scripts/secret-service-session.sh lock    lock its login keyring (as a screen lock would)
#   scripts/secret-service-session.sh unlock  unlock it again with its password
#   scripts/secret-service-session.sh status  exit 0 when it runs and answers, 1 otherwise
#
# Never a real user's keyring: the bus is a Unix socket in its own 0700 folder
# (PASSAGE_SECRET_SERVICE_DIR, default $TMPDIR/passage-secret-service), with no service files (so
# nothing is started on demand) and EXTERNAL authentication (only this user's processes connect);
# the daemon runs with HOME, XDG_DATA_HOME (where the keyring files go) and XDG_RUNTIME_DIR (its
# control socket) inside that folder; the keyring's password is random and kept there, 0600.
# Nothing listens on the network. Installs Debian's gnome-keyring, dbus-daemon and libglib2.0-bin
# (for gdbus) when they are missing, with sudo when not root. Everything but the address goes to
# stderr, so that `BUS=$(scripts/secret-service-session.sh)` works.
set -euo pipefail

BASE="${PASSAGE_SECRET_SERVICE_DIR:-${TMPDIR:-/tmp}/passage-secret-service}"
BUS_SOCKET="${BASE}/bus"
ADDRESS="unix:path=${BUS_SOCKET}"
LOGIN=/org/freedesktop/secrets/collection/login

log() { echo "secret-service-session: $*" >&2; }

# The daemons see only the folder's HOME and XDG folders, never the caller's. `env` execs the
# command, so a background "${SESSION[@]}" cmd & has the command's own pid in $!.
SESSION=(env -u GNOME_KEYRING_CONTROL
  HOME="${BASE}/home" XDG_DATA_HOME="${BASE}/data" XDG_CONFIG_HOME="${BASE}/config"
  XDG_CACHE_HOME="${BASE}/cache" XDG_RUNTIME_DIR="${BASE}/run"
  DBUS_SESSION_BUS_ADDRESS="${ADDRESS}")
in_session() { "${SESSION[@]}" "$@"; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

gdbus_() { in_session timeout 10 gdbus call --session "$@"; }

# True when the Secret Service answers on the bus.
answers() {
  [ -S "$BUS_SOCKET" ] &&
    gdbus_ -d org.freedesktop.secrets -o /org/freedesktop/secrets \
      -m org.freedesktop.Secret.Service.ReadAlias default >/dev/null 2>&1
}

login_locked() {
  gdbus_ -d org.freedesktop.secrets -o "$LOGIN" -m org.freedesktop.DBus.Properties.Get \
    org.freedesktop.Secret.Collection Locked 2>/dev/null
}

install_packages() {
  local missing=()
  command -v dbus-daemon >/dev/null || missing+=(dbus-daemon)
  command -v gnome-keyring-daemon >/dev/null || missing+=(gnome-keyring)
  command -v gdbus >/dev/null || missing+=(libglib2.0-bin)
  [ "${#missing[@]}" = 0 ] && return
  log "installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >&2
}

# Starts the keyring daemon in the foreground of a background job (its pid is ours to stop),
# its login keyring unlocked (created on first start) with the password on stdin.
start_keyring() {
  "${SESSION[@]}" gnome-keyring-daemon --foreground --components=secrets --unlock "$@" \
    <"${BASE}/password" >>"${BASE}/keyring.log" 2>&1 &
  echo $! >"${BASE}/keyring.pid"
  local i
  for i in $(seq 1 100); do
    if answers && [ "$(login_locked)" = "(<false>,)" ]; then return 0; fi
    alive "${BASE}/keyring.pid" || break
    sleep 0.1
  done
  log "the keyring did not answer unlocked; its log:"
  cat "${BASE}/keyring.log" >&2 || true
  return 1
}

stop_all() {
  local f
  for f in keyring.pid dbus.pid; do
    if alive "${BASE}/${f}"; then kill "$(cat "${BASE}/${f}")" 2>/dev/null || true; fi
  done
  rm -rf "$BASE"
}

case "${1:-start}" in
  stop)
    stop_all
    log "stopped"
    exit 0
    ;;
  status)
    answers
    exit $?
    ;;
  lock)
    answers || { log "not running"; exit 1; }
    gdbus_ -d org.freedesktop.secrets -o /org/freedesktop/secrets \
      -m org.freedesktop.Secret.Service.Lock "[objectpath '${LOGIN}']" >/dev/null
    [ "$(login_locked)" = "(<true>,)" ] || { log "the login keyring did not lock"; exit 1; }
    log "locked"
    exit 0
    ;;
  unlock)
    answers || { log "not running"; exit 1; }
    # The Secret Service unlocks only through a prompt (none here): replace the daemon by one
    # unlocked with the password again; the keyring file keeps its items.
    start_keyring --replace
    log "unlocked"
    exit 0
    ;;
  start) ;;
  *)
    echo "usage: $0 [start|stop|lock|unlock|status]" >&2
    exit 2
    ;;
esac

if answers; then
  echo "$ADDRESS"
  exit 0
fi

install_packages
stop_all
mkdir -p "$BASE"
chmod 700 "$BASE"
mkdir -p "${BASE}/home" "${BASE}/data" "${BASE}/config" "${BASE}/cache" "${BASE}/run"
chmod 700 "${BASE}/run"
(umask 077 && head -c 24 /dev/urandom | base64 | tr -d '\n' >"${BASE}/password")

# A session bus of our own: this socket only, this user only, no services started on demand.
cat >"${BASE}/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>${ADDRESS}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="false"/>
    <allow receive_sender="*"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF

log "starting a private D-Bus session bus at ${BUS_SOCKET}"
in_session dbus-daemon --config-file="${BASE}/bus.conf" --fork --print-pid=1 \
  >"${BASE}/dbus.pid" 2>>"${BASE}/dbus.log"
for _ in $(seq 1 50); do
  [ -S "$BUS_SOCKET" ] && break
  sleep 0.1
done
[ -S "$BUS_SOCKET" ] || { log "the bus did not start"; cat "${BASE}/dbus.log" >&2; exit 1; }

log "starting GNOME Keyring (secrets only), its files in ${BASE}/data/keyrings"
start_keyring
echo "$ADDRESS"
