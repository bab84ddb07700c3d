#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian 12 machine:
# the npm dependencies and the Debian packages whose real servers the
# integration tests start on loopback. Idempotent; safe to run twice.
# Services are installed but never started by the package scripts (the tests
# start their own instances with their own configs on free ports).
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(
  openssl ca-certificates gnutls-bin swaks
  exim4-daemon-light
  dovecot-imapd dovecot-pop3d dovecot-managesieved dovecot-lmtpd
  postgresql
  vsftpd
  slapd
  prosody
  inspircd
  mariadb-server
  sslscan testssl.sh
  nginx-light haproxy
  gcc libc6-dev checksec binutils
  libkrb5-3 iproute2 libssl-dev
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  # Keep package maintainer scripts from starting daemons: the tests run their own.
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO -E apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" >/tmp/tlsdoctor-apt.log 2>&1 || { tail -50 /tmp/tlsdoctor-apt.log >&2; exit 1; }
  $SUDO rm -f /usr/sbin/policy-rc.d
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages" >&2
  npm ci --no-audit --no-fund >/dev/null
fi
