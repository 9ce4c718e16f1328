#!/usr/bin/env bash
# Installs what the test suite needs and the machine lacks: nats-server,
# PostgreSQL 15, pgvector, and Chromium (the live dashboard's browser test drives
# Debian's /usr/bin/chromium with playwright-core). Idempotent: each step checks first.
# pgvector is not packaged for PostgreSQL 15 in Debian 12, so it is built from
# the source package of Debian's next release against postgresql-server-dev-15.
set -euo pipefail

PG_MAJOR="${EDDY_PG_MAJOR:-15}"
PG_BIN="/usr/lib/postgresql/${PG_MAJOR}/bin"
PGV_SUITE="${EDDY_PGVECTOR_SUITE:-trixie}"

need_nats() { ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; }
need_pg() { [ ! -x "${PG_BIN}/initdb" ] || [ ! -x "${PG_BIN}/postgres" ]; }
need_chromium() { [ -z "${EDDY_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; }
need_pgvector() {
  [ -x "${PG_BIN}/pg_config" ] || return 0
  [ ! -f "$("${PG_BIN}/pg_config" --sharedir)/extension/vector.control" ]
}

if ! need_nats && ! need_pg && ! need_pgvector && ! need_chromium; then
  echo "setup: nats-server, PostgreSQL ${PG_MAJOR}, pgvector and chromium are present"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  cat >&2 <<MSG
setup: this system has no apt-get. Install by hand, then run the tests again:
  - nats-server 2.9 or newer (https://github.com/nats-io/nats-server/releases)
  - PostgreSQL ${PG_MAJOR} server binaries (initdb, postgres, pg_ctl)
  - pgvector 0.7 or newer for that PostgreSQL (https://github.com/pgvector/pgvector)
  - Chromium at /usr/bin/chromium (or set EDDY_CHROMIUM to a Chromium or Chrome binary)
Or point the suite at running servers with NATS_URL and DATABASE_URL.
MSG
  exit 1
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "setup: run as root or install sudo" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive

$SUDO apt-get update -qq
pkgs=()
need_nats && pkgs+=(nats-server)
need_pg && pkgs+=("postgresql-${PG_MAJOR}")
# A CJK font, so the dashboard screenshots show the Chinese comments.
need_chromium && pkgs+=(chromium fonts-wqy-zenhei)
if [ ${#pkgs[@]} -gt 0 ]; then
  echo "setup: installing ${pkgs[*]}"
  $SUDO apt-get install -y -qq "${pkgs[@]}"
fi

if need_pgvector; then
  echo "setup: building pgvector from Debian ${PGV_SUITE} source for PostgreSQL ${PG_MAJOR}"
  $SUDO apt-get install -y -qq "postgresql-server-dev-${PG_MAJOR}" build-essential dpkg-dev
  # The deb-src entry reuses the mirror this machine already uses; no host is named here.
  uri=""
  keyring="/usr/share/keyrings/debian-archive-keyring.gpg"
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1=="deb" && $0 !~ /security/ {for(i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)
  fi
  [ -n "$uri" ] || { echo "setup: cannot find a Debian mirror in the apt sources" >&2; exit 1; }
  src=/etc/apt/sources.list.d/eddy-pgvector-src.sources
  work=$(mktemp -d)
  cleanup() { $SUDO rm -f "$src"; $SUDO apt-get update -qq || true; rm -rf "$work"; }
  trap cleanup EXIT
  printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
    "$uri" "$PGV_SUITE" "$keyring" | $SUDO tee "$src" >/dev/null
  $SUDO apt-get update -qq
  chmod 777 "$work"
  (cd "$work" && apt-get source -qq pgvector)
  dir=$(find "$work" -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)
  [ -n "$dir" ] || { echo "setup: apt-get source pgvector produced no source tree" >&2; exit 1; }
  make -s -C "$dir" PG_CONFIG="${PG_BIN}/pg_config" OPTFLAGS=""
  $SUDO make -s -C "$dir" PG_CONFIG="${PG_BIN}/pg_config" install
fi

echo "setup: done"
