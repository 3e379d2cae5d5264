#!/usr/bin/env bash
# Installs (or upgrades, or removes) the Edge gateway as the systemd service edge-gateway. Idempotent: run it again
# to upgrade; your /etc/edge-gateway/appsettings.json and the durable log in /var/lib/edge-gateway are kept.
#
#   sudo ./install.sh [APP_DIR]        install or upgrade; APP_DIR = the published gateway (default: ./app)
#   sudo ./install.sh --uninstall      stop and remove the service and /opt/edge-gateway; keep config and data
#   sudo ./install.sh --uninstall --purge   also delete /etc/edge-gateway and the durable log (unsent data is lost)
#
# Files next to this script: edge-gateway.service, appsettings.sample.json, README.md (see README.md).
set -euo pipefail

# EDGE_GATEWAY_DESTDIR: install under another root (image builds and the deploy tests); empty on a real install.
readonly destdir="${EDGE_GATEWAY_DESTDIR:-}"
readonly prefix="$destdir/opt/edge-gateway"
readonly config_dir="$destdir/etc/edge-gateway"
readonly state_dir="$destdir/var/lib/edge-gateway"
readonly unit_dir="$destdir/etc/systemd/system"
readonly unit_path="$unit_dir/edge-gateway.service"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly here

die() {
  echo "install.sh: $*" >&2
  exit 1
}

usage() {
  sed -n '2,9s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

require_root() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (try: sudo $0 $*)"
  command -v systemctl >/dev/null 2>&1 || die "systemctl not found: this script needs systemd"
}

install_gateway() {
  local app_dir="$1"
  [ -x "$app_dir/Edge.Gateway" ] || die "no published gateway at $app_dir (expected $app_dir/Edge.Gateway); see README.md"
  for f in edge-gateway.service appsettings.sample.json; do
    [ -f "$here/$f" ] || die "missing $here/$f"
  done

  # Refuse a binary for another CPU: the most common installer mistake (linux-x64 build copied to a Pi).
  local want have
  want="$(uname -m)"
  have="$(od -An -tx1 -j18 -N2 "$app_dir/Edge.Gateway" | tr -d ' \n')"
  case "$want:$have" in
    aarch64:b700 | x86_64:3e00 | armv7l:2800 | armv6l:2800) ;;
    *) die "$app_dir/Edge.Gateway is not built for this machine ($want); publish with the matching -r (README.md)" ;;
  esac

  # Replace the program: copy to a sibling directory, then swap the two with renames.
  echo "Installing $app_dir -> $prefix"
  rm -rf "$prefix.new"
  mkdir -p "$prefix.new"
  cp -a "$app_dir/." "$prefix.new/"
  cp "$here/README.md" "$prefix.new/README.md" 2>/dev/null || true
  chown -R root:root "$prefix.new"
  chmod -R u=rwX,go=rX "$prefix.new"

  # Stop only once the new files are in place, so a failed copy leaves the running gateway alone.
  if systemctl is-active --quiet edge-gateway; then
    echo "Stopping edge-gateway for the upgrade (it drains Kafka first)..."
    systemctl stop edge-gateway
  fi
  rm -rf "$prefix.old"
  if [ -d "$prefix" ]; then
    mv "$prefix" "$prefix.old"
  fi
  mv "$prefix.new" "$prefix"
  rm -rf "$prefix.old"

  install -d -m 0755 "$unit_dir"
  install -m 0644 -o root -g root "$here/edge-gateway.service" "$unit_path"

  install -d -m 0755 -o root -g root "$config_dir"
  install -m 0644 -o root -g root "$here/appsettings.sample.json" "$config_dir/appsettings.sample.json"
  local new_config=no
  if [ ! -e "$config_dir/appsettings.json" ]; then
    # World-readable: the service runs as a dynamic user. Secrets belong in secrets.env (0600), not here.
    install -m 0644 -o root -g root "$here/appsettings.sample.json" "$config_dir/appsettings.json"
    new_config=yes
  fi

  systemctl daemon-reload
  # Starts it again after an upgrade too (it was stopped above).
  systemctl enable --now edge-gateway

  echo
  echo "edge-gateway is installed and enabled. Status: systemctl status edge-gateway; logs: journalctl -u edge-gateway -f"
  if [ "$new_config" = yes ]; then
    echo "NEW CONFIGURATION: $config_dir/appsettings.json is a copy of the sample. Set at least Gateway:Id and"
    echo "Kafka:BootstrapServers (and Kafka:Producer for your cluster), then: sudo systemctl restart edge-gateway"
  else
    echo "Kept your $config_dir/appsettings.json (the current sample is $config_dir/appsettings.sample.json)."
  fi
}

uninstall_gateway() {
  local purge="$1"
  if [ -e "$unit_path" ] || systemctl list-unit-files edge-gateway.service >/dev/null 2>&1; then
    systemctl disable --now edge-gateway 2>/dev/null || true
  fi
  rm -f "$unit_path"
  rm -rf "$unit_path.d"
  systemctl daemon-reload
  systemctl reset-failed edge-gateway 2>/dev/null || true
  rm -rf "$prefix" "$prefix.new" "$prefix.old"
  if [ "$purge" = yes ]; then
    # DynamicUser keeps the state in /var/lib/private/edge-gateway behind a symlink.
    rm -rf "$config_dir" "$state_dir" "$destdir/var/lib/private/edge-gateway"
    echo "edge-gateway removed, with its configuration and durable log."
  else
    echo "edge-gateway removed. Kept $config_dir and $state_dir (remove them with --uninstall --purge)."
  fi
}

main() {
  local mode=install purge=no app_dir="$here/app"
  while [ $# -gt 0 ]; do
    case "$1" in
      --uninstall) mode=uninstall ;;
      --purge) purge=yes ;;
      -h | --help)
        usage
        exit 0
        ;;
      -*) die "unknown option $1 (see --help)" ;;
      *) app_dir="$1" ;;
    esac
    shift
  done
  [ "$purge" = no ] || [ "$mode" = uninstall ] || die "--purge only goes with --uninstall"

  require_root "$@"
  if [ "$mode" = uninstall ]; then
    uninstall_gateway "$purge"
  else
    install_gateway "$(cd "$app_dir" 2>/dev/null && pwd || echo "$app_dir")"
  fi
}

main "$@"
