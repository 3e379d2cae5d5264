#!/usr/bin/env bash
# Builds the installer package for a Raspberry Pi (or any Linux box): a self-contained gateway (no .NET needed on
# the target) plus install.sh, the systemd unit, the configuration sample and README.md.
#
#   gateway/deploy/package.sh [-r RID] [-o OUT_DIR] [--no-tar] [-p:NAME=VALUE]...
#
#   -r RID     linux-arm64 (default: Raspberry Pi OS 64-bit, Pi 3/4/5/Zero 2 W) or linux-x64.
#              linux-arm (32-bit Raspberry Pi OS) is not possible here: its .NET runtime packs are not served.
#   -o OUT_DIR default dist/. Writes OUT_DIR/edge-gateway-RID/ and OUT_DIR/edge-gateway-RID.tar.gz
#   --no-tar   only the folder
#   -p:NAME=VALUE  an MSBuild property for the publish, after the package's own (bench/Edge.Bench.Startup
#              measures variants this way, e.g. -p:PublishReadyToRun=false)
#
# Builds in a private artifacts directory, so it never touches the bin/ and obj/ folders of a working tree.
set -euo pipefail

rid=linux-arm64
out=dist
tar=yes
properties=()
while [ $# -gt 0 ]; do
  case "$1" in
    -r) rid="$2"; shift ;;
    -o) out="$2"; shift ;;
    --no-tar) tar=no ;;
    -p:*) properties+=("$1") ;;
    -h | --help) sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "package.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

deploy="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$deploy/../.." && pwd)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
pkg="$out/edge-gateway-$rid"
artifacts="$(mktemp -d)"
trap 'rm -rf "$artifacts"' EXIT

rm -rf "$pkg"
# -p:TargetFrameworks=net10.0: sdk/Protocol also targets net8.0 (for Meadow), and a RID-specific restore would
# otherwise ask for the net8.0 runtime pack of that RID, which is not needed (and not served here).
# ReadyToRun for linux-arm64 (the Pi): the gateway's own assemblies and its NuGet dependencies (MQTTnet,
# Confluent.Kafka, prometheus-net, System.CommandLine) are compiled ahead of time, as the .NET runtime already is, so
# the Pi's slow cores JIT less before the gateway takes MQTT (bench/Edge.Bench.Startup; docs/benchmarks.md, Start-up:
# under qemu 0.85x the time to CONNACK and to the first record in Kafka, +3 MiB). linux-x64 showed no start-up gain
# natively, so it stays JIT. Never trimmed: trimming breaks the configuration binding (same section).
# -p: arguments come after these and win.
r2r=false
[ "$rid" = linux-arm64 ] && r2r=true
dotnet publish "$repo/gateway/src/Edge.Gateway" -c Release -r "$rid" --self-contained \
  -p:TargetFrameworks=net10.0 -p:PublishReadyToRun=$r2r --artifacts-path "$artifacts" -o "$pkg/app" -nologo -v quiet \
  "${properties[@]}"
# Debug symbols and XML docs are for developers; leave them out of the Pi's SD card.
find "$pkg/app" \( -name '*.pdb' -o -name '*.xml' \) -delete
# Confluent.Kafka loads alpine-librdkafka.so only on musl (Alpine); Raspberry Pi OS and Debian are glibc.
rm -f "$pkg/app/alpine-librdkafka.so"

cp "$deploy/install.sh" "$deploy/edge-gateway.service" "$deploy/appsettings.sample.json" "$deploy/README.md" "$pkg/"
chmod +x "$pkg/install.sh" "$pkg/app/Edge.Gateway"

if [ "$tar" = yes ]; then
  tar -C "$out" -czf "$pkg.tar.gz" "edge-gateway-$rid"
  echo "package.sh: $pkg.tar.gz ($(du -h "$pkg.tar.gz" | cut -f1))"
fi
echo "package.sh: $pkg ($(du -sh "$pkg" | cut -f1))"
