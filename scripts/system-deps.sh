#!/usr/bin/env bash
# Makes sure the Debian programs the assistant and its tests use are present (espeak-ng, ffmpeg;
# for tests chromium, for the web chat's browser tests, and nginx, the two-instance layout's
# balancer; kamailio and baresip, the phone line's registrar and caller) and that PostgreSQL
# answers on 127.0.0.1:5432.
set -euo pipefail
need=()
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
if [ "${1:-}" = "--test" ]; then
  command -v chromium >/dev/null || need+=(chromium)
  # the balancer in front of the two-instance layout (tests/deploy)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
  # the phone line's tests: Kamailio as registrar/proxy, baresip as the calling telephone
  command -v kamailio >/dev/null || [ -x /usr/sbin/kamailio ] || need+=(kamailio)
  command -v baresip >/dev/null || need+=(baresip-core)
fi
if ((${#need[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing ${need[*]} (Debian packages)..." >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
  else
    echo "Please install these Debian packages: sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
fi
if [ "${1:-}" = "--test" ] && ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null; then
    echo "Starting PostgreSQL..." >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >&2 || true
  fi
fi
